import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, createTestTenant, type TestClient } from '../fixtures/token-clients';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

type Side = 'a' | 'b';

/** How openid-client reports our 401 `invalid_client` (with its `WWW-Authenticate: Basic` challenge). */
const CLIENT_REFUSED = { status: 401, cause: [expect.objectContaining({ scheme: 'basic' })] };

interface TenantWorld {
  issuer: string;
  service: TestClient;
  app: CodeFlowClient;
  user: { username: string; password: string; id: string };
  serviceConfig: oidc.Configuration;
  appConfig: oidc.Configuration;
}

/**
 * Issue 20: a certified relying-party library (openid-client 6) discovers two
 * sibling tenants `/a` and `/b` by their own issuer URLs and runs
 * client_credentials, the code flow with PKCE (hosted pages in headless
 * Chromium) and a refresh at each; one tenant's tokens and clients get
 * nowhere at the other. Before this change there was one issuer, so
 * `discovery(new URL({ISSUER}/t/a))` found nothing.
 */
describe('openid-client against two tenant issuers', () => {
  let t: TestServer;
  let browser: Browser;
  let callback: CallbackServer;
  const world = {} as Record<Side, TenantWorld>;

  const discover = (issuer: string, client: { clientId: string; clientSecret: string | null }) =>
    oidc.discovery(new URL(issuer), client.clientId, client.clientSecret!, oidc.ClientSecretBasic(client.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });

  beforeAll(async () => {
    [t, callback] = await Promise.all([startTestServer(), startCallbackServer()]);
    browser = await launchChromium();
    const { domain } = t.server.app;
    for (const side of ['a', 'b'] as const) {
      const path = `/${side}`;
      await createTestTenant(domain, path);
      const issuer = `${t.issuer}/t/${side}`;
      const service = await createTestClient(domain, path);
      const app = await createCodeFlowClient(domain, { tenantPath: path, redirectUris: [callback.url] });
      const created = await createTestUser(domain, path);
      world[side] = {
        issuer,
        service,
        app,
        user: { username: created.username, password: created.password, id: created.user.id },
        serviceConfig: await discover(issuer, service),
        appConfig: await discover(issuer, app),
      };
    }
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
  });

  /** The code flow with PKCE in Chromium: sign in and consent on the tenant issuer's hosted pages. */
  async function codeFlow(side: Side) {
    const { appConfig, app, user, issuer } = world[side];
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(appConfig, {
      redirect_uri: app.redirectUri,
      scope: 'openid profile email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    expect(url.toString().startsWith(`${issuer}/authorize?`)).toBe(true);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url.toString());
      await page.fill('input[name="username"]', user.username);
      await page.fill('input[name="password"]', user.password);
      await Promise.all([page.waitForURL(`${issuer}/authorize/login`), page.click('button[type="submit"]')]);
      await Promise.all([
        page.waitForURL((target) => target.toString().startsWith(app.redirectUri)),
        page.getByRole('button', { name: 'Allow' }).click(),
      ]);
      const landed = new URL(page.url());
      expect(landed.searchParams.get('iss')).toBe(issuer);
      // openid-client checks state, RFC 9207 iss, the ID token against the tenant's JWKS, nonce, aud and at_hash.
      return await oidc.authorizationCodeGrant(appConfig, landed, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    } finally {
      await context.close();
    }
  }

  it('discovers each tenant by its issuer URL, with its own endpoints', () => {
    for (const side of ['a', 'b'] as const) {
      const metadata = world[side].appConfig.serverMetadata();
      expect(metadata.issuer).toBe(world[side].issuer);
      expect(metadata.token_endpoint).toBe(`${world[side].issuer}/token`);
      expect(metadata.jwks_uri).toBe(`${world[side].issuer}/.well-known/jwks.json`);
      expect(metadata.authorization_endpoint).toBe(`${world[side].issuer}/authorize`);
    }
  });

  it('runs client_credentials, the code flow with PKCE in Chromium and a refresh at each tenant, and nothing of one works at the other', async () => {
    const sessions = {} as Record<
      Side,
      {
        service: string;
        user: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
        refreshed: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
      }
    >;
    for (const side of ['a', 'b'] as const) {
      const { serviceConfig, appConfig, user, issuer } = world[side];
      const service = await oidc.clientCredentialsGrant(serviceConfig, { scope: 'email' });
      expect(JSON.parse(Buffer.from(service.access_token.split('.')[1]!, 'base64url').toString())).toMatchObject({
        iss: issuer,
        tenant: `/${side}`,
      });
      const tokens = await codeFlow(side);
      expect(tokens.claims()).toMatchObject({ iss: issuer, sub: user.id, tenant: `/${side}` });
      expect(await oidc.fetchUserInfo(appConfig, tokens.access_token, user.id)).toMatchObject({
        sub: user.id,
        preferred_username: user.username,
      });
      const refreshed = await oidc.refreshTokenGrant(appConfig, tokens.refresh_token!);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect(refreshed.claims()).toMatchObject({ iss: issuer, sub: user.id });
      expect(await oidc.tokenIntrospection(serviceConfig, refreshed.access_token)).toMatchObject({ active: true, iss: issuer });
      sessions[side] = { service: service.access_token, user: tokens, refreshed };
    }

    for (const [here, there] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      const config = world[here];
      const foreign = sessions[there];
      // The other tenant's tokens: inactive at introspection, refused at userinfo.
      for (const token of [foreign.service, foreign.refreshed.access_token, foreign.refreshed.refresh_token!]) {
        expect(await oidc.tokenIntrospection(config.serviceConfig, token)).toEqual({ active: false });
      }
      await expect(oidc.fetchUserInfo(config.appConfig, foreign.refreshed.access_token, world[there].user.id)).rejects.toThrow();
      // The other tenant's client, configured against this tenant's issuer: 401 invalid_client everywhere
      // (openid-client reports the 401's `WWW-Authenticate: Basic` challenge).
      const misplaced = await discover(config.issuer, world[there].service);
      await expect(oidc.clientCredentialsGrant(misplaced, { scope: 'email' })).rejects.toMatchObject(CLIENT_REFUSED);
      await expect(oidc.tokenIntrospection(misplaced, foreign.service)).rejects.toMatchObject(CLIENT_REFUSED);
      const misplacedApp = await discover(config.issuer, world[there].app);
      await expect(oidc.refreshTokenGrant(misplacedApp, foreign.refreshed.refresh_token!)).rejects.toMatchObject(CLIENT_REFUSED);
    }

    // The other tenant's client at this tenant's authorization endpoint: the page an unknown client gets, no redirect.
    const context = await browser.newContext();
    const page = await context.newPage();
    const wrong = oidc.buildAuthorizationUrl(world.a.appConfig, {
      redirect_uri: world.b.app.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      client_id: world.b.app.clientId,
    });
    const response = await page.goto(wrong.toString());
    expect(response?.status()).toBe(400);
    expect(page.url()).toBe(wrong.toString());
    await context.close();
  });
});
