import { decodeJwt } from 'jose';
import type { PresentedClientCredentials } from '../../src/domain/clients/presented-client-credentials';
import type { Domain } from '../../src/composition/create-domain';
import { isDomainError } from '../../src/domain/errors';
import type { RequestScope } from '../../src/domain/request-scope';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, createTestTenant, issueAccessToken, testClock, type TestClient } from '../fixtures/token-clients';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/**
 * The warm verification path answers at once: with the client, key, tenant
 * and user cached and the revocation state current, introspection, /userinfo
 * and seed 001 /api are decided without a promise (no async-context
 * bookkeeping, no microtask per step). These tests hold the path to that, and
 * hold it to the same answers as the slow path: revocations, failures and
 * their throttle counting included.
 */
describe('the warm verification path (answered at once)', () => {
  const clock = testClock();
  let t: TestServer;
  let domain: Domain;
  let resource: TestClient;
  let app: TestClient;
  let userId: string;

  const credentials = (client: TestClient, secret = client.clientSecret!): PresentedClientCredentials => ({
    clientId: client.clientId,
    clientSecret: secret,
    method: 'client_secret_basic',
  });
  const codeOf = (error: unknown) => (isDomainError(error) ? error.code : String(error));

  /** The introspection answer once the caches are warm: the first call may load, the second must not. */
  async function warmIntrospection(token: string) {
    await domain.introspection.introspect(credentials(resource), { token });
    return domain.introspection.introspect(credentials(resource), { token });
  }

  beforeAll(async () => {
    t = await startTestServer({ clock });
    domain = t.server.app.domain;
    await createTestTenant(domain, '/warm');
    resource = await createTestClient(domain, '/warm');
    app = await createTestClient(domain, '/warm', 'user');
    userId = (await createTestUser(domain, '/warm')).user.id;
    await waitUntil(() => domain.revocationCheck.sync.current);
  });
  afterAll(async () => {
    await t.close();
  });

  it('introspects a known token without a promise, with the same answer as the first (loading) call', async () => {
    const token = await issueAccessToken(domain, app.clientId, userId, ['openid', 'email']);
    const first = await domain.introspection.introspect(credentials(resource), { token });
    const warm = domain.introspection.introspect(credentials(resource), { token });
    expect(warm).not.toBeInstanceOf(Promise);
    expect(warm).toEqual(first);
    expect(warm).toMatchObject({ active: true, sub: userId, client_id: app.clientId, jti: decodeJwt(token).jti });
  });

  it('answers /userinfo and seed 001 /api without a promise once warm', async () => {
    const token = await issueAccessToken(domain, app.clientId, userId, ['openid', 'email', 'username']);
    await domain.userInfo.userInfo(token);
    const info = domain.userInfo.userInfo(token);
    expect(info).not.toBeInstanceOf(Promise);
    expect(info).toMatchObject({ sub: userId });
    const data = domain.seed001Api.data(token);
    expect(data).not.toBeInstanceOf(Promise);
    expect(data).toHaveProperty('username');
  });

  it('refuses on the warm path, at once, a token revoked since it was last introspected', async () => {
    const token = await issueAccessToken(domain, app.clientId, userId, ['openid']);
    expect(await warmIntrospection(token)).toMatchObject({ active: true });
    await domain.revocation.revokeAccessToken(
      decodeJwt(token) as { jti: string; exp: number },
      (await domain.tenants.findByPath('/warm'))!.id,
    );
    await waitUntil(
      () =>
        domain.revocationCheck.sync.current &&
        domain.revocationCheck.sync.state.isJtiRevoked(decodeJwt(token).jti!, Math.floor(Date.now() / 1000)),
    );
    const answer = domain.introspection.introspect(credentials(resource), { token });
    expect(answer).not.toBeInstanceOf(Promise);
    expect(answer).toEqual({ active: false });
    // /userinfo throws at once on the warm path: the same invalid_token the slow path rejects with
    let thrown: unknown = null;
    try {
      domain.userInfo.userInfo(token);
    } catch (error) {
      thrown = error;
    }
    expect(codeOf(thrown)).toBe('invalid_token');
  });

  it('counts a wrong secret presented on the warm path as a failure before answering invalid_client', async () => {
    const token = await issueAccessToken(domain, app.clientId, userId, ['openid']);
    await warmIntrospection(token);
    const db = t.server.orm.em.getConnection();
    const bucket = `bf:client:${resource.clientId}`;
    const before = await db.execute<{ n: string }[]>('select count(*) as n from rate_limit_hits where bucket = ?', [bucket]);
    // The failure is written to the shared table before the answer: a promise, rejecting with invalid_client.
    const refused = domain.introspection.introspect(credentials(resource, 'not-the-secret'), { token });
    expect(refused).toBeInstanceOf(Promise);
    await expect(refused).rejects.toMatchObject({ code: 'invalid_client' });
    const after = await db.execute<{ n: string }[]>('select count(*) as n from rate_limit_hits where bucket = ?', [bucket]);
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 1);
    // And the right secret still answers at once afterwards (the failure is remembered as a hint, so this one checks the table).
    expect(await domain.introspection.introspect(credentials(resource), { token })).toMatchObject({ active: true });
  });

  it('authenticates a client at once on the warm path, also while other sources fail its secret (they lock only themselves)', async () => {
    const own = { clientIp: '198.51.100.7', requestId: 'warm-own' } as RequestScope;
    const authenticate = (secret: string, scope: RequestScope) =>
      domain.clients.authenticate({ clientId: resource.clientId, clientSecret: secret, method: 'client_secret_basic' }, scope);
    // The first success from a source on this instance marks the source as known (one write); then none.
    await authenticate(resource.clientSecret!, own);
    expect(authenticate(resource.clientSecret!, own)).not.toBeInstanceOf(Promise);
    for (let i = 0; i < 12; i++) {
      const other = { clientIp: `198.51.100.${100 + i}`, requestId: `warm-attack-${i}` } as RequestScope;
      await expect(authenticate(`wrong-${i}`, other)).rejects.toMatchObject({ code: 'invalid_client' });
    }
    const warm = authenticate(resource.clientSecret!, own);
    expect(warm).not.toBeInstanceOf(Promise);
    expect(warm).toMatchObject({ clientId: resource.clientId });
  });

  it('turns an error thrown at once into the endpoint error response, and keeps the connection serving', async () => {
    const token = await issueAccessToken(domain, app.clientId, userId, ['openid']);
    await warmIntrospection(token);
    const headers = { authorization: basic(resource.clientId, resource.clientSecret!) };
    const missing = await postForm(`${t.url}/introspect`, { token_type_hint: 'access_token' }, headers);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request' });
    const wrongType = await fetch(`${t.url}/introspect`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: `token=${token}`,
    });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: 'invalid_request' });
    const ok = await postForm(`${t.url}/introspect`, { token }, headers);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ active: true, sub: userId });
  });
});
