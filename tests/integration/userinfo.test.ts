import { rootAdminActor } from '../fixtures/admin-actor';
import {
  clientHeaders,
  createTestClient,
  createTestTenant,
  passwordTokens,
  serviceToken,
  type TestClient,
} from '../fixtures/token-clients';
import { postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

describe('GET/POST /userinfo (OIDC Core §5.3)', () => {
  let t: TestServer;
  let userApp: TestClient;
  let serviceApp: TestClient;
  let userId: string;
  const username = 'ada';
  const password = 'correct horse battery staple';

  const get = (token?: string) => fetch(`${t.url}/userinfo`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const tokenFor = async (scope: string) => (await passwordTokens(t.url, userApp, username, password, scope)).access_token;

  beforeAll(async () => {
    t = await startTestServer();
    const { domain } = t.server.app;
    await createTestTenant(domain, '/acme');
    userApp = await createTestClient(domain, '/acme', 'user');
    serviceApp = await createTestClient(domain, '/acme');
    const user = await domain.users.create(await rootAdminActor(domain), {
      tenantPath: '/acme',
      username,
      password,
      email: 'ada@example.test',
      firstname: 'Ada',
      lastname: 'Lovelace',
      phone: '+441234567890',
    });
    userId = user.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('returns sub and the claims of `openid profile email` (password grant token), uncached', async () => {
    const res = await get(await tokenFor('openid profile email'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      sub: userId,
      preferred_username: username,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@example.test',
      email_verified: false,
    });
  });

  it('answers alike on the node:http fast path and through Express (a query string takes the Express route)', async () => {
    const token = await tokenFor('openid email');
    const viaExpress = (bearer: string) => fetch(`${t.url}/userinfo?via=express`, { headers: { authorization: `Bearer ${bearer}` } });
    const [fast, express] = [await get(token), await viaExpress(token)];
    expect(express.status).toBe(200);
    expect(await express.json()).toEqual(await fast.json());
    const [fastBad, expressBad] = [await get(`${token}x`), await viaExpress(`${token}x`)];
    expect([fastBad.status, expressBad.status]).toEqual([401, 401]);
    expect(expressBad.headers.get('www-authenticate')).toBe(fastBad.headers.get('www-authenticate'));
    expect(await expressBad.json()).toEqual(await fastBad.json());
  });

  it('releases only `sub` for scope openid alone', async () => {
    expect(await (await get(await tokenFor('openid'))).json()).toEqual({ sub: userId });
  });

  it('accepts POST with the header or with a form-encoded access_token (RFC 6750 §2.2), but not both', async () => {
    const token = await tokenFor('openid phone');
    const header = await fetch(`${t.url}/userinfo`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(await header.json()).toEqual({
      sub: userId,
      phone_number: '+441234567890',
      phone_number_verified: false,
      phone: '+441234567890',
    });
    const form = await postForm(`${t.url}/userinfo`, { access_token: token });
    expect(form.status).toBe(200);
    expect(form.body.sub).toBe(userId);
    const both = await postForm(`${t.url}/userinfo`, { access_token: token }, { authorization: `Bearer ${token}` });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
  });

  it('challenges a request without a token with a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    const res = await get();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 401 invalid_token for bad, revoked and client tokens, and for disabled users', async () => {
    const revoked = await tokenFor('openid');
    expect((await postForm(`${t.url}/revoke`, { token: revoked }, clientHeaders(userApp))).status).toBe(200);
    const service = await serviceToken(t.url, serviceApp);
    for (const token of ['garbage', revoked, service]) {
      const res = await get(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    }

    const { domain } = t.server.app;
    const token = await tokenFor('openid');
    await domain.users.update(await rootAdminActor(domain), userId, { enabled: false });
    try {
      expect((await get(token)).status).toBe(401);
    } finally {
      await domain.users.update(await rootAdminActor(domain), userId, { enabled: true });
      // Disabling revoked every token of the user issued until then, its own second included (`iat` has whole
      // seconds): the next tests' tokens are issued in a later second.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    }
  });

  it('answers 403 insufficient_scope naming the scope it needs (RFC 6750 §3) for a user token without openid', async () => {
    const res = await get(await tokenFor('email'));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", error_description="[^"]+", scope="openid"$/);
    expect(await res.json()).toMatchObject({ error: 'insufficient_scope' });
  });
});
