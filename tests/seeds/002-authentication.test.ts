/**
 * Seed 002 (Authentication): the "Generate Token" flow (Login → Halaman Device →
 * password in the token field → IdToken, RefreshToken, DeviceId) and the
 * "Token Validation" flow (an expired or invalid token is replaced by a new one
 * generated from the RefreshToken), replayed with the document's query strings:
 * GET /token?refresh_token&device_id and GET /tokens?refresh_token&device_key.
 */
import { decodeJwt } from 'jose';
import { createTestTenant } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { FetchBrowser, hiddenFields, secretOnPage } from '../support/browser';
import { startTestServer, type TestServer } from '../support/test-server';

describe('seed 002: device token sets and GET /token refresh', () => {
  let t: TestServer;
  let user: { username: string; password: string; user: { id: string } };
  let set: { IdToken: string; RefreshToken: string; DeviceId: string };

  beforeAll(async () => {
    t = await startTestServer();
    await createTestTenant(t.server.app.domain, '/krm');
    user = await createTestUser(t.server.app.domain, '/krm');
  });
  afterAll(async () => {
    await t.close();
  });

  it('Generate Token: Login → device page → password in the token field → IdToken, RefreshToken, DeviceId', async () => {
    const browser = new FetchBrowser(t.url);
    const login = await browser.get('/account?tenant=/krm');
    const signIn = await browser.get(login.location!);
    const back = await browser.post('/authorize/login', { ...hiddenFields(signIn.body), username: user.username, password: user.password });
    await browser.get(back.location!);
    const devicePage = await browser.get('/account');
    expect(devicePage.status).toBe(200);
    const generated = await browser.post('/account/devices', { ...hiddenFields(devicePage.body), name: 'kasir', password: user.password });
    expect(generated.status).toBe(201);
    set = {
      IdToken: secretOnPage(generated.body, 'id-token'),
      RefreshToken: secretOnPage(generated.body, 'refresh-token'),
      DeviceId: secretOnPage(generated.body, 'device-id'),
    };
    expect(typeof set.IdToken).toBe('string');
    expect(typeof set.RefreshToken).toBe('string');
    expect(typeof set.DeviceId).toBe('string');
    // IdToken: active 24 hours, bound to the device.
    const claims = decodeJwt(set.IdToken);
    expect(claims.exp! - claims.iat!).toBe(86_400);
    expect(claims).toMatchObject({ sub: user.user.id, device_id: set.DeviceId });
    // The values are shown once: the device page lists the device, never its tokens.
    const again = await browser.get('/account');
    expect(again.body).toContain('kasir');
    expect(again.body).not.toContain(set.RefreshToken);
  });

  it.each([
    ['/token', 'device_id'],
    ['/tokens', 'device_key'],
  ])('GET %s?refresh_token=…&%s=… answers AccessToken, ExpiresIn 86400, TokenType Bearer and IdToken', async (path, param) => {
    const res = await fetch(
      `${t.url}${path}?refresh_token=${encodeURIComponent(set.RefreshToken)}&${param}=${encodeURIComponent(set.DeviceId)}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['AccessToken', 'ExpiresIn', 'IdToken', 'TokenType']);
    expect(typeof body.AccessToken).toBe('string');
    expect(body.ExpiresIn).toBe(86_400);
    expect(Number.isInteger(body.ExpiresIn)).toBe(true);
    expect(body.TokenType).toBe('Bearer');
    expect(typeof body.IdToken).toBe('string');
    expect(decodeJwt(String(body.IdToken))).toMatchObject({ device_id: set.DeviceId, sub: user.user.id });
    expect(decodeJwt(String(body.AccessToken))).toMatchObject({ device_id: set.DeviceId, sub: user.user.id });
  });

  it('Token Validation: the new token is accepted by the API, the RefreshToken stays usable (permanent, not rotated)', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(
        `${t.url}/token?refresh_token=${encodeURIComponent(set.RefreshToken)}&device_id=${encodeURIComponent(set.DeviceId)}`,
      );
      expect(res.status).toBe(200);
      const { AccessToken } = (await res.json()) as { AccessToken: string };
      const api = await fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${AccessToken}` } });
      expect(api.status).toBe(200);
      expect(((await api.json()) as { sub: string }).sub).toBe(user.user.id);
    }
  });

  it('refuses an invalid token at the API, and a refresh with the wrong DeviceId, with a JSON error', async () => {
    const api = await fetch(`${t.url}/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(api.status).toBe(401);
    const wrong = await fetch(
      `${t.url}/token?refresh_token=${encodeURIComponent(set.RefreshToken)}&device_id=00000000-0000-4000-8000-000000000000`,
    );
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  });
});
