import { Migration } from '@mikro-orm/migrations';

/**
 * Upstream logout (issue 23): which upstream a browser session came from, so that a back-channel
 * logout of that upstream (OIDC Back-Channel Logout 1.0, RP side) ends it, and so that ending it
 * here can send the browser to the upstream's end_session_endpoint with the upstream ID token as
 * `id_token_hint` (kept sealed with the server secret, purpose `upstream-id-token`). One row per
 * session, replaced by each federated sign-in that continues the session; it goes with the session
 * or the provider. `identity_providers.upstream_logout` lets a tenant turn the RP-initiated part off.
 */
export class Migration20261207100000UpstreamLogout extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table browser_session_upstreams (
      session_sid text primary key references browser_sessions (sid) on delete cascade,
      provider_id uuid not null references identity_providers (id) on delete cascade,
      upstream_sid text null,
      upstream_sub text not null,
      id_token_sealed text null,
      created_at timestamptz not null default now()
    );`);
    this.addSql(
      'create index browser_session_upstreams_sid on browser_session_upstreams (provider_id, upstream_sid) where upstream_sid is not null;',
    );
    this.addSql('create index browser_session_upstreams_sub on browser_session_upstreams (provider_id, upstream_sub);');
    this.addSql('alter table identity_providers add column upstream_logout boolean not null default true;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table identity_providers drop column upstream_logout;');
    this.addSql('drop table browser_session_upstreams;');
  }
}
