import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CHANGE_BUS_APPLICATION_NAME } from '../../src/db/pg-change-bus';
import type { Clock } from '../../src/domain/clock';
import { startTestServer, type TestServer } from './test-server';
import { waitUntil } from './wait-until';

/** Two servers on one database, as one deployment behind a load balancer: one server secret and one issuer (and `clock`, when given, for both). */
export async function startServerPair(options: { clock?: Clock } = {}): Promise<{ first: TestServer; second: TestServer }> {
  const env = { SECRET_KEY: randomBytes(32).toString('base64'), ISSUER: 'https://idp.example.test' };
  const first = await startTestServer({ env, clock: options.clock });
  const second = await startTestServer({ env, databaseUrl: first.databaseUrl, clock: options.clock });
  return { first, second };
}

/** Kills the server's change-bus listening connection (pg_terminate_backend) and waits until its bus knows. */
export async function cutChangeBus(server: TestServer): Promise<void> {
  const bus = server.server.changeBus;
  const pg = new Client({ connectionString: server.databaseUrl });
  await pg.connect();
  try {
    const killed = await pg.query('select pg_terminate_backend(pid) as ok from pg_stat_activity where pid = $1 and application_name = $2', [
      bus.backendPid,
      CHANGE_BUS_APPLICATION_NAME,
    ]);
    if (killed.rows[0]?.ok !== true) throw new Error('the change bus connection was not found');
  } finally {
    await pg.end();
  }
  await waitUntil(() => bus.state !== 'connected');
}
