import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { createTestTenant } from '../fixtures/token-clients';
import type { CreateClientInput } from '../../src/domain/clients/client.service';
import { rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, type PageResponse } from '../support/browser';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { basic, postForm } from '../support/oauth';
import { startServerPair } from '../support/server-pair';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const PAR_URN = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9._-]+$/;
/** RFC 6749 §5.2: error_description characters. */
const DESCRIPTION_CHARACTERS = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

async function keyPair(alg = 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { privateKey, kid, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

interface JarClient extends CodeFlowClient {
  keys: KeyPair;
}

/** A confidential code-flow client (client_secret_basic) that registered an ES256 key for its request objects. */
async function jarClient(t: TestServer, tenantPath: string, redirectUri: string, overrides: Partial<CreateClientInput> = {}) {
  const keys = await keyPair();
  const client = await createCodeFlowClient(t.server.app.domain, {
    tenantPath,
    redirectUris: [redirectUri],
    jwks: JSON.stringify({ keys: [keys.publicJwk] }),
    ...overrides,
  });
  return { ...client, keys } as JarClient;
}

/** The authorization parameters of a code request by `client`. */
const codeParams = (client: CodeFlowClient, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  client_id: client.clientId,
  response_type: 'code',
  redirect_uri: client.redirectUri,
  scope: 'openid email',
  state: 'inner',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  ...extra,
});

/**
 * A request object (RFC 9101) signed with `key` (ES256 unless told): the code request of `client`
 * with iss, aud, iat, nbf, exp and jti; `claims` override, or remove (undefined), any of them.
 */
async function requestObject(
  client: JarClient,
  aud: string,
  claims: Record<string, unknown> = {},
  options: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    ...codeParams(client),
    iss: client.clientId,
    aud,
    iat: now,
    nbf: now,
    exp: now + 60,
    jti: randomUUID(),
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? client.keys.kid, typ: 'oauth-authz-req+jwt' })
    .sign(options.key ?? client.keys.privateKey);
}

/** An unsigned request object (`alg: none`). */
const unsigned = (payload: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

const authorizeUrl = (authorize: string, params: Record<string, string>) => `${authorize}?${new URLSearchParams(params)}`;

/** An error page: 400, no redirect, the error code on the page. */
function expectErrorPage(answer: PageResponse, error: string): void {
  expect([answer.status, answer.location]).toEqual([400, null]);
  expect(answer.body).toContain(error);
}

/** An error redirected to `redirectUri` with `state`. */
function expectRedirectError(answer: PageResponse, redirectUri: string, error: string, state: string | null, issuer: string): void {
  expect(answer.status).toBe(302);
  const location = new URL(answer.location!);
  expect(location.origin + location.pathname).toBe(redirectUri);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('state')).toBe(state);
  expect(location.searchParams.get('iss')).toBe(issuer);
  expect(location.searchParams.get('error_description')).toMatch(DESCRIPTION_CHARACTERS);
}

const push = (parUrl: string, client: CodeFlowClient, params: Record<string, string>) =>
  postForm<{ request_uri?: string; expires_in?: number; error?: string; error_description?: string }>(parUrl, params, {
    authorization: basic(client.clientId, client.clientSecret!),
  });

/**
 * Issue 21 item 5: JWT-Secured Authorization Requests (RFC 9101) at the root and every tenant
 * issuer. Before this change every `request` parameter was refused (request_not_supported), and
 * discovery said request_parameter_supported: false.
 */
