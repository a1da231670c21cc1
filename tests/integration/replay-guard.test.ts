import { Database } from '../../src/data/database';
import { PgPreparedQueries } from '../../src/data/pg-prepared-queries';
import { ReplayRepository } from '../../src/data/replay.repository';
import { ReplayGuard } from '../../src/domain/replay/replay-guard';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * The single-use rule of assertion and proof `jti`s and `request_uri`s: a claim made through
 * one guard is refused by every other guard over the same database (another process), until
 * the identifier expires; the janitor deletes expired claims.
 */
describe('ReplayGuard over PostgreSQL', () => {
  let t: TestServer;
  let db: Database;
  let sql: PgPreparedQueries;
  const clock = { now: () => new Date() };
  const inAMinute = () => new Date(Date.now() + 60_000);

  beforeAll(async () => {
    t = await startTestServer();
    // Claims outside a transaction go through the hot-path prepared statements, as on the token path.
    sql = new PgPreparedQueries(t.databaseUrl);
    db = new Database(t.server.orm, sql);
  });
  afterAll(async () => {
    await sql?.close();
    await t.close();
  });

  it('an identifier claimed on one process is refused on another and on the first', async () => {
    const one = new ReplayGuard(new ReplayRepository(db), clock);
    const two = new ReplayGuard(new ReplayRepository(db), clock);
    expect(await one.claimOnce('client_assertion', 'client-a', 'jti-1', inAMinute())).toBe(true);
    expect(await two.claimOnce('client_assertion', 'client-a', 'jti-1', inAMinute())).toBe(false);
    expect(await one.claimOnce('client_assertion', 'client-a', 'jti-1', inAMinute())).toBe(false);
  });

  it('kinds and issuers are separate namespaces', async () => {
    const guard = new ReplayGuard(new ReplayRepository(db), clock);
    expect(await guard.claimOnce('client_assertion', 'client-a', 'shared', inAMinute())).toBe(true);
    expect(await guard.claimOnce('client_assertion', 'client-b', 'shared', inAMinute())).toBe(true);
    expect(await guard.claimOnce('dpop_proof', 'client-a', 'shared', inAMinute())).toBe(true);
  });

  it('concurrent claims of one identifier on two processes: exactly one wins', async () => {
    const one = new ReplayGuard(new ReplayRepository(db), clock);
    const two = new ReplayGuard(new ReplayRepository(db), clock);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).claimOnce('dpop_proof', 'jkt', 'race', inAMinute())),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('stores a fixed-size digest, never the identifier itself', async () => {
    const guard = new ReplayGuard(new ReplayRepository(db), clock);
    const huge = 'x'.repeat(10_000);
    expect(await guard.claimOnce('request_uri', 'client-a', huge, inAMinute())).toBe(true);
    const rows = await sqlRows<{ key: string }>(t.databaseUrl, 'select key from used_identifiers');
    expect(rows.every((row) => row.key.length === 43 && !row.key.includes('x'.repeat(20)))).toBe(true);
  });

  it('an expired claim is taken over by the next claim, and the janitor deletes expired ones', async () => {
    const guard = new ReplayGuard(new ReplayRepository(db), clock);
    expect(await guard.claimOnce('client_assertion', 'client-c', 'old', inAMinute())).toBe(true);
    await sqlRows(t.databaseUrl, `update used_identifiers set expires_at = now() - interval '1 second'`);
    const other = new ReplayGuard(new ReplayRepository(db), clock);
    expect(await other.claimOnce('client_assertion', 'client-c', 'old', inAMinute())).toBe(true);
    await sqlRows(t.databaseUrl, `update used_identifiers set expires_at = now() - interval '1 second'`);
    const purged = await t.server.app.domain.maintenance.purgeExpired();
    expect(purged.usedIdentifiers).toBeGreaterThan(0);
    expect(await sqlRows(t.databaseUrl, 'select 1 from used_identifiers')).toEqual([]);
  });
});
