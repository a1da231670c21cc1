import { Migration } from '@mikro-orm/migrations';

/**
 * Behind PgBouncer in transaction pooling (issue 24), a named prepared statement does not survive its
 * transaction, so the server sends its hot statements unnamed and PostgreSQL parsed and planned the
 * refresh token lookup (a three-way join) on every refresh. These PL/pgSQL twins of the two refresh
 * statements (src/data/refresh-token.repository.ts, the same text and `$n` parameters) have their
 * plans cached by each server connection; the server calls them only in that mode
 * (`PreparedStatement.serverCall`). A later change to either statement replaces its function in a new
 * migration (tests/integration/pgbouncer.test.ts compares each body with the statement).
 */
export class Migration20261207130000HotStatementFunctions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function refresh_token_by_hash(text)
  returns table (
    id uuid, family_id uuid, tenant_id uuid, client_id text, scopes text[],
    expires_at float8, rotated_at float8, successor_sealed text, created_at float8,
    user_id uuid, device_id uuid, resources text[], dpop_jkt text, amr text[], acr text, session_sid text,
    auth_time float8, family_revoked_at float8, user_enabled boolean, user_json json, scope_cutoff float8
  )
  language plpgsql stable as $fn$
#variable_conflict use_column
begin
  return query
  select rt.id, rt.family_id, rt.tenant_id, rt.client_id, rt.scopes,
         (extract(epoch from rt.expires_at) * 1000)::float8 as expires_at, (extract(epoch from rt.rotated_at) * 1000)::float8 as rotated_at,
         rt.successor_sealed, (extract(epoch from rt.created_at) * 1000)::float8 as created_at,
         f.user_id, f.device_id, f.resources, f.dpop_jkt, f.amr, f.acr, f.session_sid,
         (extract(epoch from f.auth_time) * 1000)::float8 as auth_time, (extract(epoch from f.revoked_at) * 1000)::float8 as family_revoked_at,
         u.enabled as user_enabled,
         case when u.id is null then null else json_build_object('id', u.id, 'tenant_id', u.tenant_id, 'username', u.username,
           'email', u.email, 'email_verified', u.email_verified, 'phone', u.phone, 'firstname', u.firstname, 'lastname', u.lastname,
           'enabled', u.enabled, 'admin', u.admin, 'created_at', u.created_at, 'updated_at', u.updated_at) end as user_json,
         (select (extract(epoch from max(cutoff)) * 1000)::float8 from token_cutoffs
           where (kind = 'user' and subject = f.user_id::text) or (kind = 'client' and subject = rt.client_id)) as scope_cutoff
    from refresh_tokens rt
    join token_families f on f.id = rt.family_id
    left join users u on u.id = f.user_id
   where rt.token_hash = $1;
end
$fn$;`);
    this.addSql(`create or replace function refresh_token_rotate(uuid, timestamptz, uuid, text, timestamptz, text)
  returns table (id uuid)
  language plpgsql as $fn$
#variable_conflict use_column
begin
  return query
  with rotated as (
    update refresh_tokens set rotated_at = $2, successor_sealed = $6 where id = $1 and rotated_at is null
    returning family_id, tenant_id, client_id, scopes
  )
  insert into refresh_tokens (id, token_hash, family_id, tenant_id, client_id, scopes, expires_at, created_at)
  select $3, $4, family_id, tenant_id, client_id, scopes, $5, $2 from rotated
  returning id;
end
$fn$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists refresh_token_rotate(uuid, timestamptz, uuid, text, timestamptz, text);');
    this.addSql('drop function if exists refresh_token_by_hash(text);');
  }
}
