import { randomBytes, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import type { CreateClientInput } from '../../src/domain/clients/client.service';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createAuthorizationCode } from '../fixtures/authorization-code';
import { pkcePair } from '../fixtures/pkce';
import { createTestUser } from '../fixtures/test-user';
import { graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser } from '../support/browser';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function keyPair(alg: 'ES256' | 'PS256' | 'RS256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: randomUUID(), alg, use: 'sig' } };
}

/**
 * Issue 21 item 9: the FAPI 2.0 Security Profile per tenant (and per client), with DPoP and
 * private_key_jwt. Before this change a tenant had no profile: plain authorization requests,
 * client secrets, bearer tokens and the password grant all worked for every client, and a
 * tenant's discovery advertised every method and algorithm.
 */
describe('FAPI 2.0 security profile', () => {
  let t: TestServer;
  let browser: Browser;
  let callback: CallbackServer;
  let keys: KeyPair;
  const issuerOf = (segment: string) => `${t.issuer}/t/${segment}`;

  const createClient = async (tenantPath: string, overrides: Partial<CreateClientInput>) =>
    t.server.app.domain.clients.create(await rootAdminActor(t.server.app.domain), {
      tenantPath,
      clientId: `fapi-${randomBytes(5).toString('hex')}`,
      name: 'FAPI app',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [callback.url],
      allowedScopes: ['openid', 'email', 'offline_access'],
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [keys.publicJwk] }),
      ...overrides,
    });

  /** openid-client pointed at a tenant issuer, authenticating with private_key_jwt. */
  const keyConfig = (segment: string, clientId: string, key: KeyPair = keys) =>
    oidc.discovery(new URL(issuerOf(segment)), clientId, {}, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.publicJwk.kid! }), {
      execute: [oidc.allowInsecureRequests],
    });

  beforeAll(async () => {
    [t, callback, keys] = await Promise.all([startTestServer(), startCallbackServer(), keyPair('ES256')]);
    browser = await launchChromium();
    const sdk = await rootAdminSdk(t.url);
    const { createTenant } = await sdk.createTenant({ input: { path: '/fapi', signingAlgorithm: 'ES256', securityProfile: 'FAPI2' } });
    expect(createTenant.securityProfile).toBe('FAPI2');
    await sdk.createTenant({ input: { path: '/rsa', signingAlgorithm: 'RS256' } });
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
  });

  it('runs the whole flow with openid-client: discovery, private_key_jwt, PAR, PKCE, DPoP, userinfo; no refresh token rotation', async () => {
    const { domain } = t.server.app;
    const issuer = issuerOf('fapi');
    const { client } = await createClient('/fapi', {});
    const user = await createTestUser(domain, '/fapi');
    const config = await keyConfig('fapi', client.clientId);
    const metadata = config.serverMetadata();
    expect(metadata).toMatchObject({
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      require_pushed_authorization_requests: true,
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['ES256', 'EdDSA'],
    });
    expect(metadata.grant_types_supported).not.toContain('password');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toContain('RS256');
    expect(metadata.dpop_signing_alg_values_supported).not.toContain('RS256');

    const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: callback.url,
      scope: 'openid email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);

    const context = await browser.newContext();
    let landed: URL;
    try {
      const page = await context.newPage();
      await page.goto(url.toString());
      await page.fill('input[name="username"]', user.username);
      await page.fill('input[name="password"]', user.password);
      await Promise.all([page.waitForURL(`${issuer}/authorize/login`), page.click('button[type="submit"]')]);
      await Promise.all([
        page.waitForURL((target) => target.toString().startsWith(callback.url)),
        page.getByRole('button', { name: 'Allow' }).click(),
      ]);
      landed = new URL(page.url());
    } finally {
      await context.close();
    }
    // RFC 9207 iss in the response (FAPI 2.0 §5.3.2.2 item 7); openid-client checks it too.
    expect(landed.searchParams.get('iss')).toBe(issuer);
    const tokens = await oidc.authorizationCodeGrant(
      config,
      landed,
      { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
      undefined,
      { DPoP: dpop },
    );
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    expect(tokens.claims()).toMatchObject({ iss: issuer, sub: user.user.id, aud: client.clientId });
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256');
    const claims = await oidc.fetchUserInfo(config, tokens.access_token, user.user.id, { DPoP: dpop });
    expect(claims.sub).toBe(user.user.id);

    // Sender-constrained: the same access token as a bearer token is refused.
    const bearer = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(bearer.status).toBe(401);
    expect(((await bearer.json()) as { error: string }).error).toBe('invalid_token');
    expect(bearer.headers.get('www-authenticate')).toMatch(/^DPoP /);

    // FAPI 2.0 §5.3.2.1 item 10: no rotation; the refresh token stays the one to use.
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop });
    expect(refreshed.refresh_token).toBeUndefined();
    const again = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop });
    expect(again.access_token).toEqual(expect.any(String));
  });

  it('refuses authorization requests outside the profile: no PAR, no PKCE, no redirect_uri in the push', async () => {
    const { client } = await createClient('/fapi', {});
    const config = await keyConfig('fapi', client.clientId);
    const { challenge } = pkcePair();
    const plain = await new FetchBrowser(t.url).get(
      `${t.url}/t/fapi/authorize?${new URLSearchParams({
        client_id: client.clientId,
        response_type: 'code',
        redirect_uri: callback.url,
        scope: 'openid',
        state: 'st',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
    );
    expect(plain.status).toBe(302);
    const location = new URL(plain.location!);
    expect(location.origin + location.pathname).toBe(callback.url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('st');

    // A confidential client without PKCE: refused at /par (400 JSON).
    await expect(oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: callback.url, scope: 'openid' })).rejects.toMatchObject({
      status: 400,
      error: 'invalid_request',
    });
    await expect(
      oidc.buildAuthorizationUrlWithPAR(config, { scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }),
    ).rejects.toMatchObject({ status: 400, error: 'invalid_request', error_description: expect.stringMatching(/redirect_uri/) });
  });

  it('token requests: a DPoP proof is required (invalid_request), RS256 proofs are refused (invalid_dpop_proof)', async () => {
    const { client } = await createClient('/fapi', { grantTypes: ['client_credentials'], allowedScopes: ['email'], redirectUris: [] });
    const config = await keyConfig('fapi', client.clientId);
    await expect(oidc.clientCredentialsGrant(config, { scope: 'email' })).rejects.toMatchObject({ status: 400, error: 'invalid_request' });
    const rsa = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('RS256'));
    await expect(oidc.clientCredentialsGrant(config, { scope: 'email' }, { DPoP: rsa })).rejects.toMatchObject({
      status: 400,
      error: 'invalid_dpop_proof',
    });
    const ok = await oidc.clientCredentialsGrant(
      config,
      { scope: 'email' },
      { DPoP: oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256')) },
    );
    expect(ok.token_type.toLowerCase()).toBe('dpop');
  });

  it('client assertions: RS256 is refused (invalid_client), PS256 of the same client accepted', async () => {
    const [rs, ps] = await Promise.all([keyPair('RS256'), keyPair('PS256')]);
    const { client } = await createClient('/fapi', {
      grantTypes: ['client_credentials'],
      allowedScopes: ['email'],
      redirectUris: [],
      jwks: JSON.stringify({ keys: [rs.publicJwk, ps.publicJwk] }),
    });
    const dpop = (config: oidc.Configuration) => ({ DPoP: oidc.getDPoPHandle(config, keysForDpop) });
    const keysForDpop = await oidc.randomDPoPKeyPair('ES256');
    const rsConfig = await keyConfig('fapi', client.clientId, rs);
    // A 401 with a challenge: openid-client reports it as a WWWAuthenticateChallengeError; the body says invalid_client.
    const refused = await oidc.clientCredentialsGrant(rsConfig, { scope: 'email' }, dpop(rsConfig)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
    const { status, response } = refused as oidc.WWWAuthenticateChallengeError;
    expect(status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    const psConfig = await keyConfig('fapi', client.clientId, ps);
    expect((await oidc.clientCredentialsGrant(psConfig, { scope: 'email' }, dpop(psConfig))).access_token).toEqual(expect.any(String));
  });

  it('clients saved before their tenant became FAPI2: client_secret_basic is invalid_client, the password grant unauthorized_client', async () => {
    const sdk = await rootAdminSdk(t.url);
    await sdk.createTenant({ input: { path: '/late', signingAlgorithm: 'EdDSA' } });
    const secret = await createClient('/late', {
      grantTypes: ['client_credentials'],
      allowedScopes: ['email'],
      redirectUris: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      jwks: null,
    });
    const password = await createClient('/late', { grantTypes: ['password'], redirectUris: [] });
    const tokenUrl = `${issuerOf('late')}/token`;
    const basicRequest = () =>
      postForm(
        tokenUrl,
        { grant_type: 'client_credentials', scope: 'email' },
        { authorization: basic(secret.client.clientId, secret.clientSecret!) },
      );
    expect((await basicRequest()).status).toBe(200);

    const { updateTenant } = await sdk.updateTenant({ path: '/late', input: { securityProfile: 'FAPI2' } });
    expect(updateTenant.securityProfile).toBe('FAPI2');
    const refused = await basicRequest();
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'invalid_client' });

    const user = await createTestUser(t.server.app.domain, '/late');
    const config = await keyConfig('late', password.client.clientId);
    await expect(
      oidc.genericGrantRequest(config, 'password', { username: user.username, password: user.password, scope: 'openid' }),
    ).rejects.toMatchObject({ status: 400, error: 'unauthorized_client' });
    // Renaming the old client still works; keeping the password grant on a change of grants does not.
    await sdk.updateClient({ clientId: password.client.clientId, input: { name: 'renamed' } });
    const kept = await graphqlError(sdk.updateClient({ clientId: password.client.clientId, input: { grantTypes: ['password'] } }));
    expect(kept.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'grantTypes' });
  });

  it('an RS256 tenant cannot be FAPI2, nor hold a FAPI2 client; a FAPI2 tenant cannot switch to RS256 (GraphQL, naming the field)', async () => {
    const sdk = await rootAdminSdk(t.url);
    expect((await graphqlError(sdk.updateTenant({ path: '/rsa', input: { securityProfile: 'FAPI2' } }))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'securityProfile',
    });
    expect((await graphqlError(sdk.createTenant({ input: { path: '/rsa2', securityProfile: 'FAPI2' } }))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'securityProfile',
    });
    expect((await graphqlError(sdk.updateTenant({ path: '/fapi', input: { signingAlgorithm: 'RS256' } }))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'signingAlgorithm',
    });
    const created = sdk.createClient({
      input: {
        tenantPath: '/rsa',
        name: 'bank',
        grantTypes: ['client_credentials'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [keys.publicJwk] }),
        securityProfile: 'FAPI2',
      },
    });
    expect((await graphqlError(created)).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'securityProfile' });
    // A client of a FAPI2 tenant with a secret: refused on its method.
    const secretClient = sdk.createClient({ input: { tenantPath: '/fapi', name: 'secret', grantTypes: ['client_credentials'] } });
    expect((await graphqlError(secretClient)).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'tokenEndpointAuthMethod' });
    // A NONE tenant holding a FAPI2 client of its own cannot move to RS256 either.
    await sdk.createTenant({ input: { path: '/mixed', signingAlgorithm: 'ES256' } });
    await createClient('/mixed', { grantTypes: ['client_credentials'], redirectUris: [], securityProfile: 'FAPI2' });
    expect((await graphqlError(sdk.updateTenant({ path: '/mixed', input: { signingAlgorithm: 'RS256' } }))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'signingAlgorithm',
    });
    // Both at once is fine: the tenant moves to ES256 and FAPI2 together.
    const { updateTenant } = await sdk.updateTenant({ path: '/rsa', input: { signingAlgorithm: 'ES256', securityProfile: 'FAPI2' } });
    expect(updateTenant).toMatchObject({ signingAlgorithm: 'ES256', securityProfile: 'FAPI2' });
    await sdk.updateTenant({ path: '/rsa', input: { signingAlgorithm: 'RS256', securityProfile: 'NONE' } });
  });

  it("the server's own console client keeps working at a FAPI2 tenant: plain /authorize, no client authentication, no DPoP", async () => {
    const { domain } = t.server.app;
    const issuer = issuerOf('fapi');
    expect((await fetch(`${issuer}/console/`)).status).toBe(200);
    const tenant = (await domain.tenants.findByPath('/fapi'))!;
    const consoleId = `console.${tenant.id}`;
    const redirectUri = `${issuer}/console/callback`;
    const { verifier, challenge } = pkcePair();
    const page = await new FetchBrowser(t.url).get(
      `${t.url}/t/fapi/authorize?${new URLSearchParams({
        client_id: consoleId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid',
        state: 'st',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');

    const user = await createTestUser(domain, '/fapi');
    const code = await createAuthorizationCode(domain, t.server.orm, {
      tenantId: tenant.id,
      clientId: consoleId,
      userId: user.user.id,
      redirectUri,
      scopes: ['openid'],
      codeChallenge: challenge,
    });
    const tokens = await postForm(`${issuer}/token`, {
      grant_type: 'authorization_code',
      client_id: consoleId,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer' });
  });
});
