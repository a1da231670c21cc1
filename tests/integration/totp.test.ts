import { createHmac } from 'node:crypto';
import { decodeJwt as decodeClaims } from 'jose';
import * as oidc from 'openid-client';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/domain/device-authorization/device-authorization';
import { createTestClient, createTestTenant, testClock } from '../fixtures/token-clients';
import { postForm } from '../support/oauth';
import { rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, queryOf, secretOnPage, type PageResponse } from '../support/browser';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

const ACR_MFA = 'urn:tenant-idp:acr:mfa';
const ACR_PWD = 'urn:tenant-idp:acr:pwd';

/** RFC 4648 base32, as the page shows the manual key. */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 with HMAC-SHA-1, 30 s, 6 digits, written here independently of the server's code. */
function totpAt(manualKey: string, epochMs: number, stepOffset = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochMs / 30_000) + stepOffset));
  const mac = createHmac('sha1', base32Decode(manualKey)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Issue 22: TOTP second factor with recovery codes, a per-tenant policy, and step-up through acr_values. */
describe('second factor (TOTP)', () => {
  const clock = testClock();
  let t: TestServer;
  const code = (key: string, stepOffset = 0) => totpAt(key, clock.now().getTime(), stepOffset);

  beforeAll(async () => {
    t = await startTestServer({ clock });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A tenant with a first-party code-flow client (no consent screen) at its own issuer. */
  async function tenantWithApp(path: string): Promise<CodeFlowClient> {
    await createTestTenant(t.server.app.domain, path);
    return createCodeFlowClient(t.server.app.domain, { tenantPath: path, firstParty: true });
  }

  /** A user of `path` with a confirmed authenticator, set up through the domain; returns the manual key. */
  async function enrolledUser(path: string) {
    const { domain } = t.server.app;
    const created = await createTestUser(domain, path);
    const tenant = (await domain.tenants.findByPath(path))!;
    const { manualKey } = await domain.secondFactors.startTotp(tenant, created.user);
    const codes = await domain.secondFactors.confirmTotp(tenant, created.user, code(manualKey), undefined);
    expect(codes).toHaveLength(10);
    return { ...created, manualKey, recoveryCodes: codes! };
  }

  /** Starts the code flow at `/authorize` and posts the password; returns the page or redirect that follows. */
  async function passwordStep(browser: FetchBrowser, app: CodeFlowClient, user: { username: string; password: string }, extra = {}) {
    const query = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 'st',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGEaG9Nsm0',
      code_challenge_method: 'S256',
      ...extra,
    });
    const form = await browser.get(`/authorize?${query}`);
    expect(form.status).toBe(200);
    return browser.post('/authorize/login', { ...hiddenFields(form.body), username: user.username, password: user.password });
  }

  const submitCode = (browser: FetchBrowser, page: PageResponse, value: string) =>
    browser.post('/authorize/second-factor', { ...hiddenFields(page.body), code: value });

  const isFactorPage = (page: PageResponse) => page.status === 200 && page.body.includes('Enter your verification code');

  it('openid-client: acr_values forces the second factor on a password-only session; amr and acr survive a refresh', async () => {
    const path = '/stepup';
    await createTestTenant(t.server.app.domain, path);
    const app = await createCodeFlowClient(t.server.app.domain, {
      tenantPath: path,
      firstParty: true,
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    const user = await enrolledUser(path);
    // Policy OFF: the enrolled user is not asked for the factor unless the request asks for MFA.
    await (await rootAdminSdk(t.url)).updateTenant({ path, input: { mfaPolicy: 'OFF' } });
    const issuer = `${t.issuer}/t/stepup`;
    const config = await oidc.discovery(new URL(issuer), app.clientId, app.clientSecret!, oidc.ClientSecretBasic(app.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata().acr_values_supported).toEqual([ACR_PWD, ACR_MFA]);
    expect(config.serverMetadata().claims_supported).toEqual(expect.arrayContaining(['amr', 'acr']));

    const browser = new FetchBrowser(t.url);
    const flow = async (params: Record<string, string>) => {
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: app.redirectUri,
        scope: 'openid offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
        ...params,
      });
      return { url, verifier, nonce };
    };
    const redeem = (callback: PageResponse, started: { verifier: string; nonce: string }) =>
      oidc.authorizationCodeGrant(config, new URL(callback.location!), {
        pkceCodeVerifier: started.verifier,
        expectedNonce: started.nonce,
        idTokenExpected: true,
      });

    // 1. Password only: the session and the ID token say so.
    const plain = await flow({});
    const signIn = await browser.get(plain.url.toString());
    const afterPassword = await browser.post(`${issuer}/authorize/login`, {
      ...hiddenFields(signIn.body),
      username: user.username,
      password: user.password,
    });
    expect(afterPassword.status).toBe(303);
    const pwdTokens = await redeem(afterPassword, plain);
    expect(pwdTokens.claims()).toMatchObject({ amr: ['pwd'], acr: ACR_PWD });

    // 2. prompt=none cannot step up: login_required, back at the client.
    const silent = await flow({ acr_values: ACR_MFA, prompt: 'none' });
    const refused = await browser.get(silent.url.toString());
    expect(refused.status).toBe(302);
    expect(queryOf(refused.location)).toMatchObject({ error: 'login_required' });

    // 3. acr_values asks for MFA: the same session is taken to the factor step, no password asked.
    const stepUp = await flow({ acr_values: ACR_MFA });
    const factorPage = await browser.get(stepUp.url.toString());
    expect(isFactorPage(factorPage)).toBe(true);
    expect(factorPage.body).not.toContain('name="password"');
    expect(factorPage.headers.get('content-security-policy')).not.toMatch(/script-src|unsafe-inline'; script/);
    expect(factorPage.body).toMatch(/<label>Verification code<input type="text" name="code"/);
    const callback = await browser.post(`${issuer}/authorize/second-factor`, {
      ...hiddenFields(factorPage.body),
      code: code(user.manualKey, 1),
    });
    expect(callback.status).toBe(303);
    const mfaTokens = await redeem(callback, stepUp);
    const claims = mfaTokens.claims()!;
    expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.iss).toBe(issuer);

    // A refresh keeps the original assurance, never raises or drops it.
    const refreshed = await oidc.refreshTokenGrant(config, mfaTokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ amr: claims.amr, acr: ACR_MFA });
    const pwdRefreshed = await oidc.refreshTokenGrant(config, pwdTokens.refresh_token!);
    expect(pwdRefreshed.claims()).toMatchObject({ amr: ['pwd'], acr: ACR_PWD });

    // The session now records the second factor: a new MFA request goes straight through.
    const again = await flow({ acr_values: ACR_MFA });
    const direct = await browser.get(again.url.toString());
    expect(direct.status).toBe(302);
    expect(queryOf(direct.location).code).toEqual(expect.any(String));
  });

  it('enrols on the account page, then signs in with password + TOTP; reused, out-of-window and recovery codes', async () => {
    const app = await tenantWithApp('/acct2fa');
    const user = await createTestUser(t.server.app.domain, '/acct2fa');
    /** Signs in to the account page with the password; returns what follows the sign-in form. */
    const accountSignIn = async (browser: FetchBrowser) => {
      const start = await browser.get('/account?tenant=/acct2fa');
      const form = await browser.get(start.location!);
      return browser.post('/authorize/login', { ...hiddenFields(form.body), username: user.username, password: user.password });
    };
    const browser = new FetchBrowser(t.url);
    await browser.get((await accountSignIn(browser)).location!);
    // Another browser signed in with the password before the factor existed.
    const earlier = new FetchBrowser(t.url);
    await earlier.get((await accountSignIn(earlier)).location!);
    expect((await earlier.get('/account')).status).toBe(200);
    const account = await browser.get('/account');
    expect(account.body).toContain('Set up authenticator app');

    const setup = await browser.post('/account/totp', hiddenFields(account.body));
    expect(setup.status).toBe(200);
    const csp = setup.headers.get('content-security-policy')!;
    expect(csp).toContain('img-src data:');
    expect(csp).not.toContain('unsafe-eval');
    expect(setup.body).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" width="200" height="200" alt="QR code/);
    expect(setup.body).not.toMatch(/<script>/);
    const manualKey = secretOnPage(setup.body, 'totp-key');
    expect(manualKey).toMatch(/^[A-Z2-7]{32}$/);
    // The factor does not count until a first code confirms it.
    expect(await t.server.app.domain.secondFactors.enrolled(user.user.id)).toBe(false);
    const [stored] = await sqlRows<{ secret_sealed: string }>(t.databaseUrl, 'select secret_sealed from user_factors where user_id = $1', [
      user.user.id,
    ]);
    expect(stored!.secret_sealed).toMatch(/^v2\./);
    expect(stored!.secret_sealed).not.toContain(manualKey);

    const wrong = await browser.post('/account/totp/confirm', { ...hiddenFields(setup.body), code: code(manualKey, 5) });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('That code is not valid.');
    const confirmed = await browser.post('/account/totp/confirm', { ...hiddenFields(wrong.body), code: code(manualKey) });
    expect(confirmed.status).toBe(201);
    const recoveryCodes = [...confirmed.body.matchAll(/<li><code>([a-z2-7]{5}-[a-z2-7]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(recoveryCodes).toHaveLength(10);
    const hashes = await sqlRows<{ code_hash: string }>(t.databaseUrl, 'select code_hash from recovery_codes where user_id = $1', [
      user.user.id,
    ]);
    expect(hashes).toHaveLength(10);
    expect(hashes.map((h) => h.code_hash)).not.toContain(recoveryCodes[0]);
    // The browser that proved the first code stays signed in; a password-only session no longer opens the page.
    const shown = await browser.get('/account');
    expect(shown.body).toContain('On: authenticator app. 10 recovery codes left.');
    expect(shown.body).not.toContain(recoveryCodes[0]!);
    expect(await earlier.get('/account')).toMatchObject({ status: 302, location: '/account/sign-in?tenant=%2Facct2fa' });

    // Sign-in: the password alone starts no session; the factor step follows.
    clock.advance(30);
    const signIn = new FetchBrowser(t.url);
    const factorPage = await passwordStep(signIn, app, user);
    expect(isFactorPage(factorPage)).toBe(true);
    expect((await signIn.get('/account')).status).toBe(302);
    const totp = code(manualKey);
    const done = await submitCode(signIn, factorPage, totp);
    expect(done.status).toBe(303);
    expect(done.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    expect((await signIn.get('/account')).status).toBe(200);

    // The same code again (same step): refused, once accepted it never counts again.
    const replay = new FetchBrowser(t.url);
    const replayPage = await passwordStep(replay, app, user);
    const reused = await submitCode(replay, replayPage, totp);
    expect(reused.status).toBe(400);
    expect(reused.body).toContain('That code is not valid.');
    expect(reused.location).toBeNull();

    // Outside the ±1 step window: refused, both ways.
    clock.advance(120);
    const early = await submitCode(replay, reused, code(manualKey, -2));
    expect(early.status).toBe(400);
    const late = await submitCode(replay, early, code(manualKey, 2));
    expect(late.status).toBe(400);
    // The next step's code is within the window.
    expect(await submitCode(replay, late, code(manualKey, 1))).toMatchObject({ status: 303 });

    // A recovery code (typed in upper case with spaces) works once.
    const recovery = new FetchBrowser(t.url);
    const recoveryPage = await passwordStep(recovery, app, user);
    expect(await submitCode(recovery, recoveryPage, ` ${recoveryCodes[3]!.toUpperCase()} `)).toMatchObject({ status: 303 });
    const twice = new FetchBrowser(t.url);
    const twicePage = await passwordStep(twice, app, user);
    expect(await submitCode(twice, twicePage, recoveryCodes[3]!)).toMatchObject({ status: 400 });
    expect((await browser.get('/account')).body).toContain('9 recovery codes left.');

    // The account page's own sign-in asks for the factor too, then comes back to /account (past the last accepted step).
    clock.advance(60);
    const fresh = new FetchBrowser(t.url);
    const accountFactor = await accountSignIn(fresh);
    expect(isFactorPage(accountFactor)).toBe(true);
    const backHome = await submitCode(fresh, accountFactor, code(manualKey));
    expect(backHome.status).toBe(303);
    expect(backHome.location).toMatch(new RegExp(`^${t.issuer}/account\\?code=`));
    await fresh.get(backHome.location!);
    expect((await fresh.get('/account')).body).toContain('On: authenticator app.');
  });

  it('throttles wrong codes with the brute-force guard (429, locked message), even for the right code', async () => {
    const app = await tenantWithApp('/throttle2fa');
    const user = await enrolledUser('/throttle2fa');
    const browser = new FetchBrowser(t.url);
    let page = await passwordStep(browser, app, user);
    for (let attempt = 0; attempt < 5; attempt++) {
      page = await submitCode(browser, page, attempt % 2 === 0 ? '000000' : 'not-a-recovery-code');
      expect(page.status).toBe(400);
    }
    const locked = await submitCode(browser, page, code(user.manualKey, 1));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body).toContain('Too many wrong codes. Try again in');
    expect(locked.location).toBeNull();
    // Another browser from the same source is locked for this user too (shared in the database).
    const other = new FetchBrowser(t.url);
    const otherPage = await passwordStep(other, app, user);
    expect((await submitCode(other, otherPage, code(user.manualKey, 1))).status).toBe(429);
  });

  it('policy REQUIRED forces enrolment at the next sign-in; required roles exempt the others', async () => {
    const app = await tenantWithApp('/required2fa');
    const user = await createTestUser(t.server.app.domain, '/required2fa');
    const sdk = await rootAdminSdk(t.url);
    const updated = await sdk.updateTenant({ path: '/required2fa', input: { mfaPolicy: 'REQUIRED' } });
    expect(updated.updateTenant).toMatchObject({ mfaPolicy: 'REQUIRED', mfaRequiredRoles: [] });

    const browser = new FetchBrowser(t.url);
    const enrol = await passwordStep(browser, app, user);
    expect(enrol.status).toBe(200);
    expect(enrol.body).toContain('Set up two-step verification');
    expect(enrol.headers.get('content-security-policy')).toContain('img-src data:');
    expect((await browser.get('/account')).status).toBe(302);
    const manualKey = secretOnPage(enrol.body, 'totp-key');
    const wrong = await browser.post('/authorize/enrol-factor', { ...hiddenFields(enrol.body), code: code(manualKey, 4) });
    expect(wrong.status).toBe(400);
    expect(secretOnPage(wrong.body, 'totp-key')).toBe(manualKey);
    const codes = await browser.post('/authorize/enrol-factor', { ...hiddenFields(wrong.body), code: code(manualKey) });
    expect(codes.status).toBe(200);
    expect([...codes.body.matchAll(/<li><code>[a-z2-7]{5}-[a-z2-7]{5}<\/code><\/li>/g)]).toHaveLength(10);
    const onward = await browser.post('/authorize/continue', hiddenFields(codes.body));
    expect(onward.status).toBe(303);
    expect(onward.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    expect(await t.server.app.domain.secondFactors.enrolled(user.user.id)).toBe(true);

    // Next sign-in: the factor is asked, not enrolment.
    clock.advance(30);
    const next = new FetchBrowser(t.url);
    const factorPage = await passwordStep(next, app, user);
    expect(isFactorPage(factorPage)).toBe(true);
    expect((await submitCode(next, factorPage, code(manualKey))).status).toBe(303);

    // REQUIRED for admins only: a user without the role signs in with the password alone.
    await sdk.updateTenant({ path: '/required2fa', input: { mfaRequiredRoles: ['admin'] } });
    const plain = await createTestUser(t.server.app.domain, '/required2fa');
    const direct = await passwordStep(new FetchBrowser(t.url), app, plain);
    expect(direct.status).toBe(303);
    expect(direct.location).toMatch(/callback\?code=/);
  });

  it('asks the password grant for the factor as otp: none or a wrong or reused code issues nothing', async () => {
    await createTestTenant(t.server.app.domain, '/ropc2fa');
    const client = await createTestClient(t.server.app.domain, '/ropc2fa', 'user');
    const user = await enrolledUser('/ropc2fa');
    const plain = await createTestUser(t.server.app.domain, '/ropc2fa');
    clock.advance(30);
    const grant = (who: { username: string; password: string }, extra: Record<string, string> = {}) =>
      postForm<{ error?: string; error_description?: string; id_token?: string; access_token?: string }>(
        `${t.issuer}/t/ropc2fa/token`,
        { grant_type: 'password', username: who.username, password: who.password, scope: 'openid', ...extra },
        { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
      );
    const missing = await grant(user);
    expect({ status: missing.status, error: missing.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    expect(missing.body.error_description).toContain('otp');
    expect(missing.body.access_token).toBeUndefined();
    expect((await grant(user, { otp: '000000' })).body.error).toBe('invalid_grant');
    const good = code(user.manualKey);
    const issued = await grant(user, { otp: good });
    expect(issued.status).toBe(200);
    expect(decodeClaims(issued.body.id_token!)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: ACR_MFA });
    // The same code again is refused (single use), a recovery code works once.
    expect((await grant(user, { otp: good })).body.error).toBe('invalid_grant');
    expect((await grant(user, { otp: user.recoveryCodes[0]! })).status).toBe(200);
    expect((await grant(user, { otp: user.recoveryCodes[0]! })).body.error).toBe('invalid_grant');
    // A user without a factor under policy OPTIONAL: the password alone, and the ID token says so.
    const direct = await grant(plain);
    expect(direct.status).toBe(200);
    expect(decodeClaims(direct.body.id_token!)).toMatchObject({ amr: ['pwd'], acr: ACR_PWD });
    // Policy REQUIRED and no factor set up: nothing until the user enrols on the hosted pages.
    await (await rootAdminSdk(t.url)).updateTenant({ path: '/ropc2fa', input: { mfaPolicy: 'REQUIRED' } });
    const unenrolled = await grant(plain);
    expect(unenrolled.body).toMatchObject({ error: 'invalid_grant' });
    expect(unenrolled.body.error_description).toContain('set up a second factor');
  });

  it('lets an admin list and reset a user’s factors through GraphQL (audited); the user enrols afresh', async () => {
    await createTestTenant(t.server.app.domain, '/admin2fa');
    const user = await enrolledUser('/admin2fa');
    const sdk = await rootAdminSdk(t.url);
    const listed = await sdk.userSecondFactors({ userId: user.user.id });
    expect(listed.userSecondFactors).toMatchObject({ recoveryCodesLeft: 10, factors: [{ kind: 'totp', confirmed: true }] });
    expect(JSON.stringify(listed)).not.toContain(user.manualKey);
    expect((await sdk.resetUserSecondFactors({ userId: user.user.id })).resetUserSecondFactors).toBe(1);
    expect((await sdk.userSecondFactors({ userId: user.user.id })).userSecondFactors).toEqual({ factors: [], recoveryCodesLeft: 0 });
    expect(await t.server.app.domain.secondFactors.enrolled(user.user.id)).toBe(false);
    await t.server.app.domain.audit.flush();
    const events = await sqlRows<{ action: string; target_id: string }>(
      t.databaseUrl,
      "select action, target_id from audit_events where action = 'resetSecondFactors'",
    );
    expect(events).toEqual([expect.objectContaining({ target_id: user.user.id })]);
    // An unknown user is not_found, like one outside the caller's subtree.
    await expect(sdk.userSecondFactors({ userId: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(/not found/);
  });

  it('asks the device verification page (RFC 8628) for the factor too, before the consent', async () => {
    const path = '/device2fa';
    await createTestTenant(t.server.app.domain, path);
    const device = await createTestClient(t.server.app.domain, path, 'public', {
      grantTypes: [DEVICE_CODE_GRANT_TYPE],
      redirectUris: [],
      allowedScopes: ['openid'],
    });
    const user = await enrolledUser(path);
    clock.advance(30);
    const started = await postForm<{ user_code: string; device_code: string }>(`${t.issuer}/t/device2fa/device_authorization`, {
      client_id: device.clientId,
      scope: 'openid',
    });
    expect(started.status).toBe(200);
    const b = new FetchBrowser(t.url);
    const form = await b.get('/t/device2fa/device');
    const signIn = await b.post('/t/device2fa/device', { ...hiddenFields(form.body), user_code: started.body.user_code });
    const factor = await b.post('/t/device2fa/device/login', {
      ...hiddenFields(signIn.body),
      username: user.username,
      password: user.password,
    });
    expect(factor.status).toBe(200);
    expect(factor.body).toContain('Enter your verification code');
    expect(factor.body).not.toContain('Approve');
    const wrong = await b.post('/t/device2fa/device/second-factor', { ...hiddenFields(factor.body), code: code(user.manualKey, 3) });
    expect(wrong.status).toBe(400);
    const consent = await b.post('/t/device2fa/device/second-factor', { ...hiddenFields(wrong.body), code: code(user.manualKey) });
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('Approve');
    expect((await b.post('/t/device2fa/device/consent', { ...hiddenFields(consent.body), decision: 'approve' })).status).toBe(200);
    const tokens = await postForm<{ access_token?: string }>(`${t.issuer}/t/device2fa/token`, {
      client_id: device.clientId,
      grant_type: DEVICE_CODE_GRANT_TYPE,
      device_code: started.body.device_code,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.access_token).toEqual(expect.any(String));
  });
});
