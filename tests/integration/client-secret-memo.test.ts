import { rootAdminActor } from '../fixtures/admin-actor';
import { clientHeaders, createTestClient, serviceToken, type TestClient } from '../fixtures/token-clients';
import { postForm } from '../support/oauth';
import { startServerPair } from '../support/server-pair';
import type { TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/**
 * Client authentication remembers the fingerprint of the last secret that
 * verified (ClientService, ServerSecret.fingerprint) on the client's cache
 * entry. Two servers on one database: a secret rotated or a client disabled
 * through one server stops working at the other once the change bus delivers
 * it, although the other remembered the old secret; a wrong secret never
 * passes.
 */
describe('remembered client secrets', () => {
  let first: TestServer;
  let second: TestServer;
  let app: TestClient;

  beforeAll(async () => {
    ({ first, second } = await startServerPair());
    app = await createTestClient(first.server.app.domain, '/');
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  const introspectStatus = async (server: TestServer, rs: TestClient, token: string) =>
    (await postForm(`${server.url}/introspect`, { token }, clientHeaders(rs))).status;

  it('refuses a wrong secret after the right one was remembered', async () => {
    const rs = await createTestClient(first.server.app.domain, '/');
    const token = await serviceToken(first.url, app);
    expect(await introspectStatus(second, rs, token)).toBe(200);
    expect(await introspectStatus(second, rs, token)).toBe(200);
    for (const wrong of [`${rs.clientSecret}x`, rs.clientSecret!.slice(0, -1), rs.clientSecret!.toUpperCase()]) {
      expect(await introspectStatus(second, { ...rs, clientSecret: wrong }, token)).toBe(401);
    }
    expect(await introspectStatus(second, rs, token)).toBe(200);
  });

  it('forgets the remembered secret when the secret is rotated through the other server', async () => {
    const rs = await createTestClient(first.server.app.domain, '/');
    const token = await serviceToken(first.url, app);
    expect(await introspectStatus(second, rs, token)).toBe(200);
    expect(await introspectStatus(second, rs, token)).toBe(200);
    const { clientSecret } = await first.server.app.domain.clients.rotateSecret(await rootAdminActor(first.server.app.domain), rs.clientId);
    await waitUntil(async () => (await introspectStatus(second, rs, token)) === 401, 20_000, 10);
    expect(await introspectStatus(second, rs, token)).toBe(401);
    expect(await introspectStatus(first, rs, token)).toBe(401);
    expect(await introspectStatus(second, { ...rs, clientSecret }, token)).toBe(200);
    expect(await introspectStatus(second, { ...rs, clientSecret }, token)).toBe(200);
  });

  it('refuses a remembered secret of a client disabled through the other server', async () => {
    const rs = await createTestClient(first.server.app.domain, '/');
    const token = await serviceToken(first.url, app);
    expect(await introspectStatus(second, rs, token)).toBe(200);
    expect(await introspectStatus(second, rs, token)).toBe(200);
    await first.server.app.domain.clients.update(await rootAdminActor(first.server.app.domain), rs.clientId, { enabled: false });
    await waitUntil(async () => (await introspectStatus(second, rs, token)) === 401, 20_000, 10);
    expect(await introspectStatus(second, rs, token)).toBe(401);
  });
});
