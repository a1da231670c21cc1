import { decodeJwt } from 'jose';
import { deviceRefresh } from '../fixtures/device-setup';
import { createTestTenant } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { FetchBrowser, hiddenFields, secretOnPage } from '../support/browser';
import { startTestServer, type TestServer } from '../support/test-server';


/** Seed 002's "Halaman Device" without Chromium: sign in, generate, use, revoke, refused. */
describe('GET /account (fetch-based browser)', () => {
  let t: TestServer;
  let user: { username: string; password: string; user: { id: string } };

  beforeAll(async () => {
    t = await startTestServer();
    await createTestTenant(t.server.app.domain, '/acct');
    user = await createTestUser(t.server.app.domain, '/acct');
  });
  afterAll(async () => {
    await t.close();
  });

  /** Follows the sign-in from /account back to /account; returns the signed-in page. */
  async function signIn(browser: FetchBrowser): Promise<string> {
    const start = await browser.get('/account?tenant=/acct');
    expect(start.status).toBe(302);
    expect(start.location).toMatch(/^\/authorize\?client_id=account\./);
    const signInPage = await browser.get(start.location!);
    expect(signInPage.status).toBe(200);
    const back = await browser.post('/authorize/login', { ...hiddenFields(signInPage.body), username: user.username, password: user.password });
    expect(back.status).toBe(303);
    expect(back.location).toMatch(new RegExp(`^${t.issuer}/account\\?code=`));
    const clean = await browser.get(back.location!);
    expect(clean).toMatchObject({ status: 303, location: '/account' });
    const page = await browser.get('/account');
    expect(page.status).toBe(200);
    return page.body;
  }

  it('signs in, generates a device set shown once, whose refresh token works until the device is revoked', async () => {
    const browser = new FetchBrowser(t.url);
    const page = await signIn(browser);
    expect(page).toContain(user.username);
    expect(page).toContain('No devices yet.');
    const created = await browser.post('/account/devices', { ...hiddenFields(page), name: 'Kasir 1', password: user.password });
    expect(created.status).toBe(201);
    const csp = created.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline\'; script');
    expect(created.body).toMatch(/<script src="\/account\/account\.js" defer><\/script>/);
    expect(created.body).not.toMatch(/<script>/);
    const [idToken, refreshToken, deviceId] = ['id-token', 'refresh-token', 'device-id'].map((id) => secretOnPage(created.body, id));
    expect(decodeJwt(idToken!)).toMatchObject({ sub: user.user.id, device_id: deviceId, aud: expect.stringMatching(/^account\./) });
    expect(created.body.match(/data-copy="/g)).toHaveLength(3);

    const refreshed = await deviceRefresh(t.url, refreshToken!, deviceId!);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ ExpiresIn: 86_400, TokenType: 'Bearer' });

    const listed = await browser.get('/account');
    expect(listed.body).toContain('Kasir 1');
    expect(listed.body).not.toContain(refreshToken!);
    const revokeFields = hiddenFields(listed.body);
    expect(revokeFields.device_id).toBe(deviceId);
    expect(await browser.post('/account/devices/revoke', { csrf_token: 'forged', device_id: deviceId })).toMatchObject({ status: 400 });
    expect((await deviceRefresh(t.url, refreshToken!, deviceId!)).status).toBe(200);
    expect(await browser.post('/account/devices/revoke', revokeFields)).toMatchObject({ status: 303, location: '/account' });
    const refused = await deviceRefresh(t.url, refreshToken!, deviceId!);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant' });
    expect((await browser.get('/account')).body).toContain('revoked');
  });

  it('refuses a wrong password and forms without the session’s CSRF token', async () => {
    const browser = new FetchBrowser(t.url);
    const page = await signIn(browser);
    const wrong = await browser.post('/account/devices', { ...hiddenFields(page), name: 'x', password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('That password is not correct.');
    expect(wrong.body).not.toContain('id="refresh-token"');
    const stranger = new FetchBrowser(t.url);
    expect((await stranger.post('/account/devices', { ...hiddenFields(page), name: 'x', password: user.password })).status).toBe(400);
    const script = await fetch(`${t.url}/account/account.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('navigator.clipboard');
  });
});
