import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oauth from 'oauth4webapi';
import type { Domain } from '../../src/composition/create-domain';
import type { Tenant } from '../../src/domain/tenants/tenant';
import type { User } from '../../src/domain/users/user';
import { createAuthorizationCode, type AuthorizationCodeFixture } from '../fixtures/authorization-code';
import { pkcePair } from '../fixtures/pkce';
import { createClient, createUser, ensureTenant, setClientEnabled, setUserEnabled, type ClientFixture } from '../fixtures/grant-setup';
import { TestClock } from '../fixtures/test-clock';
import { expectedAtHash, verifyIdToken } from '../support/id-token';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

const REDIRECT = 'https://app.example.com/cb';

type TokenBody = {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  error?: string;
};

describe('POST /token grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6)', () => {
  const clock = new TestClock();
  let t: TestServer;
  let domain: Domain;
  let tenant: Tenant;
  let user: User;
  let confidential: ClientFixture;
  let publicClient: ClientFixture;

  beforeAll(async () => {
    t = await startTestServer({ clock });
    domain = t.server.app.domain;
    tenant = await ensureTenant(domain, '/acme');
    user = await createUser(domain, '/acme');
    const common = {
      tenantPath: '/acme',
      redirectUris: [REDIRECT],
      allowedScopes: ['openid', 'profile', 'email', 'offline_access', 'username'],
    };
    confidential = await createClient(domain, { ...common, grantTypes: ['authorization_code', 'refresh_token'] });
    publicClient = await createClient(domain, { ...common, isPublic: true });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => clock.reset());

  const codeFor = (client: ClientFixture, overrides: Partial<AuthorizationCodeFixture> = {}) =>
    createAuthorizationCode(domain, t.server.orm, {
      tenantId: tenant.id,
      clientId: client.clientId,
      userId: user.id,
      redirectUri: REDIRECT,
      scopes: ['openid', 'email', 'offline_access'],
      ...overrides,
    });

  const redeem = (client: ClientFixture, form: Record<string, string>, secret = client.clientSecret) =>
    postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'authorization_code', redirect_uri: REDIRECT, ...form, ...(secret === null ? { client_id: client.clientId } : {}) },
      secret === null ? {} : { authorization: basic(client.clientId, secret) },
    );

  const refresh = (client: ClientFixture, refreshToken: string) =>
    postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      { authorization: basic(client.clientId, client.clientSecret!) },
    );

  it('redeems a PKCE-bound code for an access token, a refresh token and a verifiable ID Token', async () => {
    const pkce = pkcePair();
    const authTime = new Date(clock.now().getTime() - 30_000);
    const code = await codeFor(confidential, { codeChallenge: pkce.challenge, nonce: 'n-0S6_WzA2Mj', authTime });
    const res = await redeem(confidential, { code, code_verifier: pkce.verifier });

    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid email offline_access' });
    expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const access = (await domain.accessTokens.inspect(res.body.access_token))?.claims;
    expect(access).toMatchObject({ sub: user.id, client_id: confidential.clientId, tenant: '/acme', scope: 'openid email offline_access' });
    expect(access!.sid).toEqual(expect.any(String));

    const { payload, protectedHeader } = await verifyIdToken(t.url, `${t.issuer}/t/acme`, res.body.id_token!, confidential.clientId);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(payload).toMatchObject({
      sub: user.id,
      aud: confidential.clientId,
      azp: confidential.clientId,
      nonce: 'n-0S6_WzA2Mj',
      auth_time: Math.floor(authTime.getTime() / 1000),
      tenant: '/acme',
      email: user.email,
    });
    expect(payload.at_hash).toBe(expectedAtHash(res.body.access_token, 'RS256'));
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload).not.toHaveProperty('given_name'); // profile was not granted
  });

  it('satisfies oauth4webapi (openid-client) token response and ID Token validation', async () => {
    const pkce = pkcePair();
    const code = await codeFor(confidential, { codeChallenge: pkce.challenge, nonce: 'interop-nonce' });
    // The client is of /acme: its issuer is /acme's (issue 20), with that issuer's own endpoints and JWKS.
    const issuer = `${t.issuer}/t/acme`;
    const as: oauth.AuthorizationServer = { issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/.well-known/jwks.json` };
    const rp: oauth.Client = { client_id: confidential.clientId };
    const callback = oauth.validateAuthResponse(
      as,
      rp,
      new URL(`${REDIRECT}?code=${code}&iss=${encodeURIComponent(issuer)}`),
      oauth.expectNoState,
    );
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      rp,
      oauth.ClientSecretBasic(confidential.clientSecret!),
      callback,
      REDIRECT,
      pkce.verifier,
      {
        [oauth.allowInsecureRequests]: true,
      },
    );
    const result = await oauth.processAuthorizationCodeResponse(as, rp, response, { expectedNonce: 'interop-nonce', requireIdToken: true });
    expect(result.token_type).toBe('bearer');
    expect(oauth.getValidatedIdTokenClaims(result)).toMatchObject({ sub: user.id, nonce: 'interop-nonce', aud: confidential.clientId });
  });

  it('serves public clients (no secret) with PKCE and refuses their codes without a challenge', async () => {
    const pkce = pkcePair();
    const ok = await redeem(
      publicClient,
      { code: await codeFor(publicClient, { codeChallenge: pkce.challenge }), code_verifier: pkce.verifier },
      null,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.refresh_token).toEqual(expect.any(String));

    const noChallenge = await redeem(publicClient, { code: await codeFor(publicClient) }, null);
    expect(noChallenge.status).toBe(400);
    expect(noChallenge.body.error).toBe('invalid_grant');
  });

  it('issues a refresh token for OIDC requests only with offline_access, and no ID Token without openid', async () => {
    const oidc = await redeem(confidential, { code: await codeFor(confidential, { scopes: ['openid', 'profile'] }) });
    expect(oidc.status).toBe(200);
    expect(oidc.body.refresh_token).toBeUndefined();
    expect(oidc.body.id_token).toEqual(expect.any(String));
    expect(decodeJwt(oidc.body.id_token!)).toMatchObject({
      given_name: 'Ada',
      family_name: 'Lovelace',
      name: 'Ada Lovelace',
      preferred_username: user.username,
    });

    const plain = await redeem(confidential, { code: await codeFor(confidential, { scopes: ['username', 'email'] }) });
    expect(plain.status).toBe(200);
    expect(plain.body.refresh_token).toEqual(expect.any(String));
    expect(plain.body.id_token).toBeUndefined();
    expect(plain.body.scope).toBe('username email');
  });

  it('honours a lower access-token-lifetime', async () => {
    const res = await redeem(confidential, { code: await codeFor(confidential), 'access-token-lifetime': '300' });
    expect(res.body.expires_in).toBe(300);
  });

  it('answers 401 invalid_client for a wrong secret and for a disabled client', async () => {
    const code = await codeFor(confidential);
    const wrong = await redeem(confidential, { code }, 'not-the-secret-not-the-secret');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');

    const disabled = await createClient(domain, {
      tenantPath: '/acme',
      redirectUris: [REDIRECT],
      allowedScopes: ['openid'],
      grantTypes: ['authorization_code'],
    });
    const disabledCode = await codeFor(disabled, { scopes: ['openid'] });
    await setClientEnabled(domain, disabled.clientId, false);
    const res = await redeem(disabled, { code: disabledCode });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses a code of another client, without spending it', async () => {
    const code = await codeFor(confidential);
    const other = await createClient(domain, {
      tenantPath: '/acme',
      redirectUris: [REDIRECT],
      allowedScopes: ['openid'],
      grantTypes: ['authorization_code'],
    });
    const stolen = await redeem(other, { code });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await redeem(confidential, { code })).status).toBe(200);
  });

  it('requires redirect_uri and refuses one that differs from the authorization request', async () => {
    const code = await codeFor(confidential);
    const missing = await postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'authorization_code', code },
      { authorization: basic(confidential.clientId, confidential.clientSecret!) },
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    for (const redirect_uri of ['https://app.example.com/cb/', 'https://app.example.com/other', 'https://APP.example.com/cb']) {
      const res = await redeem(confidential, { code, redirect_uri });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }
    expect((await redeem(confidential, { code })).status).toBe(200);
  });

  it('refuses a missing, wrong or unexpected code_verifier with invalid_grant', async () => {
    const pkce = pkcePair();
    const code = await codeFor(confidential, { codeChallenge: pkce.challenge });
    for (const form of [{}, { code_verifier: pkcePair().verifier }, { code_verifier: 'short' }] as Record<string, string>[]) {
      const res = await redeem(confidential, { code, ...form });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }
    const unbound = await redeem(confidential, { code: await codeFor(confidential), code_verifier: pkce.verifier });
    expect(unbound.status).toBe(400);
    expect(unbound.body.error).toBe('invalid_grant');
    expect((await redeem(confidential, { code, code_verifier: pkce.verifier })).status).toBe(200);
  });

  it('refuses a replayed code and revokes the access and refresh tokens of its first redemption', async () => {
    const code = await codeFor(confidential);
    const first = await redeem(confidential, { code });
    expect(first.status).toBe(200);
    expect(await domain.accessTokens.inspect(first.body.access_token)).not.toBeNull();

    const replay = await redeem(confidential, { code });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');

    expect(await domain.accessTokens.inspect(first.body.access_token)).toBeNull();
    const refreshed = await refresh(confidential, first.body.refresh_token!);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    const { jti } = decodeJwt(first.body.access_token);
    const [row] = await t.server.orm.em
      .fork()
      .getConnection()
      .execute<{ count: string }[]>('select count(*) from revoked_tokens where jti = ?', [jti]);
    expect(Number(row!.count)).toBe(1);
  });

  it('lets exactly one of two concurrent redemptions win, and then revokes the winner too', async () => {
    const code = await codeFor(confidential);
    const results = await Promise.all([redeem(confidential, { code }), redeem(confidential, { code })]);
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.find((r) => r.status !== 200)!.body.error).toBe('invalid_grant');
    expect(await domain.accessTokens.inspect(winners[0]!.body.access_token)).toBeNull();
  });

  it('refuses an expired code (60 s) and an unknown one', async () => {
    const code = await codeFor(confidential);
    clock.advance(61);
    const expired = await redeem(confidential, { code });
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe('invalid_grant');
    clock.reset();

    const unknown = await redeem(confidential, { code: 'no-such-code' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_grant');
  });

  it('refuses the code of a user disabled since sign-in', async () => {
    const other = await createUser(domain, '/acme');
    const code = await codeFor(confidential, { userId: other.id });
    await setUserEnabled(domain, other.id, false);
    const res = await redeem(confidential, { code });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('signs with the tenant key: ES256 ID Tokens carry a SHA-256 at_hash', async () => {
    const es = await ensureTenant(domain, '/es', 'ES256');
    const esUser = await createUser(domain, '/es');
    const esClient = await createClient(domain, {
      tenantPath: '/es',
      redirectUris: [REDIRECT],
      allowedScopes: ['openid'],
      grantTypes: ['authorization_code'],
    });
    const code = await createAuthorizationCode(domain, t.server.orm, {
      tenantId: es.id,
      clientId: esClient.clientId,
      userId: esUser.id,
      redirectUri: REDIRECT,
      scopes: ['openid'],
    });
    const res = await redeem(esClient, { code });
    expect(res.status).toBe(200);
    expect(decodeProtectedHeader(res.body.access_token).alg).toBe('ES256');
    const { payload, protectedHeader } = await verifyIdToken(t.url, `${t.issuer}/t/es`, res.body.id_token!, esClient.clientId);
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.at_hash).toBe(expectedAtHash(res.body.access_token, 'ES256'));
    expect(payload.tenant).toBe('/es');
  });
});
