import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { createCodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, createTestTenant, type TestClient } from '../fixtures/token-clients';
import { FetchBrowser, hiddenFields, queryOf } from '../support/browser';
import { basic, postForm, type FormResponse } from '../support/oauth';
import { startServerPair } from '../support/server-pair';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

/** A DPoP key of the test's own, to sign proofs by hand (also the malformed ones openid-client never makes). */
interface ProofKey {
  privateKey: CryptoKey | import('node:crypto').KeyObject;
  jwk: JWK;
  jkt: string;
}

async function proofKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface ProofClaims {
  htm: string;
  htu: string;
  ath?: string;
  nonce?: string;
  iat?: number;
  jti?: string;
}

async function proof(key: ProofKey, claims: ProofClaims, header: Record<string, unknown> = {}): Promise<string> {
  const { iat = Math.floor(Date.now() / 1000), jti = randomUUID(), ...rest } = claims;
  return new SignJWT({ ...rest, jti, iat })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk, ...header })
    .sign(key.privateKey);
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** RFC 9449 §7.1: a protected resource's refusal in the DPoP scheme. */
const DPOP_CHALLENGE = (error: string) => new RegExp(`^DPoP algs="ES256 RS256 PS256 EdDSA", error="${error}"`);

/**
 * Issue 21 item 4: DPoP (RFC 9449) at the root and every tenant issuer. openid-client 6's DPoP
 * handle binds client_credentials, code and refresh tokens to its key and presents them at
 * userinfo; hand-made proofs check each refusal: the proof's own checks (§4.3), single use
 * across processes (§11.1), the binding of codes (§10), refresh tokens (§5) and access tokens
 * (§7.1), and the nonce (§8). Before this change the DPoP header was ignored: tokens came back
 * `Bearer`, unbound, and every refusal below was a success.
 */
