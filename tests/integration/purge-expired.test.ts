import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/test-server';

describe('purgeExpired', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('deletes only rows that can no longer matter', async () => {
    const { orm } = t.server;
    const db = orm.em.fork().getConnection();
    const [root] = await db.execute<{ id: string }[]>(`select id from tenants where path = '/'`);
    const tenantId = root!.id;
    const live = randomUUID();
    const dead = randomUUID();
    await db.execute(
      `insert into revoked_tokens (jti, tenant_id, expires_at) values (?, ?, now() + interval '1 hour'), (?, ?, now() - interval '1 second')`,
      [live, tenantId, dead, tenantId],
    );
    const nowSeconds = Math.floor(Date.now() / 1000);
    await db.execute(
      `insert into token_issuance (tenant_id, client_id, issued_at, expires_at, count) values (?, 'admin', ?, ?, 2), (?, 'admin', ?, ?, 3)`,
      [tenantId, nowSeconds - 100, nowSeconds + 3600, tenantId, nowSeconds - 100, nowSeconds - 10],
    );
    const first = await t.server.app.domain.maintenance.purgeExpired();
    expect(first.revokedTokens).toBe(1);
    expect(first.tokenIssuance).toBe(1);
    expect(await db.execute<{ count: number }[]>('select count from token_issuance')).toEqual([{ count: 2 }]);
    const left = await db.execute<{ jti: string }[]>('select jti from revoked_tokens');
    expect(left.map((row) => row.jti)).toEqual([live]);
    // A second run finds nothing more.
    expect((await t.server.app.domain.maintenance.purgeExpired()).revokedTokens).toBe(0);
  });
});
