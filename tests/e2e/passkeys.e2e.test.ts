import { mkdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { createTestTenant } from '../fixtures/token-clients';
import { launchChromium } from '../support/launch-chromium';
import { startTestServer, type TestServer } from '../support/test-server';
import { totp } from '../../src/domain/mfa/totp';
import { base32Decode } from '../../src/domain/mfa/totp';

/** Screenshots referenced from the docs (issue 22's closing note). */
const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');

jest.setTimeout(120_000);

/**
 * Issue 22: passkeys in Chromium with a virtual authenticator (DevTools protocol WebAuthn domain):
 * register one on the account page, sign out, sign in with the passkey alone, then use it as the
 * second factor after the password (the ID token's amr says which), and remove it.
 */
describe('passkeys in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let app: CodeFlowClient;
  let bob: { username: string; password: string };
  // The application's redirect URI: a real listener, so the browser's last navigation ends on a page, not an error.
  const application = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('back at the application'));

  beforeAll(async () => {
    await new Promise<void>((resolve) => application.listen(0, '127.0.0.1', resolve));
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestServer({ issuerHost: 'localhost' });
    await createTestTenant(t.server.app.domain, '/shop');
    app = await createCodeFlowClient(t.server.app.domain, {
      tenantPath: '/shop',
      firstParty: true,
      redirectUris: [`http://127.0.0.1:${(application.address() as AddressInfo).port}/callback`],
    });
    bob = await createTestUser(t.server.app.domain, '/shop');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise<void>((resolve) => application.close(() => resolve()));
  });

  const shoot = async (page: Page, name: string) => {
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(5000);
  };

  /** Presses "Sign in with a passkey" and waits for the account page (the virtual authenticator answers at once). */
  const signInWithPasskey = async (page: Page) => {
    const button = page.getByRole('button', { name: 'Sign in with a passkey' });
    await button.waitFor();
    await button.dispatchEvent('click');
    await page
      .locator('#passkey-list')
      .waitFor({ timeout: 10_000 })
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}\n${page.url()}\n${await page.locator('main').innerText()}`);
      });
  };

  it('registers a passkey, signs in with it alone and as a second factor, and removes it', async () => {
    const context = await browser.newContext({ viewport: { width: 720, height: 900 } });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    // The visible button is what the steps press; only a page opened with `conditional=1` keeps the autofill offer.
    await page.addInitScript(() => {
      if (!location.search.includes('conditional=1') && window.PublicKeyCredential)
        PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    const account = `${t.issuer}/account`;

    // 1. Password sign-in at the account page, then add a passkey (the sign-in is fresh).
    await page.goto(`${account}?tenant=/shop`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    await page.getByLabel('Username').fill(bob.username);
    await page.getByLabel('Password').fill(bob.password);
    await Promise.all([page.waitForURL(account), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await page.getByLabel('Passkey name').fill('Laptop');
    await Promise.all([
      page.waitForResponse((r) => r.url() === `${account}/passkeys` && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Add a passkey' }).click(),
    ]);
    await page
      .locator('#passkey-list li', { hasText: 'Laptop' })
      .waitFor({ timeout: 5000 })
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}\n${await page.locator('main').innerText()}`);
      });
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);

    // 2. Sign out; 3. sign in with the passkey alone.
    await context.clearCookies();
    await page.goto(`${account}?tenant=/shop`);
    await signInWithPasskey(page);
    await page.locator('#passkey-list li', { hasText: 'Laptop' }).filter({ hasNotText: 'last used never' }).waitFor();

    // 4. Add an authenticator app too: the account page with a passkey and TOTP.
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const key = base32Decode((await page.locator('#totp-key').textContent())!);
    await page.getByLabel('Code from the app').fill(totp(key, Date.now()));
    await Promise.all([page.waitForURL(`${account}/totp/confirm`), page.getByRole('button', { name: 'Turn on' }).click()]);
    await page.goto(account);
    await page.locator('#mfa-status', { hasText: 'On: authenticator app' }).waitFor();
    await shoot(page, 'account-passkey-totp');

    // 5. The passkey as the second factor after the password, through openid-client's authorization request.
    await context.clearCookies();
    const issuer = `${t.issuer}/t/shop`;
    const config = await oidc.discovery(new URL(issuer), app.clientId, app.clientSecret!, oidc.ClientSecretBasic(app.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    });
    await page.goto(url.toString());
    await page.getByLabel('Username').fill(bob.username);
    await page.getByLabel('Password').fill(bob.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Use a passkey' }).waitFor();
    await shoot(page, 'sign-in-factor-step');
    const [back] = await Promise.all([
      page.waitForRequest((request) => request.url().startsWith(app.redirectUri)),
      page.getByRole('button', { name: 'Use a passkey' }).click({ noWaitAfter: true }),
    ]);
    await page.waitForURL((target) => target.href.startsWith(app.redirectUri));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.url()), {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()!.amr).toEqual(['pwd', 'hwk', 'mfa']);

    // 6. Back on the account page, signed in by the autofill offer (conditional UI) this time, remove it.
    await page.goto(`${account}/sign-in?tenant=/shop&conditional=1`);
    await page.locator('#passkey-list').waitFor();
    await Promise.all([page.waitForURL(account), page.getByRole('button', { name: 'Remove Laptop' }).click()]);
    await page.locator('#passkey-list', { hasText: 'No passkeys yet.' }).waitFor();
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