describe('DPoP', () => {
  let t: TestServer;
  const segment = 'dpop';
  let issuer: string;
  let service: TestClient;
  let serviceConfig: oidc.Configuration;

  const discover = (client: { clientId: string; clientSecret: string | null }, at = issuer) =>
    oidc.discovery(
      new URL(at),
      client.clientId,
      client.clientSecret ?? undefined,
      client.clientSecret ? oidc.ClientSecretBasic(client.clientSecret) : oidc.None(),
      { execute: [oidc.allowInsecureRequests] },
    );

  beforeAll(async () => {
    t = await startTestServer();
    issuer = `${t.issuer}/t/${segment}`;
    await createTestTenant(t.server.app.domain, `/${segment}`);
    service = await createTestClient(t.server.app.domain, `/${segment}`);
    serviceConfig = await discover(service);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A client_credentials request to `url` with the given DPoP header (several as repeated headers arrive: joined by a comma). */
  const tokenRequest = (url: string, client: TestClient, dpop?: string | string[]) =>
    postForm(
      url,
      { grant_type: 'client_credentials' },
      {
        authorization: basic(client.clientId, client.clientSecret!),
        ...(dpop === undefined ? {} : { dpop: Array.isArray(dpop) ? dpop.join(', ') : dpop }),
      },
    );

  it('discovery lists dpop_signing_alg_values_supported at the root and at a tenant issuer', async () => {
    expect(serviceConfig.serverMetadata().dpop_signing_alg_values_supported).toEqual(['ES256', 'RS256', 'PS256', 'EdDSA']);
    const root = await (await fetch(`${t.url}/.well-known/openid-configuration`)).json();
    expect(root.dpop_signing_alg_values_supported).toEqual(['ES256', 'RS256', 'PS256', 'EdDSA']);
  });

  it('client_credentials with openid-client’s DPoP handle: a DPoP token bound to the key, introspected with cnf', async () => {
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    const tokens = await oidc.clientCredentialsGrant(
      serviceConfig,
      { scope: 'email' },
      { DPoP: oidc.getDPoPHandle(serviceConfig, keyPair) },
    );
    expect(tokens.token_type).toBe('dpop');
    expect(payloadOf(tokens.access_token)).toMatchObject({ cnf: { jkt }, iss: issuer });
    expect(await oidc.tokenIntrospection(serviceConfig, tokens.access_token)).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt },
    });
    // A plain request still gets a bearer token, unbound.
    const plain = await oidc.clientCredentialsGrant(serviceConfig, { scope: 'email' });
    expect(plain.token_type).toBe('bearer');
    expect(payloadOf(plain.access_token).cnf).toBeUndefined();
  });

  it('at the root issuer too, with a proof for {ISSUER}/token', async () => {
    const root = await createTestClient(t.server.app.domain, '/');
    const key = await proofKey();
    const response = await tokenRequest(`${t.url}/token`, root, await proof(key, { htm: 'POST', htu: `${t.issuer}/token` }));
    expect(response.status).toBe(200);
    expect(response.body.token_type).toBe('DPoP');
    expect(payloadOf(response.body.access_token as string).cnf).toEqual({ jkt: key.jkt });
  });

  describe('refuses a proof at the token endpoint with 400 invalid_dpop_proof', () => {
    const refusal = async (response: FormResponse, why: RegExp) => {
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_dpop_proof');
      expect(response.body.error_description).toMatch(why);
      expect(response.body.error_description).not.toMatch(/"/);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('no-store');
    };
    const htu = () => `${issuer}/token`;
    const url = () => `${t.url}/t/${segment}/token`;

    it('wrong htm', async () => {
      const key = await proofKey();
      await refusal(await tokenRequest(url(), service, await proof(key, { htm: 'GET', htu: htu() })), /htm/);
    });
    it('wrong htu (another issuer’s token endpoint)', async () => {
      const key = await proofKey();
      await refusal(await tokenRequest(url(), service, await proof(key, { htm: 'POST', htu: `${t.issuer}/token` })), /htu/);
    });
    it('stale iat', async () => {
      const key = await proofKey();
      const iat = Math.floor(Date.now() / 1000) - 120;
      await refusal(await tokenRequest(url(), service, await proof(key, { htm: 'POST', htu: htu(), iat })), /iat/);
    });
    it('a replayed jti', async () => {
      const key = await proofKey();
      const once = await proof(key, { htm: 'POST', htu: htu() });
      expect((await tokenRequest(url(), service, once)).status).toBe(200);
      await refusal(await tokenRequest(url(), service, once), /already been used/);
    });
    it('alg none and HS256', async () => {
      const key = await proofKey();
      const claims = b64({ htm: 'POST', htu: htu(), jti: randomUUID(), iat: Math.floor(Date.now() / 1000) });
      const none = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })}.${claims}.`;
      await refusal(await tokenRequest(url(), service, none), /one compact JWS|alg/);
      const hs = `${b64({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk })}.${claims}.${Buffer.from('mac').toString('base64url')}`;
      await refusal(await tokenRequest(url(), service, hs), /alg/);
    });
    it('a private key in jwk', async () => {
      const key = await proofKey();
      const withPrivate = { ...key, jwk: await exportJWK(key.privateKey) };
      await refusal(await tokenRequest(url(), service, await proof(withPrivate, { htm: 'POST', htu: htu() })), /public key/);
    });
    it('a wrong typ, a signature by another key, two DPoP headers', async () => {
      const key = await proofKey();
      const other = await proofKey();
      await refusal(await tokenRequest(url(), service, await proof(key, { htm: 'POST', htu: htu() }, { typ: 'JWT' })), /typ/);
      await refusal(await tokenRequest(url(), service, await proof({ ...other, jwk: key.jwk }, { htm: 'POST', htu: htu() })), /signature/);
      const two = [await proof(key, { htm: 'POST', htu: htu() }), await proof(key, { htm: 'POST', htu: htu() })];
      await refusal(await tokenRequest(url(), service, two), /exactly one/);
    });
  });

  it('a client registered with dpopBoundAccessTokens must send a proof: invalid_request without one', async () => {
    const bound = await createTestClient(t.server.app.domain, `/${segment}`, 'service', { dpopBoundAccessTokens: true });
    const refused = await tokenRequest(`${t.url}/t/${segment}/token`, bound);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/DPoP proof/) });
    const key = await proofKey();
    const ok = await tokenRequest(`${t.url}/t/${segment}/token`, bound, await proof(key, { htm: 'POST', htu: `${issuer}/token` }));
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('DPoP');
  });

  describe('the code flow of a public client, with dpop_jkt, refresh and userinfo', () => {
    let app: { clientId: string; redirectUri: string };
    let appConfig: oidc.Configuration;
    let user: Awaited<ReturnType<typeof createTestUser>>;

    beforeAll(async () => {
      const { domain } = t.server.app;
      const created = await createCodeFlowClient(domain, { tenantPath: `/${segment}`, isPublic: true, firstParty: true });
      app = created;
      appConfig = await discover({ clientId: created.clientId, clientSecret: null });
      user = await createTestUser(domain, `/${segment}`);
    });

    /** Signs in on the tenant issuer's hosted pages; the callback URL with the code. */
    async function authorize(extra: Record<string, string>, verifier: string): Promise<URL> {
      const url = oidc.buildAuthorizationUrl(appConfig, {
        redirect_uri: app.redirectUri,
        scope: 'openid profile offline_access',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...extra,
      });
      const browser = new FetchBrowser(t.url);
      const signIn = await browser.get(url.toString());
      expect(signIn.status).toBe(200);
      const next = await browser.post(`/t/${segment}/authorize/login`, {
        ...hiddenFields(signIn.body),
        username: user.username,
        password: user.password,
      });
      const callback = next.location
        ? next
        : await browser.post(`/t/${segment}/authorize/consent`, { ...hiddenFields(next.body), decision: 'allow' });
      expect(queryOf(callback.location).code).toEqual(expect.any(String));
      return new URL(callback.location!);
    }

    it('binds code, access and refresh tokens to the key; userinfo with the DPoP handle; refresh only with that key', async () => {
      const keyPair = await oidc.randomDPoPKeyPair('ES256');
      const dpop = oidc.getDPoPHandle(appConfig, keyPair);
      const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
      const verifier = oidc.randomPKCECodeVerifier();
      const callback = await authorize({ dpop_jkt: jkt }, verifier);
      const tokens = await oidc.authorizationCodeGrant(appConfig, callback, { pkceCodeVerifier: verifier }, undefined, { DPoP: dpop });
      expect(tokens.token_type).toBe('dpop');
      expect(payloadOf(tokens.access_token).cnf).toEqual({ jkt });

      const claims = await oidc.fetchUserInfo(appConfig, tokens.access_token, user.user.id, { DPoP: dpop });
      expect(claims).toMatchObject({ sub: user.user.id, preferred_username: user.username });

      // §5: a public client's refresh token is bound: another key, or none, is invalid_grant.
      const otherDpop = oidc.getDPoPHandle(appConfig, await oidc.randomDPoPKeyPair('ES256'));
      await expect(oidc.refreshTokenGrant(appConfig, tokens.refresh_token!, undefined, { DPoP: otherDpop })).rejects.toMatchObject({
        error: 'invalid_grant',
        status: 400,
      });
      await expect(oidc.refreshTokenGrant(appConfig, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      const refreshed = await oidc.refreshTokenGrant(appConfig, tokens.refresh_token!, undefined, { DPoP: dpop });
      expect(refreshed.token_type).toBe('dpop');
      expect(payloadOf(refreshed.access_token).cnf).toEqual({ jkt });
      // The successor stays bound.
      await expect(oidc.refreshTokenGrant(appConfig, refreshed.refresh_token!, undefined, { DPoP: otherDpop })).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('a code requested with dpop_jkt redeems only with a proof of that key', async () => {
      const jkt = (await proofKey()).jkt;
      const verifier = oidc.randomPKCECodeVerifier();
      const callback = await authorize({ dpop_jkt: jkt }, verifier);
      const otherDpop = oidc.getDPoPHandle(appConfig, await oidc.randomDPoPKeyPair('ES256'));
      await expect(
        oidc.authorizationCodeGrant(appConfig, callback, { pkceCodeVerifier: verifier }, undefined, { DPoP: otherDpop }),
      ).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/dpop_jkt/) });
    });

    it('a malformed dpop_jkt is refused at /authorize', async () => {
      const url = oidc.buildAuthorizationUrl(appConfig, {
        redirect_uri: app.redirectUri,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        dpop_jkt: 'not-a-thumbprint',
      });
      const answer = await new FetchBrowser(t.url).get(url.toString());
      expect(queryOf(answer.location)).toMatchObject({ error: 'invalid_request' });
    });

    describe('userinfo refuses', () => {
      let token: string;
      let key: ProofKey;
      let bearerToken: string;
      const userinfo = () => `${t.url}/t/${segment}/userinfo`;
      const htu = () => `${issuer}/userinfo`;

      beforeAll(async () => {
        // Password-less: a code flow token bound to a key of the test's own.
        key = await proofKey();
        const verifier = oidc.randomPKCECodeVerifier();
        const callback = await authorize({}, verifier);
        const redeemed = await postForm(
          `${t.url}/t/${segment}/token`,
          {
            grant_type: 'authorization_code',
            client_id: app.clientId,
            code: queryOf(callback.toString()).code!,
            redirect_uri: app.redirectUri,
            code_verifier: verifier,
          },
          { dpop: await proof(key, { htm: 'POST', htu: `${issuer}/token` }) },
        );
        expect(redeemed.status).toBe(200);
        token = redeemed.body.access_token as string;
        const verifier2 = oidc.randomPKCECodeVerifier();
        const plain = await oidc.authorizationCodeGrant(appConfig, await authorize({}, verifier2), { pkceCodeVerifier: verifier2 });
        bearerToken = plain.access_token;
      });

      const get = (authorization: string, dpop?: string) => fetch(userinfo(), { headers: { authorization, ...(dpop ? { dpop } : {}) } });

      it('accepts the token with a proof of its key (GET and POST)', async () => {
        const got = await get(`DPoP ${token}`, await proof(key, { htm: 'GET', htu: htu(), ath: ath(token) }));
        expect(got.status).toBe(200);
        const posted = await fetch(userinfo(), {
          method: 'POST',
          headers: { authorization: `DPoP ${token}`, dpop: await proof(key, { htm: 'POST', htu: htu(), ath: ath(token) }) },
        });
        expect(posted.status).toBe(200);
      });

      it('the DPoP-bound token presented as Bearer: 401 invalid_token with a DPoP challenge', async () => {
        const response = await get(`Bearer ${token}`);
        expect(response.status).toBe(401);
        expect((await response.json()).error).toBe('invalid_token');
        expect(response.headers.get('www-authenticate')).toMatch(DPOP_CHALLENGE('invalid_token'));
      });

      it('an ath for another token: 401 invalid_dpop_proof', async () => {
        const response = await get(`DPoP ${token}`, await proof(key, { htm: 'GET', htu: htu(), ath: ath(bearerToken) }));
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringMatching(/ath/) });
        expect(response.headers.get('www-authenticate')).toMatch(DPOP_CHALLENGE('invalid_dpop_proof'));
      });

      it('a proof of another key: 401 invalid_token', async () => {
        const other = await proofKey();
        const response = await get(`DPoP ${token}`, await proof(other, { htm: 'GET', htu: htu(), ath: ath(token) }));
        expect(response.status).toBe(401);
        expect((await response.json()).error).toBe('invalid_token');
        expect(response.headers.get('www-authenticate')).toMatch(DPOP_CHALLENGE('invalid_token'));
      });

      it('a bearer token presented with the DPoP scheme: 401 invalid_token', async () => {
        const response = await get(`DPoP ${bearerToken}`, await proof(key, { htm: 'GET', htu: htu(), ath: ath(bearerToken) }));
        expect(response.status).toBe(401);
        expect((await response.json()).error).toBe('invalid_token');
        expect(response.headers.get('www-authenticate')).toMatch(DPOP_CHALLENGE('invalid_token'));
        // As Bearer it still works.
        expect((await get(`Bearer ${bearerToken}`)).status).toBe(200);
      });

      it('the DPoP scheme without a proof, and a replayed proof', async () => {
        const missing = await get(`DPoP ${token}`);
        expect(missing.status).toBe(401);
        expect(missing.headers.get('www-authenticate')).toMatch(DPOP_CHALLENGE('invalid_dpop_proof'));
        const once = await proof(key, { htm: 'GET', htu: htu(), ath: ath(token) });
        expect((await get(`DPoP ${token}`, once)).status).toBe(200);
        const replayed = await get(`DPoP ${token}`, once);
        expect(replayed.status).toBe(401);
        expect(await replayed.json()).toMatchObject({
          error: 'invalid_dpop_proof',
          error_description: expect.stringMatching(/already been used/),
        });
      });

      it('introspection describes the bound token', async () => {
        // RFC 9449 §6.2: token_type DPoP and the key's thumbprint, to the tenant's resource server and to the app itself.
        const described = { active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } };
        expect(await oidc.tokenIntrospection(serviceConfig, token)).toMatchObject(described);
        expect(await oidc.tokenIntrospection(appConfig, token)).toMatchObject(described);
      });
    });
  });

  describe('the admin GraphQL API', () => {
    const graphql = (authorization: string, dpop?: string) =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization, ...(dpop ? { dpop } : {}) },
        body: JSON.stringify({ query: '{ me { clientId } }' }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } }));

    it('accepts a DPoP-bound admin token with a proof and refuses it as Bearer', async () => {
      const key = await proofKey();
      const issued = await postForm(
        `${t.url}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET), dpop: await proof(key, { htm: 'POST', htu: `${t.issuer}/token` }) },
      );
      expect(issued.status).toBe(200);
      const token = issued.body.access_token as string;
      const withProof = await graphql(`DPoP ${token}`, await proof(key, { htm: 'POST', htu: `${t.issuer}/graphql`, ath: ath(token) }));
      expect(withProof.body).toEqual({ data: { me: { clientId: ADMIN_CLIENT_ID } } });
      const asBearer = await graphql(`Bearer ${token}`);
      expect(asBearer.body.data ?? null).toBeNull();
      expect(asBearer.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
      const wrongHtu = await graphql(`DPoP ${token}`, await proof(key, { htm: 'POST', htu: `${t.issuer}/other`, ath: ath(token) }));
      expect(wrongHtu.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    });
  });
});

