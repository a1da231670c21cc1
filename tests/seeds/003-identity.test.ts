/**
 * Seed 003 (Identity-Token API): POST /connect/token and POST
 * /connect/revocation with form bodies, and POST
 * /api/v2/identity/token/batch-revocation with a JSON body.
 */
import { createTestClient, createTestTenant, type TestClient } from '../fixtures/token-clients';
import { clientCredentialsToken, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

describe('seed 003: /connect/token and /connect/revocation', () => {
  let t: TestServer;
  let app: TestClient;
  const password = 'identity password 0123';

  const tokenRequest = (form: Record<string, string>) =>
    postForm(`${t.url}/connect/token`, {
      grant_type: 'password',
      client_id: app.clientId,
      client_secret: app.clientSecret!,
      username: 'budi',
      password,
      ...form,
    });
  const active = async (token: string) =>
    (await postForm(`${t.url}/introspect`, { token, client_id: app.clientId, client_secret: app.clientSecret! })).body.active;

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
    const claims = JSON.parse(Buffer.from((res.body.access_token as string).split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ tenant: '/acme/eu', client_id: app.clientId, scope: 'openid email offline_access' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(600);
  });

  it('never raises the lifetime above the client maximum', async () => {
    expect((await tokenRequest({ tenant_path: '/acme/eu', 'access-token-lifetime': '999999', scope: 'openid' })).body.expires_in).toBe(
      1800,
    );
  });

  it('answers 400 with an RFC 6749 error when getting a token fails', async () => {
    const failures: Record<string, string>[] = [
      { tenant_path: '/acme/eu', password: 'wrong password 0000' },
      { tenant_path: '/elsewhere' },
      { tenant_path: '/acme/eu', scope: 'admin' },
    ];
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
    const res = await postForm(`${t.url}/connect/revocation`, {
      token,
      token_type_hint: 'access_token',
      client_id: app.clientId,
      client_secret: app.clientSecret!,
    });
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

describe('seed 003: POST /api/v2/identity/token/batch-revocation', () => {
  const PATH = '/api/v2/identity/token/batch-revocation';
  let t: TestServer;
  let admin: TestClient;
  let service: TestClient;

  const batch = (token: string | null, body: string) =>
    fetch(`${t.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
  const active = async (token: string) =>
    (await postForm(`${t.url}/introspect`, { token, client_id: service.clientId, client_secret: service.clientSecret! })).body.active;

  beforeAll(async () => {
    t = await startTestServer();
    const { domain } = t.server.app;
    await createTestTenant(domain, '/batch');
    admin = await createTestClient(domain, '/batch', 'service', { allowedScopes: ['admin'] });
    service = await createTestClient(domain, '/batch', 'service');
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 200 TokenBatchRevocationResponseModel {count: int64} and every token created before the time is inactive', async () => {
    const issued = [
      await clientCredentialsToken(t.url, service.clientId, service.clientSecret!),
      await clientCredentialsToken(t.url, service.clientId, service.clientSecret!),
    ];
    const adminToken = await clientCredentialsToken(t.url, admin.clientId, admin.clientSecret!);
    // Cutoffs compare whole seconds of `iat`: ask for everything created up to a second from now.
    const creationBefore = new Date(Date.now() + 1000).toISOString();
    const res = await batch(adminToken, JSON.stringify({ creationBefore }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { count: unknown };
    expect(Object.keys(body)).toEqual(['count']);
    expect(Number.isInteger(body.count)).toBe(true);
    // The two service tokens and the admin's own token.
    expect(body.count).toBe(3);
    for (const token of issued) expect(await active(token)).toBe(false);
  });

  it('answers 400 ServerPluginError {code, message, context, innerError, extensions} for a malformed creationBefore', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const adminToken = await clientCredentialsToken(t.url, admin.clientId, admin.clientSecret!);
    const res = await batch(adminToken, JSON.stringify({ creationBefore: 'yesterday' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'context', 'extensions', 'innerError', 'message']);
    expect(typeof body.code).toBe('string');
    expect(typeof body.message).toBe('string');
  });

  it('answers 401 ServerPluginError without a bearer token', async () => {
    const res = await batch(null, JSON.stringify({ creationBefore: new Date().toISOString() }));
    expect(res.status).toBe(401);
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['code', 'context', 'extensions', 'innerError', 'message']);
  });
});
