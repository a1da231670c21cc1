import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { rootAdminSdk } from '../support/admin-sdk';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { createTestTenant } from '../fixtures/token-clients';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(60_000);

const RP = 'https://rp.example/after-logout';

/**
 * Issue 23: OIDC RP-Initiated Logout 1.0 at a tenant issuer's end_session_endpoint, driven by
 * openid-client's buildEndSessionUrl. Before it, /logout ignored the RP's parameters: it always asked
 * and never went back to the RP, and ending the session left the RP's refresh tokens alive.
 */
describe('RP-initiated logout at a tenant issuer', () => {
  let t: TestServer;
  let issuer: string;
  let app: CodeFlowClient;
  let other: CodeFlowClient;
  let config: oidc.Configuration;
  let user: { username: string; password: string };
  let foreignIdToken: string;

  const discover = (at: string, client: CodeFlowClient) =>
    oidc.discovery(new URL(at), client.clientId, client.clientSecret!, oidc.ClientSecretBasic(client.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });

  /** Signs in at the hosted pages with fetch (first-party client: no consent) and redeems the code with openid-client. */
  async function signIn(browser: FetchBrowser, cfg: oidc.Configuration, client: CodeFlowClient, who = user) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: client.redirectUri,
      scope: 'openid offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'consent',
    });
    const form = await browser.get(url.toString());
    expect(form.status).toBe(200);
    const loggedIn = await browser.post(`${cfg.serverMetadata().issuer}/authorize/login`, {
      ...hiddenFields(form.body),
      username: who.username,
      password: who.password,
    });
    expect(loggedIn.location).toContain(client.redirectUri);
    return oidc.authorizationCodeGrant(cfg, new URL(loggedIn.location!), { pkceCodeVerifier: verifier, idTokenExpected: true });
  }

  beforeAll(async () => {
    t = await startTestServer();
    const { domain } = t.server.app;
    await createTestTenant(domain, '/rpl');
    await createTestTenant(domain, '/rpx');
    issuer = `${t.issuer}/t/rpl`;
    const base = { tenantPath: '/rpl', firstParty: true };
    app = await createCodeFlowClient(domain, { ...base, redirectUris: ['https://rp.example/cb'], postLogoutRedirectUris: [RP] });
    other = await createCodeFlowClient(domain, {
      ...base,
      redirectUris: ['https://other.example/cb'],
      postLogoutRedirectUris: ['https://other.example/bye'],
    });
    const created = await createTestUser(domain, '/rpl');
    user = { username: created.username, password: created.password };
    config = await discover(issuer, app);
    // An ID token of another tenant's issuer, for the same kind of client.
    const foreignApp = await createCodeFlowClient(domain, {
      tenantPath: '/rpx',
      firstParty: true,
      redirectUris: ['https://rp.example/cb'],
      postLogoutRedirectUris: [RP],
    });
    const foreignUser = await createTestUser(domain, '/rpx');
    const foreign = await signIn(new FetchBrowser(t.url), await discover(`${t.issuer}/t/rpx`, foreignApp), foreignApp, foreignUser);
    foreignIdToken = foreign.id_token!;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('discovery names the end_session_endpoint', () => {
    expect(config.serverMetadata().end_session_endpoint).toBe(`${issuer}/logout`);
  });

  it('with a matching id_token_hint: ends the session without asking, redirects with state, revokes the session’s refresh tokens', async () => {
    const browser = new FetchBrowser(t.url);
    const tokens = await signIn(browser, config, app);
    const sid = tokens.claims()!.sid;
    expect(typeof sid).toBe('string');
    const state = oidc.randomState();
    const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP, state });
    const answer = await browser.get(url.toString());
    expect(answer.status).toBe(303);
    const back = new URL(answer.location!);
    expect(`${back.origin}${back.pathname}`).toBe(RP);
    expect(back.searchParams.get('state')).toBe(state);
    // The session is over: the account page asks for a sign-in again, and the refresh token is dead.
    expect((await browser.get(`${issuer}/account`)).location).toContain('/sign-in');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('without a hint: asks first, then redirects to the registered URI (client_id) after the confirmation', async () => {
    const browser = new FetchBrowser(t.url);
    const tokens = await signIn(browser, config, app);
    const url = oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: RP, state: 's1' });
    const ask = await browser.get(url.toString());
    expect(ask.status).toBe(200);
    expect(ask.body).toContain('Sign out?');
    const done = await browser.post(`${issuer}/logout`, hiddenFields(ask.body));
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${RP}?state=s1`);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('never an open redirect: an unregistered URI, another client’s URI, a hint of another tenant', async () => {
    const browser = new FetchBrowser(t.url);
    const tokens = await signIn(browser, config, app);
    const cases = [
      oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example/' }),
      oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://other.example/bye' }),
      new URL(
        `${issuer}/logout?${new URLSearchParams({ client_id: other.clientId, id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://other.example/bye' })}`,
      ),
      new URL(`${issuer}/logout?${new URLSearchParams({ id_token_hint: foreignIdToken, post_logout_redirect_uri: RP })}`),
    ];
    for (const url of cases) {
      const answer = await browser.get(url.toString());
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
    }
    // Nothing was ended by the refused requests.
    expect((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
  });

  it('tells the client over the back channel: a logout token for the session ends up at its backchannel_logout_uri', async () => {
    // A relying party's back-channel logout endpoint, in the test.
    const received: string[] = [];
    let arrived: () => void = () => undefined;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push(new URLSearchParams(Buffer.concat(chunks).toString()).get('logout_token') ?? '');
        res.writeHead(200).end();
        arrived();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const uri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`;
      await (await rootAdminSdk(t.url)).updateClient({ clientId: app.clientId, input: { backchannelLogoutUri: uri } });
      const browser = new FetchBrowser(t.url);
      const tokens = await signIn(browser, config, app);
      const sid = tokens.claims()!.sid;
      const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP });
      expect((await browser.get(url.toString())).status).toBe(303);
      await arrival;
      expect(received).toHaveLength(1);
      const { payload, protectedHeader } = await jwtVerify(received[0]!, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), {
        issuer,
        audience: app.clientId,
        typ: 'logout+jwt',
      });
      expect(protectedHeader.typ).toBe('logout+jwt');
      expect(payload).toMatchObject({
        sid,
        sub: tokens.claims()!.sub,
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      });
      expect(payload.nonce).toBeUndefined();
      expect(typeof payload.jti).toBe('string');
    } finally {
      await (await rootAdminSdk(t.url)).updateClient({ clientId: app.clientId, input: { backchannelLogoutUri: '' } });
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
