import { Migration } from '@mikro-orm/migrations';

/**
 * OpenID Connect Back-Channel Logout 1.0 (src/domain/sessions/backchannel-logout.ts):
 * - `clients.backchannel_logout_uri` and `clients.backchannel_logout_session_required` (client metadata, §2.2);
 * - `backchannel_logout_outbox`: one row per ended session and client with a back-channel logout URI,
 *   written in one statement when sessions end and delivered by the in-process worker (several processes
 *   claim rows with `for update skip locked` under a lease); the logout token is signed at each attempt,
 *   so the row holds no token. No foreign keys: their per-row checks were most of the cost of writing
 *   1,000 rows when a user's sessions end; a row whose client is gone is given up at its next attempt.
 */
export class Migration20261207030000BackchannelLogout extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table clients add column backchannel_logout_uri text null;');
    this.addSql('alter table clients add column backchannel_logout_session_required boolean not null default false;');
    this.addSql(`create table backchannel_logout_outbox (
      id uuid primary key,
      tenant_id uuid not null,
      client_id uuid not null,
      user_id uuid not null,
      sid text not null,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      created_at timestamptz not null,
      delivered_at timestamptz
    );`);
    this.addSql(`create index backchannel_logout_outbox_due_idx on backchannel_logout_outbox (next_attempt_at) where status = 'pending';`);
    this.addSql(`create index backchannel_logout_outbox_tenant_idx on backchannel_logout_outbox (tenant_id, created_at);`);
    this.addSql(`create index backchannel_logout_outbox_client_idx on backchannel_logout_outbox (client_id, created_at);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table backchannel_logout_outbox;');
    this.addSql('alter table clients drop column backchannel_logout_session_required;');
    this.addSql('alter table clients drop column backchannel_logout_uri;');
  }
}
