import { Migration } from '@mikro-orm/migrations';

/** Seed 001 clients' response style; the PostgreSQL-backed sliding-window rate limiter (self sign-up). */
export class Migration20261201040000Seeds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table clients add column response_style text not null default 'standard';`);
    this.addSql(`alter table clients add constraint clients_response_style_check check (response_style in ('standard', 'seed001'));`);
    this.addSql(`
      create table rate_limit_hits (
        bucket text not null,
        expires_at timestamptz not null
      );`);
    this.addSql(`create index rate_limit_hits_bucket_expires_at_index on rate_limit_hits (bucket, expires_at);`);
    this.addSql(`create index rate_limit_hits_expires_at_index on rate_limit_hits (expires_at);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists rate_limit_hits;`);
    this.addSql(`alter table clients drop constraint if exists clients_response_style_check;`);
    this.addSql(`alter table clients drop column if exists response_style;`);
  }
}
