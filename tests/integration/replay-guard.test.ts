import { Database } from '../../src/data/database';
import { PgPreparedQueries } from '../../src/data/pg-prepared-queries';
import { Client } from 'pg';
import { CLAIM, CLAIM_MANY, ReplayRepository } from '../../src/data/replay.repository';
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
  let queries = 0;
  const clock = { now: () => new Date() };
  const inAMinute = () => new Date(Date.now() + 60_000);

  beforeAll(async () => {
    t = await startTestServer();
    // Claims outside a transaction go through the hot-path prepared statements, as on the token path.
    sql = new PgPreparedQueries(t.databaseUrl, () => queries++);
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

  it('the claims of one event-loop turn go in one statement; a key twice in the turn is claimed once', async () => {
    const guard = new ReplayGuard(new ReplayRepository(db), clock);
    const before = queries;
    const ids = Array.from({ length: 100 }, (_, i) => `turn-${i}`);
    const results = await Promise.all([...ids, 'turn-7'].map((id) => guard.claimOnce('dpop_proof', 'jkt-turn', id, inAMinute())));
    expect(queries - before).toBe(1);
    expect(results.slice(0, 100).every(Boolean)).toBe(true);
    expect(results[100]).toBe(false);
    // and each of them is refused by another process
    const other = new ReplayGuard(new ReplayRepository(db), clock);
    expect(await Promise.all(ids.map((id) => other.claimOnce('dpop_proof', 'jkt-turn', id, inAMinute())))).toEqual(ids.map(() => false));
  });

  it('two processes claiming the same keys in opposite orders at once: each key claimed exactly once, no deadlock', async () => {
    const one = new ReplayGuard(new ReplayRepository(db), clock);
    const two = new ReplayGuard(new ReplayRepository(db), clock);
    const ids = Array.from({ length: 200 }, (_, i) => `both-${i}`);
    const [a, b] = await Promise.all([
      Promise.all(ids.map((id) => one.claimOnce('client_assertion', 'client-both', id, inAMinute()))),
      Promise.all([...ids].reverse().map((id) => two.claimOnce('client_assertion', 'client-both', id, inAMinute()))),
    ]);
    const bForward = [...b].reverse();
    expect(ids.every((_, i) => a[i] !== bForward[i])).toBe(true);
  });

  it('claims commit without waiting for the WAL flush, for their own transaction only', async () => {
    const client = new Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await client.query('set synchronous_commit = on');
      const setting = async () =>
        (await client.query<{ value: string }>(`select current_setting('synchronous_commit') as value`)).rows[0]!.value;
      for (const [statement, values] of [
        [CLAIM, ['wal-one', inAMinute()]],
        [
          CLAIM_MANY,
          [
            ['wal-two', 'wal-three'],
            [inAMinute(), inAMinute()],
          ],
        ],
      ] as const) {
        await client.query('begin');
        expect((await client.query({ text: statement.text, values: [...values] })).rowCount).toBeGreaterThan(0);
        // what the commit of the claim's transaction reads
        expect(await setting()).toBe('off');
        await client.query('commit');
        // and nothing is left on the connection
        expect(await setting()).toBe('on');
      }
    } finally {
      await client.end();
    }
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
