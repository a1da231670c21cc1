import path from 'node:path';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import type { AdminSdk } from '../../src/sdk/client';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createTestTenant } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { spawnServer, type ServerProcess } from '../support/process';
import { sqlRows as sql } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

const SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'screenshots', 'sign-in-home-realm.png');
const LINK_SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'screenshots', 'sign-in-link-account.png');

/**
 * Issue 23, upstream identity providers, end to end in Chromium: tenant `/acme` of this server
 * federates to (1) a real OpenID Provider, node-oidc-provider, running beside the test on
 * 127.0.0.1, reached by home-realm discovery (typing ada@acme.test), and (2) another tenant of
 * this server, `/partner-op`, reached by its "Sign in with …" button. An openid-client RP's
 * /authorize at `{ISSUER}/t/acme` completes after the upstream sign-in; the first sign-in creates
 * the user just in time and a second one is linked to the same user by the upstream iss + sub.
 */
describe('federated sign-in through upstream identity providers', () => {
  let t: TestServer;
  let op: ServerProcess;
  let opIssuer: string;
  let browser: Browser;
  let callback: CallbackServer;
  let app: CodeFlowClient;
  let appConfig: oidc.Configuration;
  let sdk: AdminSdk;
  let partner: { username: string; password: string; id: string };
  const acmeIssuer = () => `${t.issuer}/t/acme`;

  beforeAll(async () => {
    [t, callback] = await Promise.all([startTestServer(), startCallbackServer()]);
    const { domain } = t.server.app;
    await createTestTenant(domain, '/acme');
    await createTestTenant(domain, '/partner-op');
    op = spawnServer(
      {
        UPSTREAM_OP: JSON.stringify({
          clients: [
            {
              client_id: 'tenant-idp',
              client_secret: 'upstream-secret-0123456789',
              redirect_uris: [`${acmeIssuer()}/federation/acme-op/callback`],
            },
          ],
          accounts: {
            ada: { email: 'ada@acme.test', email_verified: true, preferred_username: 'ada', given_name: 'Ada', family_name: 'Lovelace' },
            // Bob already has a local account with this email (the link page); Carol links from her account page.
            bob: { email: 'bob@acme.test', email_verified: true, preferred_username: 'bob-upstream' },
            'carol-up': { email: 'carol@upstream.test', preferred_username: 'carol-up' },
          },
        }),
      },
      { main: path.join(__dirname, '..', 'support', 'upstream-op.mjs') },
    );
    opIssuer = (await op.waitFor(/READY (\S+)/))[1]!;
    // The second upstream: a client of tenant /partner-op of this same server, and a user there.
    const upstreamClient = await createCodeFlowClient(domain, {
      tenantPath: '/partner-op',
      redirectUris: [`${acmeIssuer()}/federation/partner/callback`],
      firstParty: true,
    });
    const created = await createTestUser(domain, '/partner-op');
    partner = { username: created.username, password: created.password, id: created.user.id };
    sdk = await rootAdminSdk(t.url);
    await sdk.createIdentityProvider({
      input: {
        tenantPath: '/acme',
        kind: 'OIDC',
        alias: 'acme-op',
        name: 'Acme',
        issuer: opIssuer,
        clientId: 'tenant-idp',
        clientSecret: 'upstream-secret-0123456789',
        scopes: ['openid', 'email', 'profile'],
        emailDomains: ['acme.test'],
        exclusive: true,
        trustEmailVerified: true,
      },
    });
    await sdk.createIdentityProvider({
      input: {
        tenantPath: '/acme',
        kind: 'OIDC',
        alias: 'partner',
        name: 'Partner',
        issuer: `${t.issuer}/t/partner-op`,
        clientId: upstreamClient.clientId,
        clientSecret: upstreamClient.clientSecret,
        scopes: ['openid', 'profile', 'email'],
      },
    });
    app = await createCodeFlowClient(domain, { tenantPath: '/acme', redirectUris: [callback.url], firstParty: true });
    appConfig = await oidc.discovery(new URL(acmeIssuer()), app.clientId, app.clientSecret!, oidc.ClientSecretBasic(app.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await op?.stop();
    await callback?.close();
    await t?.close();
  });

  /** The RP's code flow: `signIn` drives the hosted pages; the code is redeemed and the ID token's claims returned. */
  async function codeFlow(signIn: (page: Page) => Promise<void>): Promise<oidc.IDToken> {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(appConfig, {
      redirect_uri: app.redirectUri,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const context = await browser.newContext({ viewport: { width: 720, height: 820 } });
    try {
      const page = await context.newPage();
      await page.goto(url.toString());
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await signIn(page);
      await page
        .waitForURL((at) => at.toString().startsWith(app.redirectUri))
        .catch(async (error: unknown) => {
          throw new Error(`${String(error)}\nat ${page.url()}:\n${(await page.textContent('body').catch(() => '')) ?? ''}`);
        });
      const tokens = await oidc.authorizationCodeGrant(appConfig, new URL(page.url()), {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      return tokens.claims()!;
    } finally {
      await context.close();
    }
  }

  const homeRealm =
    (screenshot?: string, who = 'ada') =>
    async (page: Page) => {
      await page.fill('input[name="username"]', `${who}@acme.test`);
      if (screenshot) await page.screenshot({ path: screenshot });
      await Promise.all([
        page.waitForURL((at) => at.toString().startsWith(`${opIssuer}/interaction/`)),
        page.click('button:has-text("Sign in")'),
      ]);
      await page.fill('input[name="login"]', who);
      await page.click('button:has-text("Continue")');
    };

  it('home-realm discovery: ada@acme.test goes to Acme, comes back signed in, and the user is made just in time', async () => {
    const claims = await codeFlow(homeRealm(SCREENSHOT));
    expect(claims.iss).toBe(acmeIssuer());
    expect(claims.aud).toBe(app.clientId);

    const { users } = await sdk.users({ tenantPath: '/acme' });
    const ada = users.nodes.find((user) => user.id === claims.sub);
    expect(ada).toMatchObject({ username: 'ada', email: 'ada@acme.test', firstname: 'Ada', lastname: 'Lovelace' });
    // Acme is trusted for email_verified, and its ID token says true.
    expect(await sql(t.databaseUrl, 'select email_verified from users where id = $1', [claims.sub])).toEqual([{ email_verified: true }]);
    const links = await sql<{ issuer: string; subject: string }>(
      t.databaseUrl,
      'select issuer, subject from federated_identities where user_id = $1',
      [claims.sub],
    );
    expect(links).toEqual([{ issuer: opIssuer, subject: 'ada' }]);
  });

  it('a second sign-in through the same upstream is the same user (linked by iss + sub), and no user is added', async () => {
    const before = (await sdk.users({ tenantPath: '/acme' })).users.nodes.length;
    const first = (await sql<{ user_id: string }>(t.databaseUrl, 'select user_id::text from federated_identities')).map(
      (row) => row.user_id,
    );
    const claims = await codeFlow(homeRealm());
    expect(first).toContain(claims.sub);
    expect((await sdk.users({ tenantPath: '/acme' })).users.nodes).toHaveLength(before);
  });

  it('signs in through another tenant of this server as the upstream OP ("Sign in with Partner")', async () => {
    const claims = await codeFlow(async (page) => {
      await Promise.all([
        page.waitForURL((at) => at.toString().startsWith(`${t.issuer}/t/partner-op/authorize`)),
        page.getByRole('button', { name: 'Sign in with Partner' }).click(),
      ]);
      await page.fill('input[name="username"]', partner.username);
      await page.fill('input[name="password"]', partner.password);
      await page.click('button[type="submit"]');
    });
    const links = await sql<{ issuer: string; subject: string }>(
      t.databaseUrl,
      'select issuer, subject from federated_identities where user_id = $1',
      [claims.sub],
    );
    expect(links).toEqual([{ issuer: `${t.issuer}/t/partner-op`, subject: partner.id }]);
    await t.server.app.domain.audit.flush();
    const events = await sql<{ outcome: string }>(t.databaseUrl, "select outcome from audit_events where action = 'federatedSignIn'");
    expect(events.map((event) => event.outcome)).toEqual(['success', 'success', 'success']);
  });

  const linkRows = (userId: string) =>
    sql<{ issuer: string; subject: string }>(t.databaseUrl, 'select issuer, subject from federated_identities where user_id = $1', [
      userId,
    ]);

  it('links at the first federated sign-in only with the existing account’s password; then goes straight in as that user', async () => {
    const { domain } = t.server.app;
    const password = 'bob-local-password-1';
    const bob = await domain.users.create(await rootAdminActor(domain), {
      tenantPath: '/acme',
      username: 'bob',
      password,
      email: 'bob@acme.test',
    });
    const claims = await codeFlow(async (page) => {
      await homeRealm(undefined, 'bob')(page);
      await page.getByRole('heading', { name: 'Link Acme' }).waitFor();
      await page.getByText('An account for bob@acme.test already exists here. Sign in to it to link Acme.').waitFor();
      await page.screenshot({ path: LINK_SCREENSHOT });
      // Keyboard only: the labelled password field, Enter submits the default button ("Link and sign in").
      await page.getByLabel('Password of the existing account').fill('not-the-password');
      await page.getByLabel('Password of the existing account').press('Enter');
      await page.getByRole('alert').filter({ hasText: 'That password is not correct. Nothing was linked.' }).waitFor();
      expect(await linkRows(bob.id)).toEqual([]);
      await page.getByLabel('Password of the existing account').fill(password);
      await page.getByRole('button', { name: 'Link and sign in' }).click();
    });
    expect(claims.sub).toBe(bob.id);
    expect(await linkRows(bob.id)).toEqual([{ issuer: opIssuer, subject: 'bob' }]);
    // The next federated sign-in: no link page, the same local user.
    const again = await codeFlow(homeRealm(undefined, 'bob'));
    expect(again.sub).toBe(bob.id);
  });

  it('links and unlinks from the account page ("Linked sign-ins")', async () => {
    const { domain } = t.server.app;
    const carol = await createTestUser(domain, '/acme');
    const context = await browser.newContext({ viewport: { width: 720, height: 1400 } });
    try {
      const page = await context.newPage();
      await page.goto(`${t.url}/account/sign-in?tenant=/acme`);
      await page.fill('input[name="username"]', carol.username);
      await page.fill('input[name="password"]', carol.password);
      await Promise.all([page.waitForURL(`${t.url}/account`), page.click('button:has-text("Sign in")')]);
      const section = page.getByRole('region', { name: 'Linked sign-ins' });
      await Promise.all([
        page.waitForURL((at) => at.toString().startsWith(`${opIssuer}/interaction/`)),
        section.getByRole('button', { name: 'Link Acme' }).click(),
      ]);
      await page.fill('input[name="login"]', 'carol-up');
      await Promise.all([page.waitForURL(`${t.url}/account`), page.click('button:has-text("Continue")')]);
      await section.getByRole('button', { name: 'Unlink Acme' }).waitFor();
      expect(await linkRows(carol.user.id)).toEqual([{ issuer: opIssuer, subject: 'carol-up' }]);
      await Promise.all([page.waitForURL(`${t.url}/account`), section.getByRole('button', { name: 'Unlink Acme' }).click()]);
      await section.getByRole('button', { name: 'Link Acme' }).waitFor();
      expect(await linkRows(carol.user.id)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
