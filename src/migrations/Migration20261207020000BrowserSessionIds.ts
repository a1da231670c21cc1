import { Migration } from '@mikro-orm/migrations';

/**
 * Browser sessions as first-class objects (issue 23):
 * - `browser_sessions.sid`: the session's public id (random, not derived from the cookie), the `sid` of
 *   the ID tokens issued under it; sessions from before get one;
 * - `browser_session_clients`: the clients (domain `clients.id`) that received a code under a session;
 * - `authorization_codes.session_sid` and `token_families.session_sid`: the session a code, and the
 *   family its redemption started, were issued under (null for every other grant);
 * - `clients.post_logout_redirect_uris`: where RP-initiated logout may send the browser back to.
 */
export class Migration20261207020000BrowserSessionIds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table browser_sessions add column sid text;`);
    this.addSql(`update browser_sessions set sid = replace(gen_random_uuid()::text, '-', '') where sid is null;`);
    this.addSql(`alter table browser_sessions alter column sid set not null;`);
    this.addSql(`create unique index browser_sessions_sid_index on browser_sessions (sid);`);
    this.addSql(`create table browser_session_clients (
      session_sid text not null references browser_sessions (sid) on delete cascade,
      client_id uuid not null references clients (id) on delete cascade,
      primary key (session_sid, client_id)
    );`);
    this.addSql(`create index browser_session_clients_client_id_index on browser_session_clients (client_id);`);
    this.addSql(`alter table authorization_codes add column session_sid text;`);
    this.addSql(`alter table token_families add column session_sid text;`);
    this.addSql(`create index token_families_session_sid_index on token_families (session_sid) where session_sid is not null;`);
    this.addSql(`alter table clients add column post_logout_redirect_uris text[] not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table clients drop column if exists post_logout_redirect_uris;`);
    this.addSql(`drop index if exists token_families_session_sid_index;`);
    this.addSql(`alter table token_families drop column if exists session_sid;`);
    this.addSql(`alter table authorization_codes drop column if exists session_sid;`);
    this.addSql(`drop table if exists browser_session_clients;`);
    this.addSql(`drop index if exists browser_sessions_sid_index;`);
    this.addSql(`alter table browser_sessions drop column if exists sid;`);
  }
}
