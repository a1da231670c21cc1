import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { createTestUser } from '../fixtures/test-user';
import {
  clientForm,
  clientHeaders,
  createTestClient,
  createTestTenant,
  issueAccessToken,
  passwordTokens,
  serviceToken,
  type TestClient,
} from '../fixtures/token-clients';
import { clientSdk, errorCode, rootAdminSdk } from '../support/admin-sdk';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

describe('token revocation (RFC 7009, seed 003) and GraphQL revokeToken', () => {
  let t: TestServer;
  let rs: TestClient;
  let app: TestClient;
  let otherApp: TestClient;
  let userApp: TestClient;
  let publicApp: TestClient;
  let root: AdminSdk;

  const revoke = (caller: TestClient, form: Record<string, string>, path = '/revoke') =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...clientHeaders(caller) },
      body: new URLSearchParams({ ...form, ...(caller.clientSecret === null ? clientForm(caller) : {}) }).toString(),
    });
  const isActive = async (token: string): Promise<boolean> => {
    const res = await postForm(`${t.url}/introspect`, { token }, clientHeaders(rs));
    if (!res.body.active) expect(res.body).toEqual({ active: false });
    return res.body.active === true;
  };

  beforeAll(async () => {
    t = await startTestServer();
    const { domain } = t.server.app;
    await createTestTenant(domain, '/acme');
    await createTestTenant(domain, '/beta');
    rs = await createTestClient(domain, '/acme');
    app = await createTestClient(domain, '/acme');
    otherApp = await createTestClient(domain, '/acme');
    userApp = await createTestClient(domain, '/acme', 'user');
    publicApp = await createTestClient(domain, '/acme', 'public');
    root = await rootAdminSdk(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 200 with an empty body for unknown, malformed and already revoked tokens', async () => {
    const token = await serviceToken(t.url, app);
    for (const value of ['unknown-token', 'a.b.c', `${token}x`]) {
      const res = await revoke(app, { token: value });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toBe('');
    }
    expect((await revoke(app, { token })).status).toBe(200);
    expect((await revoke(app, { token })).status).toBe(200);
  });

  it('revokes an access token: introspection says inactive and GraphQL refuses it', async () => {
    const token = await serviceToken(t.url, app);
    expect((await createAdminSdk(t.url, token).me()).me.clientId).toBe(app.clientId);
    expect(await isActive(token)).toBe(true);
    expect((await revoke(app, { token, token_type_hint: 'access_token' })).status).toBe(200);
    expect(await isActive(token)).toBe(false);
    expect(await errorCode(createAdminSdk(t.url, token).me())).toBe('UNAUTHENTICATED');
  });

  it('serves /connect/revocation the same way, with client_secret_post (seed 003)', async () => {
    const token = await serviceToken(t.url, app);
    const res = await postForm(`${t.url}/connect/revocation`, { token, token_type_hint: 'access_token', ...clientForm(app) });
    expect(res.status).toBe(200);
    expect(await isActive(token)).toBe(false);
  });

  it('ignores a wrong or unknown token_type_hint (RFC 7009 §2.1, §2.2)', async () => {
    const wrongHint = await serviceToken(t.url, app);
    expect((await revoke(app, { token: wrongHint, token_type_hint: 'refresh_token' })).status).toBe(200);
    expect(await isActive(wrongHint)).toBe(false);
    const unknownHint = await serviceToken(t.url, app);
    expect((await revoke(app, { token: unknownHint, token_type_hint: 'urn:example:whatever' })).status).toBe(200);
    expect(await isActive(unknownHint)).toBe(false);
  });

  it('refuses another client’s token with 400 unauthorized_client and leaves it active', async () => {
    const token = await serviceToken(t.url, app);
    const res = await revoke(otherApp, { token });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unauthorized_client', error_description: expect.any(String) });
    expect(await isActive(token)).toBe(true);
  });

  it('requires client authentication and a token', async () => {
    const token = await serviceToken(t.url, app);
    const anonymous = await postForm(`${t.url}/revoke`, { token });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('invalid_client');
    const wrong = await postForm(`${t.url}/revoke`, { token }, { authorization: basic(app.clientId, 'wrong-secret-wrong-secret') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
    // A confidential client cannot pass as public by leaving its secret out.
    expect((await postForm(`${t.url}/revoke`, { token, client_id: app.clientId })).status).toBe(401);
    expect(await isActive(token)).toBe(true);
    const missing = await postForm(`${t.url}/revoke`, {}, clientHeaders(app));
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it('lets a public client revoke its own tokens with client_id alone, and no one else’s', async () => {
    const { user } = await createTestUser(t.server.app.domain, '/acme');
    const own = await issueAccessToken(t.server.app.domain, publicApp.clientId, user.id, ['openid']);
    expect((await revoke(publicApp, { token: own })).status).toBe(200);
    expect(await isActive(own)).toBe(false);
    const foreign = await serviceToken(t.url, app);
    expect((await revoke(publicApp, { token: foreign })).status).toBe(400);
    expect(await isActive(foreign)).toBe(true);
  });

  it('revokes a refresh token’s whole family, with the access tokens issued from it', async () => {
    const { username, password } = await createTestUser(t.server.app.domain, '/acme');
    const tokens = await passwordTokens(t.url, userApp, username, password, 'openid offline_access');
    expect((await revoke(otherApp, { token: tokens.refresh_token! })).status).toBe(400);
    expect(await isActive(tokens.refresh_token!)).toBe(true);
    expect((await revoke(userApp, { token: tokens.refresh_token!, token_type_hint: 'refresh_token' })).status).toBe(200);
    expect(await isActive(tokens.refresh_token!)).toBe(false);
    expect(await isActive(tokens.access_token)).toBe(false);
    const refresh = await postForm(
      `${t.url}/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      clientHeaders(userApp),
    );
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
  });

  describe('GraphQL revokeToken', () => {
    it('parity: revoking through REST and through GraphQL both make introspection answer {"active":false}', async () => {
      const viaRest = await serviceToken(t.url, app);
      const viaGraphQL = await serviceToken(t.url, app);
      expect(await isActive(viaRest)).toBe(true);
      expect(await isActive(viaGraphQL)).toBe(true);
      expect((await revoke(app, { token: viaRest })).status).toBe(200);
      expect((await root.revokeToken({ token: viaGraphQL, tokenTypeHint: 'access_token' })).revokeToken).toBe(true);
      expect(await isActive(viaRest)).toBe(false);
      expect(await isActive(viaGraphQL)).toBe(false);
    });

    it('revokes refresh tokens too, and answers false for unknown or already revoked tokens', async () => {
      const { username, password } = await createTestUser(t.server.app.domain, '/acme');
      const tokens = await passwordTokens(t.url, userApp, username, password, 'openid offline_access');
      expect((await root.revokeToken({ token: tokens.refresh_token! })).revokeToken).toBe(true);
      expect(await isActive(tokens.refresh_token!)).toBe(false);
      expect(await isActive(tokens.access_token)).toBe(false);
      expect((await root.revokeToken({ token: 'no-such-token' })).revokeToken).toBe(false);
      expect((await root.revokeToken({ token: tokens.access_token })).revokeToken).toBe(false);
    });

    it('is limited to admins of the token’s tenant subtree (FORBIDDEN without admin, unknown outside the subtree)', async () => {
      const { domain } = t.server.app;
      const betaAdmin = await createTestClient(domain, '/beta', 'service', { allowedScopes: ['admin'] });
      const acmeAdmin = await createTestClient(domain, '/acme', 'service', { allowedScopes: ['admin'] });
      const token = await serviceToken(t.url, app);
      const beta = await clientSdk(t.url, betaAdmin.clientId, betaAdmin.clientSecret!);
      expect((await beta.revokeToken({ token })).revokeToken).toBe(false);
      const notAdmin = await clientSdk(t.url, otherApp.clientId, otherApp.clientSecret!);
      expect(await errorCode(notAdmin.revokeToken({ token }))).toBe('FORBIDDEN');
      expect(await errorCode(createAdminSdk(t.url).revokeToken({ token }))).toBe('UNAUTHENTICATED');
      expect(await isActive(token)).toBe(true);
      const acme = await clientSdk(t.url, acmeAdmin.clientId, acmeAdmin.clientSecret!);
      expect((await acme.revokeToken({ token })).revokeToken).toBe(true);
      expect(await isActive(token)).toBe(false);
    });
  });
});
