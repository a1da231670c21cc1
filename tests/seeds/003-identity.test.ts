/**
 * Seed 003 (Identity-Token API): what this server serves today, POST
 * /connect/token and POST /connect/revocation with form bodies. The batch
 * revocation endpoint comes with the devices issue.
 */
import { createTestClient, createTestTenant, type TestClient } from '../fixtures/token-clients';
import { postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

describe('seed 003: /connect/token and /connect/revocation', () => {
  let t: TestServer;
  let app: TestClient;
  const password = 'identity password 0123';

  const tokenRequest = (form: Record<string, string>) =>
    postForm(`${t.url}/connect/token`, { grant_type: 'password', client_id: app.clientId, client_secret: app.clientSecret!, username: 'budi', password, ...form });
  const active = async (token: string) => (await postForm(`${t.url}/introspect`, { token, client_id: app.clientId, client_secret: app.clientSecret! })).body.active;

  beforeAll(async () => {
    t = await startTestServer();
    const { domain } = t.server.app;
    await createTestTenant(domain, '/acme');
    await createTestTenant(domain, '/acme/eu');
    app = await createTestClient(domain, '/acme', 'user', { accessTokenLifetime: 1800 });
    await domain.users.insert('/acme/eu', { username: 'budi', password, email: 'budi@example.test' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('POST /connect/token (password grant, tenant_path, access-token-lifetime, scope) answers 200 TokenResponse', async () => {
    const res = await tokenRequest({ tenant_path: '/acme/eu', 'access-token-lifetime': '600', scope: 'openid email offline_access' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^eyJ/),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'openid email offline_access',
      refresh_token: expect.any(String),
      id_token: expect.stringMatching(/^eyJ/),
    });
    const claims = JSON.parse(Buffer.from((res.body.access_token as string).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ tenant: '/acme/eu', client_id: app.clientId, scope: 'openid email offline_access' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(600);
  });

  it('never raises the lifetime above the client maximum', async () => {
    expect((await tokenRequest({ tenant_path: '/acme/eu', 'access-token-lifetime': '999999', scope: 'openid' })).body.expires_in).toBe(1800);
  });

  it('answers 400 with an RFC 6749 error when getting a token fails', async () => {
    const failures: Record<string, string>[] = [{ tenant_path: '/acme/eu', password: 'wrong password 0000' }, { tenant_path: '/elsewhere' }, { tenant_path: '/acme/eu', scope: 'admin' }];
    for (const form of failures) {
      const res = await tokenRequest(form);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.stringMatching(/^invalid_(grant|request|scope)$/), error_description: expect.any(String) });
    }
  });

  it('POST /connect/revocation answers 200 and the token is inactive afterwards', async () => {
    const { body } = await tokenRequest({ tenant_path: '/acme/eu', scope: 'openid' });
    const token = body.access_token as string;
    expect(await active(token)).toBe(true);
    const res = await postForm(`${t.url}/connect/revocation`, { token, token_type_hint: 'access_token', client_id: app.clientId, client_secret: app.clientSecret! });
    expect(res.status).toBe(200);
    expect(await active(token)).toBe(false);
  });

  it('POST /connect/revocation answers 400 with an error body when revoking fails, and revokes nothing', async () => {
    const { body } = await tokenRequest({ tenant_path: '/acme/eu', scope: 'openid' });
    const token = body.access_token as string;
    const missing = await postForm(`${t.url}/connect/revocation`, { client_id: app.clientId, client_secret: app.clientSecret! });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    const other = await createTestClient(t.server.app.domain, '/acme', 'service');
    const foreign = await postForm(`${t.url}/connect/revocation`, { token, client_id: other.clientId, client_secret: other.clientSecret! });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual({ error: 'unauthorized_client', error_description: expect.any(String) });
    expect(await active(token)).toBe(true);
  });
});