describe('JWT-secured authorization requests (RFC 9101)', () => {
  let t: TestServer;
  let browser: Browser;
  let callback: CallbackServer;
  const issuerOf = (segment: string) => `${t.issuer}/t/${segment}`;
  const authorizeAt = (segment: string) => `${t.url}/t/${segment}/authorize`;

  beforeAll(async () => {
    [t, callback] = await Promise.all([startTestServer(), startCallbackServer()]);
    browser = await launchChromium();
    await createTestTenant(t.server.app.domain, '/jar');
    await createTestTenant(t.server.app.domain, '/other');
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
  });

  /** Signs in and allows in Chromium from `url`; the URL the browser lands on at the client. */
  async function completeInBrowser(url: URL, issuer: string, user: { username: string; password: string }, redirectUri: string) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url.toString());
      await page.fill('input[name="username"]', user.username);
      await page.fill('input[name="password"]', user.password);
      await Promise.all([page.waitForURL(`${issuer}/authorize/login`), page.click('button[type="submit"]')]);
      await Promise.all([
        page.waitForURL((target) => target.toString().startsWith(redirectUri)),
        page.getByRole('button', { name: 'Allow' }).click(),
      ]);
      return new URL(page.url());
    } finally {
      await context.close();
    }
  }

  async function openidClient(client: JarClient, issuer: string) {
    return oidc.discovery(new URL(issuer), client.clientId, client.clientSecret!, oidc.ClientSecretBasic(client.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
  }

  it('runs the code flow with openid-client buildAuthorizationUrlWithJAR in Chromium; the same object again is refused', async () => {
    const issuer = issuerOf('jar');
    const app = await jarClient(t, '/jar', callback.url);
    const user = await createTestUser(t.server.app.domain, '/jar');
    const config = await openidClient(app, issuer);
    expect(config.serverMetadata()).toMatchObject({
      request_parameter_supported: true,
      request_uri_parameter_supported: false,
      request_object_signing_alg_values_supported: expect.arrayContaining(['RS256', 'PS256', 'ES256', 'EdDSA']),
    });
    expect(config.serverMetadata().request_object_signing_alg_values_supported).not.toContain('none');
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithJAR(
      config,
      {
        redirect_uri: app.redirectUri,
        scope: 'openid email',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      },
      { key: app.keys.privateKey, kid: app.keys.kid },
    );
    // RFC 9101 §5: only client_id and the request object travel in the URL.
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request']);
    expect(url.toString().startsWith(`${issuer}/authorize?`)).toBe(true);

    const landed = await completeInBrowser(url, issuer, user, app.redirectUri);
    const tokens = await oidc.authorizationCodeGrant(config, landed, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ iss: issuer, sub: user.user.id, aud: app.clientId, nonce });

    // Its jti is used: the same URL again is refused, by redirect with the object's own state (it is the client's).
    const again = await new FetchBrowser(t.url).get(url.toString().replace(t.issuer, t.url));
    expectRedirectError(again, app.redirectUri, 'invalid_request_object', state, issuer);
  });

  it('pushes a request object to /par (buildAuthorizationUrlWithPAR on the JAR-built parameters) and completes the flow', async () => {
    const issuer = issuerOf('jar');
    const app = await jarClient(t, '/jar', callback.url);
    const user = await createTestUser(t.server.app.domain, '/jar');
    const config = await openidClient(app, issuer);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const jar = await oidc.buildAuthorizationUrlWithJAR(
      config,
      {
        redirect_uri: app.redirectUri,
        scope: 'openid email',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
      },
      { key: app.keys.privateKey, kid: app.keys.kid },
    );
    const url = await oidc.buildAuthorizationUrlWithPAR(config, jar.searchParams);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(url.searchParams.get('request_uri')).toMatch(PAR_URN);
    const landed = await completeInBrowser(url, issuer, user, app.redirectUri);
    const tokens = await oidc.authorizationCodeGrant(config, landed, { pkceCodeVerifier: codeVerifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ iss: issuer, sub: user.user.id, aud: app.clientId });
  });

  it('uses only the parameters inside the object: those beside it are ignored (RFC 9101 §5), at /authorize and /par', async () => {
    const app = await jarClient(t, '/jar', callback.url);
    const issuer = issuerOf('jar');
    // Inside: prompt=none and scope openid email; outside: a scope the client may not use, another state and redirect_uri, prompt=login.
    const outside = {
      scope: 'openid admin',
      state: 'outer',
      prompt: 'login',
      redirect_uri: 'http://127.0.0.1:9/evil',
      response_type: 'token',
    };
    const request = await requestObject(app, issuer, { prompt: 'none' });
    const answer = await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), { ...outside, client_id: app.clientId, request }));
    // The object's prompt=none with no session: login_required, to its redirect_uri with its state.
    expectRedirectError(answer, app.redirectUri, 'login_required', 'inner', issuer);

    const pushed = await push(`${issuer}/par`, app, { ...outside, request: await requestObject(app, issuer, { prompt: 'none' }) });
    expect(pushed.status).toBe(201);
    const used = await new FetchBrowser(t.url).get(
      authorizeUrl(authorizeAt('jar'), { client_id: app.clientId, request_uri: pushed.body.request_uri! }),
    );
    expectRedirectError(used, app.redirectUri, 'login_required', 'inner', issuer);
  });

  it('shows an error page for an object whose signature cannot be trusted: alg none, HS256, an unknown key, a client without keys', async () => {
    const app = await jarClient(t, '/jar', callback.url);
    const keyless = (await createCodeFlowClient(t.server.app.domain, { tenantPath: '/jar', redirectUris: [callback.url] })) as JarClient;
    keyless.keys = app.keys;
    const issuer = issuerOf('jar');
    const stranger = await keyPair();
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, CodeFlowClient, string][] = [
      ['alg none', app, unsigned({ ...codeParams(app), iss: app.clientId, aud: issuer, exp: now + 60 })],
      [
        'HS256 with the client secret',
        app,
        await requestObject(app, issuer, {}, { alg: 'HS256', key: new TextEncoder().encode(app.clientSecret!) }),
      ],
      ['a key the client did not register', app, await requestObject(app, issuer, {}, { key: stranger.privateKey, kid: stranger.kid })],
      ['a key the client did not register, under its kid', app, await requestObject(app, issuer, {}, { key: stranger.privateKey })],
      ['a client without keys', keyless, await requestObject({ ...keyless, keys: app.keys }, issuer)],
      ['not a JWT', app, 'not-a-jwt'],
      ['an encrypted object', app, 'a.b.c.d.e'],
    ];
    for (const [name, client, request] of cases) {
      const answer = await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), { client_id: client.clientId, request }));
      expect([name, answer.status, answer.location]).toEqual([name, 400, null]);
      expect([name, answer.body.includes('invalid_request_object')]).toEqual([name, true]);
      // At /par: a 400 JSON error.
      const pushed = await push(`${issuer}/par`, client, { request });
      expect([name, pushed.status, pushed.body.error]).toEqual([name, 400, 'invalid_request_object']);
      expect(pushed.body.error_description).toMatch(DESCRIPTION_CHARACTERS);
      expect(pushed.headers.get('location')).toBeNull();
    }
  });

  it('redirects invalid_request_object, with the state inside, for a signed object refused for a claim', async () => {
    const app = await jarClient(t, '/jar', callback.url);
    const other = await jarClient(t, '/jar', callback.url);
    const issuer = issuerOf('jar');
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, unknown>][] = [
      ['aud another issuer', { aud: issuerOf('other') }],
      ['aud the root issuer', { aud: t.issuer }],
      ['no aud', { aud: undefined }],
      ['iss another client', { iss: other.clientId }],
      ['no iss', { iss: undefined }],
      ['client_id of another client inside', { client_id: other.clientId }],
      ['no client_id inside', { client_id: undefined }],
      ['expired', { iat: now - 300, nbf: now - 300, exp: now - 120 }],
      ['no exp', { exp: undefined }],
      ['not yet valid', { nbf: now + 300, exp: now + 360 }],
      ['expiring more than 10 minutes ahead', { iat: undefined, nbf: undefined, exp: now + 3600 }],
      ['a lifetime over 10 minutes', { iat: now - 590, nbf: now - 590, exp: now + 60 }],
      ['a request inside', { request: 'x' }],
      ['a request_uri inside', { request_uri: 'urn:ietf:params:oauth:request_uri:x' }],
    ];
    for (const [name, claims] of cases) {
      const request = await requestObject(app, issuer, { ...claims, state: name.replace(/ /g, '-') });
      const answer = await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), { client_id: app.clientId, request }));
      expect([name, answer.status]).toEqual([name, 302]);
      expectRedirectError(answer, app.redirectUri, 'invalid_request_object', name.replace(/ /g, '-'), issuer);
      const pushed = await push(`${issuer}/par`, app, { request: await requestObject(app, issuer, claims) });
      expect([name, pushed.status, pushed.body.error]).toEqual([name, 400, 'invalid_request_object']);
    }
    // A redirect_uri inside that the client did not register: nothing to redirect to, an error page.
    const unregistered = await requestObject(app, issuer, { redirect_uri: 'http://127.0.0.1:9/evil', exp: now - 120 });
    expectErrorPage(
      await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), { client_id: app.clientId, request: unregistered })),
      'invalid_request',
    );
  });

  it('uses a jti once: at /authorize, at /par, and across the two', async () => {
    const app = await jarClient(t, '/jar', callback.url);
    const issuer = issuerOf('jar');
    const request = await requestObject(app, issuer);
    const get = () => new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), { client_id: app.clientId, request }));
    expect((await get()).status).toBe(200);
    expectRedirectError(await get(), app.redirectUri, 'invalid_request_object', 'inner', issuer);
    const pushed = await push(`${issuer}/par`, app, { request });
    expect([pushed.status, pushed.body.error]).toEqual([400, 'invalid_request_object']);

    const fresh = await requestObject(app, issuer);
    expect((await push(`${issuer}/par`, app, { request: fresh })).status).toBe(201);
    expect((await push(`${issuer}/par`, app, { request: fresh })).body.error).toBe('invalid_request_object');
    // An object without jti is accepted (RFC 9101 does not require one), any number of times.
    const noJti = await requestObject(app, issuer, { jti: undefined });
    expect((await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), { client_id: app.clientId, request: noJti }))).status).toBe(
      200,
    );
    expect((await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), { client_id: app.clientId, request: noJti }))).status).toBe(
      200,
    );
  });

  it('refuses request together with request_uri (invalid_request), at /authorize and /par', async () => {
    const app = await jarClient(t, '/jar', callback.url);
    const issuer = issuerOf('jar');
    const request = await requestObject(app, issuer);
    const both = { client_id: app.clientId, request, request_uri: 'urn:ietf:params:oauth:request_uri:x' };
    expectErrorPage(await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), both)), 'invalid_request');
    const pushed = await push(`${issuer}/par`, app, both);
    expect([pushed.status, pushed.body.error]).toEqual([400, 'invalid_request']);
  });

  it('enforces requireSignedRequestObject (set through GraphQL) at /authorize and /par', async () => {
    const app = await jarClient(t, '/jar', callback.url);
    const issuer = issuerOf('jar');
    const sdk = await rootAdminSdk(t.url);
    const { updateClient } = await sdk.updateClient({ clientId: app.clientId, input: { requireSignedRequestObject: true } });
    expect(updateClient.requireSignedRequestObject).toBe(true);
    const plain = Object.fromEntries(Object.entries(codeParams(app)).map(([k, v]) => [k, String(v)]));
    // A plain request: its redirect_uri is registered, so the refusal is redirected.
    expectRedirectError(
      await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), plain)),
      app.redirectUri,
      'invalid_request',
      'inner',
      issuer,
    );
    const { client_id: _id, ...form } = plain;
    const pushedPlain = await push(`${issuer}/par`, app, form);
    expect([pushedPlain.status, pushedPlain.body.error]).toEqual([400, 'invalid_request']);
    // Signed: accepted at both.
    const signed = await requestObject(app, issuer);
    expect((await new FetchBrowser(t.url).get(authorizeUrl(authorizeAt('jar'), { client_id: app.clientId, request: signed }))).status).toBe(
      200,
    );
    const pushed = await push(`${issuer}/par`, app, { request: await requestObject(app, issuer) });
    expect(pushed.status).toBe(201);
    expect(
      (
        await new FetchBrowser(t.url).get(
          authorizeUrl(authorizeAt('jar'), { client_id: app.clientId, request_uri: pushed.body.request_uri! }),
        )
      ).status,
    ).toBe(200);

    // A client without keys cannot require signed request objects.
    const keyless = await createCodeFlowClient(t.server.app.domain, { tenantPath: '/jar', redirectUris: [callback.url] });
    await expect(sdk.updateClient({ clientId: keyless.clientId, input: { requireSignedRequestObject: true } })).rejects.toThrow(
      /requireSignedRequestObject|jwks/,
    );
  });

  it('works at the root issuer, where aud is the root issuer', async () => {
    const app = await jarClient(t, '/', callback.url);
    const request = await requestObject(app, t.issuer, { prompt: 'none' });
    const answer = await new FetchBrowser(t.url).get(authorizeUrl(`${t.url}/authorize`, { client_id: app.clientId, request }));
    expectRedirectError(answer, app.redirectUri, 'login_required', 'inner', t.issuer);
    const tenantAud = await requestObject(app, issuerOf('jar'));
    expectRedirectError(
      await new FetchBrowser(t.url).get(authorizeUrl(`${t.url}/authorize`, { client_id: app.clientId, request: tenantAud })),
      app.redirectUri,
      'invalid_request_object',
      'inner',
      t.issuer,
    );
    const pushed = await push(`${t.url}/par`, app, { request: await requestObject(app, t.issuer) });
    expect(pushed.status).toBe(201);
  });
});

describe('a request object jti across two server processes', () => {
  it('is used once: the second process refuses what the first accepted', async () => {
    const { first, second } = await startServerPair();
    try {
      await createTestTenant(first.server.app.domain, '/pair');
      const app = await jarClient(first, '/pair', 'https://app.example/cb');
      const issuer = `${first.server.app.domain.issuer}/t/pair`;
      const use = (server: TestServer, request: string) =>
        new FetchBrowser(server.url).get(authorizeUrl(`${server.url}/t/pair/authorize`, { client_id: app.clientId, request }));
      const request = await requestObject(app, issuer);
      expect((await use(first, request)).status).toBe(200);
      expectRedirectError(await use(second, request), app.redirectUri, 'invalid_request_object', 'inner', issuer);
      const next = await requestObject(app, issuer);
      expect((await use(second, next)).status).toBe(200);
      expectRedirectError(await use(first, next), app.redirectUri, 'invalid_request_object', 'inner', issuer);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