describe('DPoP with DPOP_REQUIRE_NONCE=true', () => {
  let t: TestServer;
  let service: TestClient;
  let config: oidc.Configuration;
  /** Every response openid-client received: status, DPoP-Nonce, and the error. */
  const seen: { status: number; nonce: string | null; error?: string }[] = [];

  beforeAll(async () => {
    t = await startTestServer({ env: { DPOP_REQUIRE_NONCE: 'true' } });
    service = await createTestClient(t.server.app.domain, '/');
    config = await oidc.discovery(
      new URL(t.issuer),
      service.clientId,
      service.clientSecret!,
      oidc.ClientSecretBasic(service.clientSecret!),
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    config[oidc.customFetch] = async (url, options) => {
      const response = await fetch(url, options as RequestInit);
      const error = response.status >= 400 ? ((await response.clone().json()) as { error?: string }).error : undefined;
      seen.push({ status: response.status, nonce: response.headers.get('dpop-nonce'), error });
      return response;
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('demands a nonce (400 use_dpop_nonce with DPoP-Nonce), which openid-client retries with', async () => {
    const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'email' }, { DPoP: dpop });
    expect(tokens.token_type).toBe('dpop');
    expect(seen).toEqual([
      { status: 400, nonce: expect.any(String), error: 'use_dpop_nonce' },
      { status: 200, nonce: seen[0]!.nonce, error: undefined },
    ]);
    // The nonce is kept: the next request succeeds at once.
    seen.length = 0;
    await oidc.clientCredentialsGrant(config, { scope: 'email' }, { DPoP: dpop });
    expect(seen.map((entry) => entry.status)).toEqual([200]);
  });

  it('refuses a proof without nonce, or with a nonce of its own, with the current nonce in DPoP-Nonce', async () => {
    const key = await proofKey();
    const request = async (nonce?: string) =>
      postForm(
        `${t.url}/token`,
        { grant_type: 'client_credentials' },
        {
          authorization: basic(service.clientId, service.clientSecret!),
          dpop: await proof(key, { htm: 'POST', htu: `${t.issuer}/token`, nonce }),
        },
      );
    const missing = await request();
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('use_dpop_nonce');
    const nonce = missing.headers.get('dpop-nonce')!;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const made = await request('made-up');
    expect(made.body.error).toBe('use_dpop_nonce');
    expect(made.headers.get('dpop-nonce')).toBe(nonce);
    const good = await request(nonce);
    expect(good.status).toBe(200);
    expect(good.headers.get('dpop-nonce')).toBe(nonce);
  });
});

describe('DPoP proof jti across processes', () => {
  let pair: Awaited<ReturnType<typeof startServerPair>>;

  beforeAll(async () => {
    pair = await startServerPair();
  });
  afterAll(async () => {
    await pair?.first.close();
    await pair?.second.close();
  });

  it('a proof used at one process is refused at the other; a nonce of one is accepted by the other', async () => {
    const client = await createTestClient(pair.first.server.app.domain, '/');
    const key = await proofKey();
    // Both processes answer for the one ISSUER, whatever address the request reached.
    const once = await proof(key, { htm: 'POST', htu: 'https://idp.example.test/token' });
    const send = (server: TestServer, dpop: string) =>
      postForm(
        `${server.url}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basic(client.clientId, client.clientSecret!), dpop },
      );
    expect((await send(pair.first, once)).status).toBe(200);
    const replayed = await send(pair.second, once);
    expect(replayed.status).toBe(400);
    expect(replayed.body).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringMatching(/already been used/) });
    // A nonce the first would issue is accepted by the second (stateless, from the shared secret): sent without requiring.
    const nonce = (await startlessNonce(pair.first)) ?? '';
    const withNonce = await send(pair.second, await proof(key, { htm: 'POST', htu: 'https://idp.example.test/token', nonce }));
    expect(withNonce.status).toBe(200);
  });
});

/** The current nonce of a server, read from a use_dpop_nonce answer to a proof with a made-up nonce. */
async function startlessNonce(server: TestServer): Promise<string | null> {
  const client = await createTestClient(server.server.app.domain, '/');
  const key = await proofKey();
  const answer = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials' },
    {
      authorization: basic(client.clientId, client.clientSecret!),
      dpop: await proof(key, { htm: 'POST', htu: 'https://idp.example.test/token', nonce: 'made-up' }),
    },
  );
  expect(answer.body.error).toBe('use_dpop_nonce');
  return answer.headers.get('dpop-nonce');
}
