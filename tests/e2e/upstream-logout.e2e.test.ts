import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext } from 'playwright-core';
import type { AdminSdk } from '../../src/sdk/client';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestTenant } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { spawnServer, type ServerProcess } from '../support/process';
import { sqlRows as sql } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

jest.setTimeout(120_000);

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * Issue 23, logout with an upstream identity provider, end to end in Chromium. Tenant `/acme`
 * federates to node-oidc-provider (back-channel logout and RP-initiated logout on, our client
 * registered with the back-channel logout URI and post-logout redirect URI this server shows in
 * GraphQL); an openid-client RP of `/acme` has its own back-channel logout URI. Signing out AT
 * THE UPSTREAM ends our session (its tokens revoked) and our RP hears of it (the chain); forged
 * logout tokens are refused with 400 and end nothing; an RP-initiated logout here goes on to the
 * upstream's logout and back to the RP's post-logout redirect URI with its state (straight back when
 * the provider's upstreamLogout is off), and so does "End this session" on the account page; a
 * logout token with only `sub` ends every session of that user through the provider. Before this
 * change the back-channel URI answered 404, and our logout never left this server.
 */
describe('upstream logout', () => {
  let t: TestServer;
  let op: ServerProcess;
  let opIssuer: string;
  let browser: Browser;
  let callback: CallbackServer;
  let app: CodeFlowClient;
  let appConfig: oidc.Configuration;
  let sdk: AdminSdk;
  let upstreamKey: CryptoKey;
  let providerId: string;
  const acmeIssuer = () => `${t.issuer}/t/acme`;
  const backchannelUri = () => `${acmeIssuer()}/federation/acme-op/backchannel-logout`;

  beforeAll(async () => {
    [t, callback] = await Promise.all([startTestServer(), startCallbackServer()]);
    const { domain } = t.server.app;
    await createTestTenant(domain, '/acme');
    // The upstream's signing key: known to the test, so that it can forge logout tokens with a good signature.
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    upstreamKey = privateKey;
    const jwk = { ...(await exportJWK(privateKey)), kid: 'up-1', alg: 'RS256', use: 'sig' };
    op = spawnServer(
      {
        UPSTREAM_OP: JSON.stringify({
          clients: [
            {
              client_id: 'tenant-idp',
              client_secret: 'upstream-secret-0123456789',
              redirect_uris: [`${acmeIssuer()}/federation/acme-op/callback`],
              backchannel_logout_uri: backchannelUri(),
              backchannel_logout_session_required: true,
              post_logout_redirect_uris: [`${acmeIssuer()}/federation/acme-op/logged-out`],
            },
          ],
          accounts: {
            ada: { email: 'ada@acme.test', email_verified: true, preferred_username: 'ada' },
            bea: { email: 'bea@acme.test', email_verified: true, preferred_username: 'bea' },
          },
          jwks: { keys: [jwk] },
          features: { backchannelLogout: { enabled: true } },
        }),
      },
      { main: path.join(__dirname, '..', 'support', 'upstream-op.mjs') },
    );
    opIssuer = (await op.waitFor(/READY (\S+)/))[1]!;
    sdk = await rootAdminSdk(t.url);
    const { createIdentityProvider } = await sdk.createIdentityProvider({
      input: {
        tenantPath: '/acme',
        kind: 'OIDC',
        alias: 'acme-op',
        name: 'Acme',
        issuer: opIssuer,
        clientId: 'tenant-idp',
        clientSecret: 'upstream-secret-0123456789',
        scopes: ['openid', 'email', 'profile'],
      },
    });
    providerId = createIdentityProvider.id;
    // What the admin registers at the upstream.
    expect(createIdentityProvider).toMatchObject({
      upstreamLogout: true,
      backchannelLogoutUri: backchannelUri(),
      postLogoutRedirectUri: `${acmeIssuer()}/federation/acme-op/logged-out`,
    });
    app = await createCodeFlowClient(domain, {
      tenantPath: '/acme',
      redirectUris: [callback.url],
      postLogoutRedirectUris: [callback.url],
      backchannelLogoutUri: callback.url,
      firstParty: true,
    });
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

  /** The RP's code flow in `context`, signing in at the upstream as `account`; the tokens and ID token claims. */
  async function signIn(context: BrowserContext, account = 'ada') {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(appConfig, {
      redirect_uri: app.redirectUri,
      scope: 'openid profile email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });
    const page = await context.newPage();
    await page.goto(url.toString());
    await page.getByRole('button', { name: 'Sign in with Acme' }).click();
    await page.waitForURL((at) => at.toString().startsWith(`${opIssuer}/interaction/`));
    await page.fill('input[name="login"]', account);
    await page.click('button:has-text("Continue")');
    await page.waitForURL((at) => at.toString().startsWith(app.redirectUri));
    const tokens = await oidc.authorizationCodeGrant(appConfig, new URL(page.url()), {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
    });
    await page.close();
    return { tokens, claims: tokens.claims()! };
  }

  const sessionEnded = async (sid: string) =>
    (await sql<{ ended: boolean }>(t.databaseUrl, 'select ended_at is not null as ended from browser_sessions where sid = $1', [sid]))[0]!
      .ended;
  const upstreamOf = async (sid: string) =>
    (
      await sql<{ upstream_sid: string | null; id_token_sealed: string | null }>(
        t.databaseUrl,
        'select upstream_sid, id_token_sealed from browser_session_upstreams where session_sid = $1',
        [sid],
      )
    )[0]!;
  const postLogoutToken = (token: string) =>
    fetch(backchannelUri(), { method: 'POST', body: new URLSearchParams({ logout_token: token }) });
  /** A logout token signed as the upstream (its key, its kid), with a fresh jti. */
  const signLogoutToken = (body: Record<string, unknown>, key: CryptoKey = upstreamKey) =>
    new SignJWT({ jti: crypto.randomUUID(), ...body }).setProtectedHeader({ alg: 'RS256', kid: 'up-1', typ: 'logout+jwt' }).sign(key);

  it('signing out at the upstream ends our session, revokes its tokens and tells our RP (back-channel chain)', async () => {
    const context = await browser.newContext();
    try {
      const { tokens, claims } = await signIn(context);
      const remembered = await upstreamOf(claims.sid as string);
      expect(remembered.upstream_sid).toEqual(expect.any(String));
      // The upstream ID token is sealed at rest, not stored as a JWT.
      expect(remembered.id_token_sealed).not.toMatch(/^eyJ/);

      const page = await context.newPage();
      await page.goto(`${opIssuer}/session/end`);
      await Promise.all([page.waitForURL((at) => at.pathname.startsWith('/session/end/success')), page.click('button[name="logout"]')]);

      expect(await sessionEnded(claims.sid as string)).toBe(true);
      await expect(oidc.refreshTokenGrant(appConfig, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      await waitUntil(() => callback.posts.some((post) => post.body.has('logout_token')));
      const chained = callback.posts.find((post) => post.body.has('logout_token'))!.body.get('logout_token')!;
      const payload = JSON.parse(Buffer.from(chained.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      expect(payload).toMatchObject({ iss: acmeIssuer(), aud: app.clientId, sid: claims.sid, events: { [EVENT]: {} } });
      await t.server.app.domain.audit.flush();
      const audited = await sql<{ outcome: string }>(t.databaseUrl, "select outcome from audit_events where action = 'upstreamLogout'");
      expect(audited).toEqual([{ outcome: 'success' }]);
    } finally {
      await context.close();
    }
  });

  it('refuses forged or replayed logout tokens with 400 invalid_request, and ends nothing', async () => {
    const context = await browser.newContext();
    try {
      const { claims } = await signIn(context);
      const { upstream_sid: upstreamSid } = await upstreamOf(claims.sid as string);
      const now = Math.floor(Date.now() / 1000);
      const good = { iss: opIssuer, aud: 'tenant-idp', iat: now, exp: now + 120, sid: upstreamSid, events: { [EVENT]: {} } };
      const sign = signLogoutToken;
      const stranger = (await generateKeyPair('RS256')).privateKey;
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(
        JSON.stringify({ ...good, jti: 'x' }),
      ).toString('base64url')}.`;
      const forged = {
        'wrong iss': await sign({ ...good, iss: 'http://127.0.0.1:9/evil' }),
        'wrong aud': await sign({ ...good, aud: 'someone-else' }),
        'another key': await sign(good, stranger),
        'alg none': unsigned,
        'nonce present': await sign({ ...good, nonce: 'n-1' }),
        'no events': await sign({ ...good, events: undefined }),
        'event not an object': await sign({ ...good, events: { [EVENT]: 'yes' } }),
        'neither sid nor sub': await sign({ ...good, sid: undefined }),
        'no jti': await new SignJWT(good).setProtectedHeader({ alg: 'RS256', kid: 'up-1' }).sign(upstreamKey),
        'too old': await sign({ ...good, iat: now - 3600, exp: undefined }),
      };
      for (const [flaw, token] of Object.entries(forged)) {
        const response = await postLogoutToken(token);
        expect({ flaw, status: response.status, body: await response.json() }).toMatchObject({
          flaw,
          status: 400,
          body: { error: 'invalid_request' },
        });
        expect(response.headers.get('cache-control')).toBe('no-store');
      }
      // A valid token naming another upstream session: 200, and its jti cannot be used again.
      const once = await sign({ ...good, sid: 'another-upstream-session' });
      expect((await postLogoutToken(once)).status).toBe(200);
      const replay = await postLogoutToken(once);
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('replayed') });
      expect(await sessionEnded(claims.sid as string)).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('RP-initiated logout here continues at the upstream with the hint, then back to the RP with its state', async () => {
    const context = await browser.newContext();
    try {
      const { tokens, claims } = await signIn(context);
      const page = await context.newPage();
      const visited: string[] = [];
      page.on('request', (request) => visited.push(request.url()));
      const logout = oidc.buildEndSessionUrl(appConfig, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: callback.url,
        state: 'rp-state-42',
      });
      await page.goto(logout.href);
      await page.waitForURL((at) => at.toString().startsWith(`${opIssuer}/session/end`));
      expect(await sessionEnded(claims.sid as string)).toBe(true);
      const upstream = new URL(visited.find((url) => url.startsWith(`${opIssuer}/session/end`))!);
      expect(upstream.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
      expect(upstream.searchParams.get('post_logout_redirect_uri')).toBe(`${acmeIssuer()}/federation/acme-op/logged-out`);
      expect(upstream.searchParams.get('client_id')).toBe('tenant-idp');
      await Promise.all([page.waitForURL((at) => at.toString().startsWith(callback.url)), page.click('button[name="logout"]')]);
      expect(new URL(page.url()).searchParams.get('state')).toBe('rp-state-42');
      expect(visited.some((url) => url.startsWith(`${acmeIssuer()}/federation/acme-op/logged-out?state=`))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('the /logged-out page follows only state this server sealed (never an open redirect)', async () => {
    const response = await fetch(`${acmeIssuer()}/federation/acme-op/logged-out?state=${encodeURIComponent('https://evil.example/')}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('You are signed out');
    expect(page).not.toContain('evil.example');
  });

  it('a logout token with only sub ends every session of the user linked to it through this provider, and no one else’s', async () => {
    const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
    try {
      const ada1 = await signIn(contexts[0]!);
      const ada2 = await signIn(contexts[1]!);
      const bea = await signIn(contexts[2]!, 'bea');
      const now = Math.floor(Date.now() / 1000);
      const token = await signLogoutToken({ iss: opIssuer, aud: 'tenant-idp', iat: now, sub: 'ada', events: { [EVENT]: {} } });
      const response = await postLogoutToken(token);
      expect(response.status).toBe(200);
      expect(await sessionEnded(ada1.claims.sid as string)).toBe(true);
      expect(await sessionEnded(ada2.claims.sid as string)).toBe(true);
      expect(await sessionEnded(bea.claims.sid as string)).toBe(false);
    } finally {
      await Promise.all(contexts.map((context) => context.close()));
    }
  });

  it('with upstreamLogout off, RP-initiated logout ends the session here and goes straight back to the RP', async () => {
    await sdk.updateIdentityProvider({ id: providerId, input: { upstreamLogout: false } });
    const context = await browser.newContext();
    try {
      const { tokens, claims } = await signIn(context);
      const page = await context.newPage();
      const visited: string[] = [];
      page.on('request', (request) => visited.push(request.url()));
      const logout = oidc.buildEndSessionUrl(appConfig, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: callback.url,
        state: 'rp-state-7',
      });
      await page.goto(logout.href);
      await page.waitForURL((at) => at.toString().startsWith(callback.url));
      expect(new URL(page.url()).searchParams.get('state')).toBe('rp-state-7');
      expect(await sessionEnded(claims.sid as string)).toBe(true);
      expect(visited.filter((url) => url.startsWith(opIssuer))).toEqual([]);
    } finally {
      await context.close();
      await sdk.updateIdentityProvider({ id: providerId, input: { upstreamLogout: true } });
    }
  });

  it('signing out of this session on the account page ends it here, then continues at the upstream’s logout', async () => {
    const context = await browser.newContext();
    try {
      const { claims } = await signIn(context);
      const page = await context.newPage();
      await page.goto(`${t.url}/account`);
      // The "Signed out" page, read on its way (its refresh leaves it at once).
      let html = '';
      await page.route(`${t.url}/account/sessions/end`, async (route) => {
        const response = await route.fetch();
        html = await response.text();
        await route.fulfill({ response, body: html });
      });
      await Promise.all([
        page.waitForURL((at) => at.toString().startsWith(`${opIssuer}/session/end`)),
        page.getByRole('button', { name: 'End this session (sign out)' }).click(),
      ]);
      expect(html).toContain('You are signed out');
      const continueAt = new URL(/<a href="([^"]+)">Continue<\/a>/.exec(html)![1]!.replace(/&amp;/g, '&'));
      expect(continueAt.origin + continueAt.pathname).toBe(`${opIssuer}/session/end`);
      expect(continueAt.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
      expect(continueAt.searchParams.get('post_logout_redirect_uri')).toBe(`${acmeIssuer()}/federation/acme-op/logged-out`);
      expect(continueAt.searchParams.get('state')).toEqual(expect.any(String));
      expect(await sessionEnded(claims.sid as string)).toBe(true);
      // Confirmed at the upstream, back here to sign in again.
      await Promise.all([
        page.waitForURL((at) => at.toString().startsWith(`${t.url}/account/sign-in?`)),
        page.click('button[name="logout"]'),
      ]);
    } finally {
      await context.close();
    }
  });
});
