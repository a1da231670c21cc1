import * as oidc from 'openid-client';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * The whole OIDC relying-party journey through `openid-client`, a certified
 * client library nobody here wrote: discovery, authorization code with PKCE
 * S256 (+ state, nonce, RFC 9207 iss), ID token validation, refresh rotation,
 * userinfo, introspection and revocation. The hosted pages are driven with
 * plain HTTP (the browser test covers them in Chromium).
 */
describe('openid-client against the server', () => {
  let t: TestServer;
  let app: CodeFlowClient;
  let alice: Awaited<ReturnType<typeof createTestUser>>;
  let config: oidc.Configuration;

  beforeAll(async () => {
    t = await startTestServer();
    const domain = t.server.app.domain;
    app = await createCodeFlowClient(domain, { redirectUris: ['http://127.0.0.1:9/callback'] });
    alice = await createTestUser(domain);
    config = await oidc.discovery(new URL(t.issuer), app.clientId, app.clientSecret!, oidc.ClientSecretBasic(app.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs discovery, the code flow with PKCE, refresh, userinfo, introspection and revocation', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(t.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);

    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app.redirectUri,
      scope: 'openid profile email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });

    // The user signs in and consents on the hosted pages.
    const browser = new FetchBrowser(t.url);
    const signInPage = await browser.get(authorizationUrl.toString());
    expect(signInPage.status).toBe(200);
    const consentPage = await browser.post('/authorize/login', {
      ...hiddenFields(signInPage.body),
      username: alice.username,
      password: alice.password,
    });
    expect(consentPage.status).toBe(200);
    const callback = await browser.post('/authorize/consent', { ...hiddenFields(consentPage.body), decision: 'allow' });
    expect(callback.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?/);

    // openid-client checks state, iss (RFC 9207), the ID token signature against the JWKS, nonce, aud and at_hash.
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.location!), {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const idClaims = tokens.claims()!;
    expect(idClaims.sub).toBe(alice.user.id);
    expect(idClaims.aud).toBe(app.clientId);

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    expect(userinfo).toMatchObject({ sub: alice.user.id, preferred_username: alice.username, email: alice.user.email });

    // Refresh rotates the refresh token; the old one is then refused and revokes the family.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe(alice.user.id);

    const active = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(active).toMatchObject({ active: true, sub: alice.user.id, client_id: app.clientId });
    expect(active.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));

    await oidc.tokenRevocation(config, refreshed.access_token, { token_type_hint: 'access_token' });
    expect(await oidc.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
    await expect(oidc.fetchUserInfo(config, refreshed.access_token, idClaims.sub)).rejects.toThrow();

    // Revoking the refresh token ends the family: the newest refresh token no longer works.
    await oidc.tokenRevocation(config, refreshed.refresh_token!, { token_type_hint: 'refresh_token' });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // And reusing the first (already rotated) refresh token is refused too.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('rejects a callback whose state does not match', async () => {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: 'right-state',
    });
    const browser = new FetchBrowser(t.url);
    const signIn = await browser.get(url.toString());
    const consent = await browser.post('/authorize/login', {
      ...hiddenFields(signIn.body),
      username: alice.username,
      password: alice.password,
    });
    const callback = consent.location
      ? consent
      : await browser.post('/authorize/consent', { ...hiddenFields(consent.body), decision: 'allow' });
    const failure: unknown = await oidc
      .authorizationCodeGrant(config, new URL(callback.location!), { pkceCodeVerifier: codeVerifier, expectedState: 'wrong-state' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error & { cause?: Error }).cause?.message)).toMatch(/"state"/);
  });
});
