import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/domain/device-authorization/device-authorization';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, createTestTenant, type TestClient } from '../fixtures/token-clients';
import { FetchBrowser, hiddenFields, type PageResponse } from '../support/browser';
import { launchChromium } from '../support/launch-chromium';
import { basic, postForm } from '../support/oauth';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const DEVICE_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const NOT_ACCEPTED = 'That code is not valid.';

interface Started {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}
interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  error?: string;
  error_description?: string;
}
interface Person {
  username: string;
  password: string;
  id: string;
}

/**
 * Issue 21 item 7: the OAuth 2.0 Device Authorization Grant (RFC 8628) at every issuer.
 * Before it, `{I}/device_authorization` and `{I}/device` answered 404, the device_code
 * grant was `unsupported_grant_type` and no client could hold it.
 */
describe('device authorization grant (RFC 8628) at a tenant issuer', () => {
  let t: TestServer;
  let browser: Browser;
  const issuerOf = (segment: string) => `${t.issuer}/t/${segment}`;
  let device: TestClient;
  let otherDevice: TestClient;
  let service: TestClient;
  let deviceB: TestClient;
  let deviceC: TestClient;
  let userA: Person;
  let userB: Person;

  const person = async (path: string): Promise<Person> => {
    const created = await createTestUser(t.server.app.domain, path);
    return { username: created.username, password: created.password, id: created.user.id };
  };
  const deviceClient = (path: string, kind: 'public' | 'service') =>
    createTestClient(t.server.app.domain, path, kind, {
      grantTypes: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
      redirectUris: [],
      allowedScopes: DEVICE_SCOPES,
      name: `Living Room TV ${path}`,
    });

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    const { domain } = t.server.app;
    for (const path of ['/a', '/b', '/c']) await createTestTenant(domain, path);
    device = await deviceClient('/a', 'public');
    otherDevice = await deviceClient('/a', 'service');
    service = await createTestClient(domain, '/a');
    deviceB = await deviceClient('/b', 'public');
    deviceC = await deviceClient('/c', 'public');
    userA = await person('/a');
    userB = await person('/b');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const auth = (client: TestClient): { form: Record<string, string>; headers: Record<string, string> } =>
    client.clientSecret === null
      ? { form: { client_id: client.clientId }, headers: {} }
      : { form: {}, headers: { authorization: basic(client.clientId, client.clientSecret) } };

  async function startAt(segment: string, client: TestClient, scope = 'openid profile offline_access') {
    const { form, headers } = auth(client);
    return postForm<Started & { error?: string }>(`${issuerOf(segment)}/device_authorization`, { ...form, scope }, headers);
  }
  async function start(segment: string, client: TestClient): Promise<Started> {
    const res = await startAt(segment, client);
    expect(res.status).toBe(200);
    return res.body;
  }
  async function poll(segment: string, client: TestClient, deviceCode: string) {
    const { form, headers } = auth(client);
    return postForm<TokenAnswer>(
      `${issuerOf(segment)}/token`,
      { ...form, grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode },
      headers,
    );
  }
  const expectError = (res: { status: number; body: TokenAnswer }, error: string) => {
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error });
    expect(res.body.error_description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/);
  };

  /** Drives the verification page with HTTP and a cookie jar up to the consent screen (signing in when asked). */
  async function reachConsent(b: FetchBrowser, segment: string, userCode: string, who: Person): Promise<PageResponse> {
    const base = `/t/${segment}/device`;
    const form = await b.get(`${base}?user_code=${encodeURIComponent(userCode)}`);
    expect(form.status).toBe(200);
    let page = await b.post(base, { ...hiddenFields(form.body), user_code: userCode.toLowerCase().replace('-', ' ') });
    if (page.body.includes('name="password"')) {
      page = await b.post(`${base}/login`, { ...hiddenFields(page.body), username: who.username, password: who.password });
    }
    expect(page.status).toBe(200);
    expect(page.body).toContain('Approve');
    return page;
  }
  async function answer(b: FetchBrowser, segment: string, consent: PageResponse, decision: 'approve' | 'deny') {
    const done = await b.post(`/t/${segment}/device/consent`, { ...hiddenFields(consent.body), decision });
    expect(done.status).toBe(200);
    return done;
  }

  it('is advertised in each issuer’s discovery', async () => {
    for (const issuer of [t.issuer, issuerOf('a')]) {
      const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(metadata.device_authorization_endpoint).toBe(`${issuer}/device_authorization`);
      expect(metadata.grant_types_supported).toContain(DEVICE_CODE_GRANT_TYPE);
    }
  });

  it('runs with openid-client: initiate, the user approves in Chromium, polling yields the user’s tokens once', async () => {
    const config = await oidc.discovery(new URL(issuerOf('a')), device.clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata().device_authorization_endpoint).toBe(`${issuerOf('a')}/device_authorization`);
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
    expect(started).toMatchObject({ verification_uri: `${issuerOf('a')}/device`, expires_in: 600, interval: 5 });
    expect(started.user_code).toMatch(USER_CODE);
    expect(started.verification_uri_complete).toBe(`${issuerOf('a')}/device?user_code=${started.user_code}`);

    // openid-client waits `interval` (5 s) before its first poll; the user approves meanwhile.
    const polling = oidc.pollDeviceAuthorizationGrant(config, started);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const opened = await page.goto(started.verification_uri_complete!);
      expect(opened?.headers()['content-security-policy']).toContain("form-action 'self'");
      expect(await page.inputValue('input[name="user_code"]')).toBe(started.user_code);
      await Promise.all([page.waitForURL(`${issuerOf('a')}/device`), page.click('button[type="submit"]')]);
      await page.fill('input[name="username"]', userA.username);
      await page.fill('input[name="password"]', userA.password);
      await Promise.all([page.waitForURL(`${issuerOf('a')}/device/login`), page.click('button[type="submit"]')]);
      expect(await page.textContent('h1')).toContain(`Living Room TV /a`);
      expect(await page.textContent('body')).toContain(started.user_code);
      await Promise.all([page.waitForURL(`${issuerOf('a')}/device/consent`), page.getByRole('button', { name: 'Approve' }).click()]);
      expect(await page.textContent('h1')).toBe('Device connected');
    } finally {
      await context.close();
    }
    const tokens = await polling;
    expect(tokens.claims()).toMatchObject({ iss: issuerOf('a'), sub: userA.id, aud: device.clientId });
    expect(tokens.refresh_token).toBeDefined();
    expect(tokens.scope).toBe('openid profile offline_access');
    expect(await oidc.fetchUserInfo(config, tokens.access_token, userA.id)).toMatchObject({ preferred_username: userA.username });
    expect((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).claims()).toMatchObject({ sub: userA.id });

    // Redeemed once: the same device code again is invalid_grant.
    expectError(await poll('a', device, started.device_code), 'invalid_grant');
  });

  it('answers authorization_pending, then slow_down for a poll inside the interval (which grows by 5 s)', async () => {
    const started = await start('a', device);
    expectError(await poll('a', device, started.device_code), 'authorization_pending');
    const tooSoon = await poll('a', device, started.device_code);
    expectError(tooSoon, 'slow_down');
    expect(tooSoon.body.error_description).toContain('10 seconds');
    const [row] = await sqlRows<{ interval_seconds: number }>(
      t.databaseUrl,
      'select interval_seconds from device_authorizations where user_code = $1',
      [started.user_code.replace('-', '')],
    );
    expect(row?.interval_seconds).toBe(10);
  });

  it('answers expired_token once the device code expired, and the page no longer takes its user code', async () => {
    const started = await start('a', device);
    await sqlRows(t.databaseUrl, `update device_authorizations set expires_at = now() - interval '1 second' where user_code = $1`, [
      started.user_code.replace('-', ''),
    ]);
    expectError(await poll('a', device, started.device_code), 'expired_token');
    const b = new FetchBrowser(t.url);
    const form = await b.get('/t/a/device');
    const refused = await b.post('/t/a/device', { ...hiddenFields(form.body), user_code: started.user_code });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(NOT_ACCEPTED);
  });

  it('answers access_denied after the user denied, and the code cannot be approved afterwards', async () => {
    const started = await start('a', device);
    const b = new FetchBrowser(t.url);
    const consent = await reachConsent(b, 'a', started.user_code, userA);
    const binding = b.jar.get('idp_device')!;
    const done = await answer(b, 'a', consent, 'deny');
    expect(done.body).toContain('Request denied');
    expectError(await poll('a', device, started.device_code), 'access_denied');
    // The consent form posted again: the done page dropped the form binding, so it is a stale form ...
    const stale = await b.post('/t/a/device/consent', { ...hiddenFields(consent.body), decision: 'approve' });
    expect(stale.status).toBe(400);
    expect(stale.body).toContain('this form has expired');
    // ... and with the binding put back, the request is no longer pending.
    b.jar.set('idp_device', binding, '/t/a/device');
    const again = await b.post('/t/a/device/consent', { ...hiddenFields(consent.body), decision: 'approve' });
    expect(again.status).toBe(400);
    expect(again.body).toContain(NOT_ACCEPTED);
    expectError(await poll('a', device, started.device_code), 'access_denied');
  });

  it('refuses unknown device codes and another client’s with invalid_grant', async () => {
    expectError(await poll('a', device, 'not-a-device-code'), 'invalid_grant');
    const started = await start('a', otherDevice);
    expectError(await poll('a', device, started.device_code), 'invalid_grant');
    // The owner still can (nothing was spent by the other client's attempt).
    expectError(await poll('a', otherDevice, started.device_code), 'authorization_pending');
  });

  it('redeems an approval once when two polls race', async () => {
    const started = await start('a', otherDevice);
    const b = new FetchBrowser(t.url);
    await answer(b, 'a', await reachConsent(b, 'a', started.user_code, userA), 'approve');
    const results = await Promise.all([poll('a', otherDevice, started.device_code), poll('a', otherDevice, started.device_code)]);
    expect(results.map((res) => res.status).sort()).toEqual([200, 400]);
    expectError(
      results.find((res) => res.status === 400)!,
      'invalid_grant',
    );
    // The winner gets the user's tokens: `openid` and `offline_access` were asked for and approved.
    const issued = results.find((res) => res.status === 200)!.body;
    expect(issued.id_token).toBeDefined();
    expect(issued.refresh_token).toBeDefined();
    // The ID token says how the approving user signed in (a password here), like the code flow's.
    expect(decodeJwt(issued.id_token!)).toMatchObject({ amr: ['pwd'], acr: 'urn:tenant-idp:acr:pwd' });
  });

  it('refuses a client without the grant (unauthorized_client), a scope it may not ask for and other tenants’ clients', async () => {
    const noGrant = await startAt('a', service, 'email');
    expect({ status: noGrant.status, error: noGrant.body.error }).toEqual({ status: 400, error: 'unauthorized_client' });
    const token = await postForm<TokenAnswer>(
      `${issuerOf('a')}/token`,
      { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: 'x' },
      { authorization: basic(service.clientId, service.clientSecret!) },
    );
    expect({ status: token.status, error: token.body.error }).toEqual({ status: 400, error: 'unauthorized_client' });
    const scope = await startAt('a', device, 'openid admin');
    expect({ status: scope.status, error: scope.body.error }).toEqual({ status: 400, error: 'invalid_scope' });
    const foreign = await startAt('a', deviceB);
    expect({ status: foreign.status, error: foreign.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(foreign.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('lets only a user of the client’s tenant approve, and only codes of the issuer’s own clients', async () => {
    // The browser is signed in as a user of /b (approving a /b device there).
    const b = new FetchBrowser(t.url);
    const startedB = await start('b', deviceB);
    await answer(b, 'b', await reachConsent(b, 'b', startedB.user_code, userB), 'approve');

    const started = await start('a', device);
    const form = await b.get('/t/a/device');
    // /b's session does not count at /a: sign in first, and /b's user cannot.
    const signIn = await b.post('/t/a/device', { ...hiddenFields(form.body), user_code: started.user_code });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toContain('name="password"');
    const refused = await b.post('/t/a/device/login', { ...hiddenFields(signIn.body), username: userB.username, password: userB.password });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Invalid username or password');
    expectError(await poll('a', device, started.device_code), 'authorization_pending');

    // A /b code typed at /a's page: the answer an unknown code gets.
    const startedB2 = await start('b', deviceB);
    const foreign = await b.post('/t/a/device', { ...hiddenFields(form.body), user_code: startedB2.user_code });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toContain(NOT_ACCEPTED);
  });

  it('throttles user-code guessing per source: after five wrong codes even the right one waits (429)', async () => {
    const started = await start('c', deviceC);
    const b = new FetchBrowser(t.url);
    const form = await b.get('/t/c/device');
    const guesses = ['BBBB-BBBB', 'CCCC-CCCC', 'DDDD-DDDD', 'FFFF-FFFF', 'GGGG-GGGG', 'HHHH-HHHH'].filter(
      (code) => code !== started.user_code,
    );
    for (const guess of guesses.slice(0, 5)) {
      const wrong = await b.post('/t/c/device', { ...hiddenFields(form.body), user_code: guess });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toContain(NOT_ACCEPTED);
    }
    const locked = await b.post('/t/c/device', { ...hiddenFields(form.body), user_code: started.user_code });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body).toContain('Too many wrong codes');
  });

  it('serves the root issuer too, with its own verification page', async () => {
    const rootDevice = await deviceClient('/', 'public');
    const res = await postForm<Started>(`${t.issuer}/device_authorization`, { client_id: rootDevice.clientId, scope: 'openid' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.verification_uri).toBe(`${t.issuer}/device`);
    const b = new FetchBrowser(t.url);
    const form = await b.get('/device');
    const signIn = await b.post('/device', { ...hiddenFields(form.body), user_code: res.body.user_code });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toContain('name="password"');
  });
});
