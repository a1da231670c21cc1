import * as oidc from 'openid-client';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, createTestTenant } from '../fixtures/token-clients';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/domain/device-authorization/device-authorization';
import { FetchBrowser, hiddenFields, type PageResponse } from '../support/browser';
import { passkeyFormOf, SoftAuthenticator, type AssertionOverrides } from '../support/soft-authenticator.cjs';
import { sqlRows } from '../support/sql';
import { rootAdminSdk } from '../support/admin-sdk';
import { startTestServer, type TestServer } from '../support/test-server';
import { generateKeyPairSync } from 'node:crypto';
import type { User } from '../../src/domain/users/user';
import type { Tenant } from '../../src/domain/tenants/tenant';

const ACR_MFA = 'urn:tenant-idp:acr:mfa';
const PATH = '/pk';

/**
 * Issue 22: passkeys. A passkey alone signs in (amr `hwk user mfa` in the ID token); forged, replayed,
 * wrong-origin, wrong-RP-ID, counter-regressing and unknown assertions are each refused with a clear
 * message and change nothing (counter and last use untouched). On the device verification page
 * (RFC 8628) a passkey stands for the second factor of a user who has no other. A software authenticator
 * (tests/support/soft-authenticator.cjs) plays the browser's part.
 */
describe('passkeys (WebAuthn)', () => {
  let t: TestServer;
  let app: CodeFlowClient;
  let config: oidc.Configuration;
  let issuer: string;
  let origin: string;
  let rpId: string;
  let tenant: Tenant;
  let user: User;
  let main: SoftAuthenticator;
  let synced: SoftAuthenticator;

  beforeAll(async () => {
    t = await startTestServer({ issuerHost: 'localhost' });
    const { domain } = t.server.app;
    await createTestTenant(domain, PATH);
    app = await createCodeFlowClient(domain, { tenantPath: PATH, firstParty: true });
    ({ user } = await createTestUser(domain, PATH));
    tenant = (await domain.tenants.findByPath(PATH))!;
    issuer = `${t.issuer}/t/pk`;
    origin = new URL(t.issuer).origin;
    rpId = new URL(t.issuer).hostname;
    main = new SoftAuthenticator({ rpId, origin, counter: 0 });
    // A synced passkey keeps no counter (always 0): only the single-use challenge stops its replay.
    synced = new SoftAuthenticator({ rpId, origin, counter: 0, counting: false, backupEligible: true });
    for (const [authenticator, name] of [
      [main, 'Security key'],
      [synced, 'Phone'],
    ] as const) {
      const ceremony = await domain.passkeys.registrationOptions(tenant, user, { binding: 'setup' });
      await domain.passkeys.register(
        tenant,
        user,
        { ticket: ceremony.ticket, response: authenticator.register(ceremony.options), name },
        { binding: 'setup' },
      );
    }
    config = await oidc.discovery(new URL(issuer), app.clientId, app.clientSecret!, oidc.ClientSecretBasic(app.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const stored = async (authenticator: SoftAuthenticator) => {
    const [row] = await sqlRows<{ counter: string; last_used_at: Date | null; backed_up: boolean }>(
      t.databaseUrl,
      'select counter, last_used_at, backed_up from user_passkeys where credential_id = $1',
      [authenticator.id],
    );
    return row;
  };

  /** A fresh authorization request in a fresh browser: the sign-in page with its passkey challenge. */
  async function signInPage() {
    const browser = new FetchBrowser(t.issuer);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    });
    const page = await browser.get(url.toString());
    expect(page.status).toBe(200);
    expect(page.body).toContain('Sign in with a passkey');
    expect(page.body).toContain('autocomplete="username webauthn"');
    return { browser, page, verifier, nonce, form: passkeyFormOf(page.body) };
  }

  const post = (started: { browser: FetchBrowser; page: PageResponse }, response: string) =>
    started.browser.post(`${issuer}/authorize/passkey`, { ...hiddenFields(started.page.body), response });

  const assertWith = (authenticator: SoftAuthenticator, overrides: AssertionOverrides = {}) =>
    signInPage().then(async (started) => ({
      started,
      answer: await post(started, authenticator.assert(started.form.options.challenge, overrides)),
    }));

  it('signs in with a passkey alone: the ID token says hwk user mfa, the counter and last use are stored', async () => {
    const started = await signInPage();
    expect(started.form.action).toBe(`${new URL(issuer).pathname}/authorize/passkey`);
    expect(started.page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const answer = await post(started, main.assert(started.form.options.challenge));
    expect(answer.status).toBe(303);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(answer.location!), {
      pkceCodeVerifier: started.verifier,
      expectedNonce: started.nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['hwk', 'user', 'mfa'], acr: ACR_MFA });
    const row = await stored(main);
    expect(Number(row!.counter)).toBe(main.counter);
    expect(row!.last_used_at).not.toBeNull();
  });

  it('signs in with four queries: the credential with its user, the challenge claim with the counter, the session, the code with its client link', async () => {
    const passkeyRouteQueries = async (): Promise<number> => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return [...text.matchAll(/^db_queries_total\{route="[^"]*\/authorize\/passkey"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    await assertWith(synced); // warms the tenant and client caches
    const started = await signInPage();
    const before = await passkeyRouteQueries();
    const answer = await post(started, synced.assert(started.form.options.challenge));
    expect(answer.status).toBe(303);
    expect(await passkeyRouteQueries()).toBe(before + 4);
    // The session recorded the client in the code's statement: ending it will tell the client.
    const [link] = await sqlRows<{ n: string }>(
      t.databaseUrl,
      'select count(*) as n from browser_session_clients bc join authorization_codes c on c.session_sid = bc.session_sid where c.client_id = $1',
      [app.clientId],
    );
    expect(Number(link!.n)).toBeGreaterThan(0);
  });

  it.each([
    [
      'a forged signature',
      () => ({ signingKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }),
      'The passkey signature is not valid.',
    ],
    ['a wrong origin', () => ({ origin: 'https://evil.example' }), 'made for another website'],
    ['a wrong RP ID hash', () => ({ rpId: 'evil.example' }), 'RP ID does not match'],
    ['a counter regression', () => ({ counter: 1 }), 'signature counter went backwards'],
    ['no user verification', () => ({ userVerified: false }), 'did not verify you'],
  ])('refuses %s with a clear message and changes nothing', async (_name, overrides, message) => {
    // Leave the stored counter above 1, so that a counter of 1 is a regression.
    if (main.counter < 2) await assertWith(main);
    const before = await stored(main);
    const { answer } = await assertWith(main, overrides());
    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();
    expect(answer.body).toContain(message);
    expect(answer.headers.get('set-cookie') ?? '').not.toMatch(/session/);
    expect(await stored(main)).toEqual(before);
  });

  it('refuses an unknown credential', async () => {
    const stranger = new SoftAuthenticator({ rpId, origin });
    const { answer } = await assertWith(stranger);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('This passkey is not registered for this account here.');
  });

  it('refuses a replayed assertion of a counterless passkey (single-use challenge) and changes nothing', async () => {
    const started = await signInPage();
    const response = synced.assert(started.form.options.challenge);
    const first = await post(started, response);
    expect(first.status).toBe(303);
    const after = await stored(synced);
    expect(after!.backed_up).toBe(true);
    const replay = await post(started, response);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('This passkey response was already used.');
    expect(await stored(synced)).toEqual(after);
    // Another browser replaying it: its ticket is not bound to that browser.
    const elsewhere = await signInPage();
    const stolen = await elsewhere.browser.post(`${issuer}/authorize/passkey`, {
      ...hiddenFields(elsewhere.page.body),
      passkey_ticket: started.form.ticket,
      response,
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body).toContain('expired or was started in another browser');
  });

  it('lets a passkey-only user approve a device with the passkey as second factor: the device ID token says pwd hwk mfa', async () => {
    const { domain } = t.server.app;
    const device = await createTestClient(domain, PATH, 'public', {
      grantTypes: [DEVICE_CODE_GRANT_TYPE],
      redirectUris: [],
      allowedScopes: ['openid'],
    });
    // A user whose only second factor is a passkey: no authenticator app, no recovery codes.
    const owner = await createTestUser(domain, PATH);
    const key = new SoftAuthenticator({ rpId, origin });
    const ceremony = await domain.passkeys.registrationOptions(tenant, owner.user, { binding: 'setup' });
    await domain.passkeys.register(
      tenant,
      owner.user,
      { ticket: ceremony.ticket, response: key.register(ceremony.options) },
      { binding: 'setup' },
    );
    expect(await domain.secondFactors.owed(tenant, owner.user)).toBe('verify');

    const rp = await oidc.discovery(new URL(issuer), device.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const started = await oidc.initiateDeviceAuthorization(rp, { scope: 'openid' });
    const b = new FetchBrowser(t.issuer);
    const form = await b.get(`${issuer}/device`);
    const signIn = await b.post(`${issuer}/device`, { ...hiddenFields(form.body), user_code: started.user_code });
    const factor = await b.post(`${issuer}/device/login`, {
      ...hiddenFields(signIn.body),
      username: owner.username,
      password: owner.password,
    });
    expect(factor.status).toBe(200);
    expect(factor.body).toContain('Use a passkey');
    expect(factor.body).toContain(`<script src="${new URL(issuer).pathname}/authorize/passkey.js" defer>`);
    expect(factor.headers.get('content-security-policy')).toContain("script-src 'self'");
    const passkey = passkeyFormOf(factor.body);
    expect(passkey.action).toBe(`${new URL(issuer).pathname}/device/second-factor/passkey`);
    expect(passkey.options).toMatchObject({ allowCredentials: [{ id: key.id }] });

    // A forged assertion is refused on the page with the reason; nothing is approved.
    const forged = await b.post(passkey.action, {
      ...hiddenFields(factor.body),
      response: key.assert(passkey.options.challenge, { signingKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }),
    });
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('The passkey signature is not valid.');
    expect(forged.body).not.toContain('Approve');

    const retry = passkeyFormOf(forged.body);
    const consent = await b.post(retry.action, { ...hiddenFields(forged.body), response: key.assert(retry.options.challenge) });
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('Approve');
    expect((await b.post(`${issuer}/device/consent`, { ...hiddenFields(consent.body), decision: 'approve' })).status).toBe(200);

    const tokens = await oidc.genericGrantRequest(rp, DEVICE_CODE_GRANT_TYPE, { device_code: started.device_code });
    expect(tokens.claims()).toMatchObject({ sub: owner.user.id, amr: ['pwd', 'hwk', 'mfa'], acr: ACR_MFA });
  });

  it('lists passkeys as second factors for an admin (GraphQL), never key material; a reset removes them, audited', async () => {
    const sdk = await rootAdminSdk(t.issuer);
    const listed = (await sdk.userSecondFactors({ userId: user.id })).userSecondFactors;
    expect(listed.factors.map((f) => [f.kind, f.name, f.lastUsedAt !== null])).toEqual([
      ['passkey', 'Security key', true],
      ['passkey', 'Phone', true],
    ]);
    expect(await t.server.app.domain.secondFactors.enrolled(user.id)).toBe(true);
    expect((await sdk.resetUserSecondFactors({ userId: user.id })).resetUserSecondFactors).toBe(2);
    expect(await sqlRows(t.databaseUrl, 'select 1 from user_passkeys where user_id = $1', [user.id])).toEqual([]);
    await t.server.app.domain.audit.flush();
    const events = await sqlRows<{ action: string }>(
      t.databaseUrl,
      "select action from audit_events where action in ('resetSecondFactors', 'registerPasskey', 'passkeySignIn') order by action",
    );
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(['resetSecondFactors', 'registerPasskey', 'passkeySignIn']));
  });
});
