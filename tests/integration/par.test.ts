import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { TestClock } from '../fixtures/test-clock';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, createTestTenant } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser } from '../support/browser';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { basic, postForm } from '../support/oauth';
import { startServerPair } from '../support/server-pair';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

const PAR_URN = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9._-]+$/;
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** Pushes an authorization request at `{issuer}/par` with client_secret_basic; the raw answer. */
const push = (parUrl: string, client: { clientId: string; clientSecret: string | null }, params: Record<string, string>) =>
  postForm<{ request_uri?: string; expires_in?: number; error?: string; error_description?: string }>(
    parUrl,
    params,
    client.clientSecret ? { authorization: basic(client.clientId, client.clientSecret) } : {},
  );

const codeRequest = (client: CodeFlowClient, extra: Record<string, string> = {}) => ({
  response_type: 'code',
  redirect_uri: client.redirectUri,
  scope: 'openid email',
  state: 'st',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  ...extra,
});

/** `{authorize}?client_id=…&request_uri=…`, relative to the server's reachable URL. */
const authorizeWith = (authorize: string, clientId: string, requestUri: string) =>
  `${authorize}?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`;

/**
 * Issue 21 item 3: RFC 9126 Pushed Authorization Requests at a tenant issuer (and the root).
 * Before this change `{I}/par` did not exist (404) and `/authorize` refused every request_uri
 * with request_uri_not_supported.
 */
describe('pushed authorization requests (RFC 9126)', () => {
  let t: TestServer;
  let browser: Browser;
  let callback: CallbackServer;
  const clock = new TestClock();
  const issuerOf = (segment: string) => `${t.issuer}/t/${segment}`;

  beforeAll(async () => {
    [t, callback] = await Promise.all([startTestServer({ clock }), startCallbackServer()]);
    browser = await launchChromium();
    await createTestTenant(t.server.app.domain, '/par');
    await createTestTenant(t.server.app.domain, '/other');
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
  });

  it('runs the code flow with openid-client buildAuthorizationUrlWithPAR in Chromium; the request_uri then works no more', async () => {
    const { domain } = t.server.app;
    const issuer = issuerOf('par');
    const app = await createCodeFlowClient(domain, { tenantPath: '/par', redirectUris: [callback.url] });
    const user = await createTestUser(domain, '/par');
    const config = await oidc.discovery(new URL(issuer), app.clientId, app.clientSecret!, oidc.ClientSecretBasic(app.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata()).toMatchObject({
      pushed_authorization_request_endpoint: `${issuer}/par`,
      require_pushed_authorization_requests: false,
      request_uri_parameter_supported: false,
    });
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: app.redirectUri,
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    // RFC 9126 §4: only client_id and request_uri travel through the browser.
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(url.searchParams.get('request_uri')).toMatch(PAR_URN);
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
      const tokens = await oidc.authorizationCodeGrant(config, landed, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      expect(tokens.claims()).toMatchObject({ iss: issuer, sub: user.user.id, aud: app.clientId });

      // Used once: the same URL again, even in the browser that used it, is an error page, never a redirect.
      const again = await page.goto(url.toString());
      expect(again?.status()).toBe(400);
      expect(await page.content()).toContain('invalid_request_uri');
      expect(page.url().startsWith(issuer)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('refuses an expired request_uri, and another client presenting it (which leaves it usable by its own client)', async () => {
    const { domain } = t.server.app;
    const [app, other] = await Promise.all([
      createCodeFlowClient(domain, { tenantPath: '/par', redirectUris: [callback.url] }),
      createCodeFlowClient(domain, { tenantPath: '/par', redirectUris: [callback.url] }),
    ]);
    const issuer = issuerOf('par');
    const authorize = `${t.url}/t/par/authorize`;

    const pushed = await push(`${issuer}/par`, app, codeRequest(app));
    expect(pushed.status).toBe(201);
    expect(pushed.headers.get('cache-control')).toBe('no-store');
    expect(pushed.body).toEqual({ request_uri: expect.stringMatching(PAR_URN), expires_in: 60 });
    const requestUri = pushed.body.request_uri!;

    const stolen = await new FetchBrowser(t.url).get(authorizeWith(authorize, other.clientId, requestUri));
    expect(stolen.status).toBe(400);
    expect(stolen.location).toBeNull();
    expect(stolen.body).toContain('invalid_request_uri');
    const own = await new FetchBrowser(t.url).get(authorizeWith(authorize, app.clientId, requestUri));
    expect(own.status).toBe(200);
    expect(own.body).toContain('name="password"');

    const late = await push(`${issuer}/par`, app, codeRequest(app));
    clock.advance(61);
    try {
      const expired = await new FetchBrowser(t.url).get(authorizeWith(authorize, app.clientId, late.body.request_uri!));
      expect(expired.status).toBe(400);
      expect(expired.location).toBeNull();
      expect(expired.body).toContain('invalid_request_uri');
    } finally {
      clock.reset();
    }
  });

  it('ignores the other query parameters of a request with a request_uri (RFC 9126 §4)', async () => {
    const app = await createCodeFlowClient(t.server.app.domain, { tenantPath: '/par', redirectUris: [callback.url] });
    const pushed = await push(`${issuerOf('par')}/par`, app, codeRequest(app, { prompt: 'none', state: 'pushed' }));
    const url = `${authorizeWith(`${t.url}/t/par/authorize`, app.clientId, pushed.body.request_uri!)}&state=sent&scope=admin&prompt=login`;
    const answer = await new FetchBrowser(t.url).get(url);
    // The pushed prompt=none (no session): login_required with the pushed state, not the sent one.
    expect(answer.status).toBe(302);
    const location = new URL(answer.location!);
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('state')).toBe('pushed');
  });

  it('requires PAR when the client says so, and for every client when the tenant says so (set through GraphQL)', async () => {
    const { domain } = t.server.app;
    const strict = await createCodeFlowClient(domain, {
      tenantPath: '/par',
      redirectUris: [callback.url],
      requirePushedAuthorizationRequests: true,
    });
    const plain = (client: CodeFlowClient, segment: string) =>
      new FetchBrowser(t.url).get(
        `${t.url}/t/${segment}/authorize?${new URLSearchParams({ client_id: client.clientId, ...codeRequest(client) })}`,
      );
    const refusedByRedirect = (answer: { status: number; location: string | null }) => {
      expect(answer.status).toBe(302);
      const location = new URL(answer.location!);
      expect(location.origin + location.pathname).toBe(callback.url);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('st');
    };
    refusedByRedirect(await plain(strict, 'par'));
    const pushed = await push(`${issuerOf('par')}/par`, strict, codeRequest(strict));
    expect(
      (await new FetchBrowser(t.url).get(authorizeWith(`${t.url}/t/par/authorize`, strict.clientId, pushed.body.request_uri!))).status,
    ).toBe(200);

    const sdk = await rootAdminSdk(t.url);
    const loose = await createCodeFlowClient(domain, { tenantPath: '/other', redirectUris: [callback.url] });
    expect((await plain(loose, 'other')).status).toBe(200);
    const { updateTenant } = await sdk.updateTenant({ path: '/other', input: { requirePushedAuthorizationRequests: true } });
    expect(updateTenant.requirePushedAuthorizationRequests).toBe(true);
    refusedByRedirect(await plain(loose, 'other'));
    const metadata = (await (await fetch(`${t.url}/t/other/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.require_pushed_authorization_requests).toBe(true);
    const again = await push(`${issuerOf('other')}/par`, loose, codeRequest(loose));
    expect(
      (await new FetchBrowser(t.url).get(authorizeWith(`${t.url}/t/other/authorize`, loose.clientId, again.body.request_uri!))).status,
    ).toBe(200);
    await sdk.updateTenant({ path: '/other', input: { requirePushedAuthorizationRequests: false } });
  });

  it('answers invalid pushes as JSON errors, never redirects', async () => {
    const { domain } = t.server.app;
    const app = await createCodeFlowClient(domain, { tenantPath: '/par', redirectUris: [callback.url] });
    const foreign = await createCodeFlowClient(domain, { tenantPath: '/other', redirectUris: [callback.url] });
    const service = await createTestClient(domain, '/par');
    const par = `${issuerOf('par')}/par`;
    const cases: [string, Promise<Awaited<ReturnType<typeof push>>>, number, string][] = [
      ['wrong secret', push(par, { ...app, clientSecret: 'wrong' }, codeRequest(app)), 401, 'invalid_client'],
      ['no client authentication', push(par, { ...app, clientSecret: null }, codeRequest(app)), 401, 'invalid_client'],
      ["another tenant's client", push(par, foreign, codeRequest(foreign)), 401, 'invalid_client'],
      ['unregistered redirect_uri', push(par, app, codeRequest(app, { redirect_uri: 'http://127.0.0.1:9/evil' })), 400, 'invalid_request'],
      [
        'request_uri inside the push',
        push(par, app, codeRequest(app, { request_uri: 'urn:ietf:params:oauth:request_uri:x' })),
        400,
        'invalid_request',
      ],
      ['scope the client may not use', push(par, app, codeRequest(app, { scope: 'openid admin' })), 400, 'invalid_scope'],
      ['response_type token', push(par, app, codeRequest(app, { response_type: 'token' })), 400, 'unsupported_response_type'],
      ['bad response_mode', push(par, app, codeRequest(app, { response_mode: 'fragment' })), 400, 'invalid_request'],
      ['PKCE plain', push(par, app, codeRequest(app, { code_challenge_method: 'plain' })), 400, 'invalid_request'],
      [
        'client without the code flow',
        push(par, { clientId: service.clientId, clientSecret: service.clientSecret }, { response_type: 'code', scope: 'email' }),
        400,
        'unauthorized_client',
      ],
    ];
    for (const [name, answer, status, error] of cases) {
      const { status: got, body, headers } = await answer;
      expect([name, got, body.error]).toEqual([name, status, error]);
      expect(headers.get('location')).toBeNull();
      expect(body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
      if (status === 401) expect(headers.get('www-authenticate')).toMatch(/^Basic /);
    }
  });

  it('serves /par at the root issuer too, and still refuses request_uris that are not ours with request_uri_not_supported', async () => {
    const app = await createCodeFlowClient(t.server.app.domain, { redirectUris: [callback.url] });
    const pushed = await push(`${t.url}/par`, app, codeRequest(app));
    expect(pushed.status).toBe(201);
    expect((await new FetchBrowser(t.url).get(authorizeWith(`${t.url}/authorize`, app.clientId, pushed.body.request_uri!))).status).toBe(
      200,
    );
    const external = await new FetchBrowser(t.url).get(
      `${t.url}/authorize?${new URLSearchParams({ client_id: app.clientId, ...codeRequest(app), request_uri: 'https://app.example/req.jwt' })}`,
    );
    expect(external.status).toBe(302);
    expect(new URL(external.location!).searchParams.get('error')).toBe('request_uri_not_supported');
  });
});

describe('a pushed request_uri across two server processes', () => {
  it('is used once: the second process refuses what the first consumed', async () => {
    const { first, second } = await startServerPair();
    try {
      const { domain } = first.server.app;
      await createTestTenant(domain, '/pair');
      const app = await createCodeFlowClient(domain, { tenantPath: '/pair', redirectUris: ['https://app.example/cb'] });
      const pushed = await push(`${first.url}/t/pair/par`, app, codeRequest(app));
      expect(pushed.status).toBe(201);
      const use = (server: TestServer) =>
        new FetchBrowser(server.url).get(authorizeWith(`${server.url}/t/pair/authorize`, app.clientId, pushed.body.request_uri!));
      expect((await use(first)).status).toBe(200);
      const replayed = await use(second);
      expect(replayed.status).toBe(400);
      expect(replayed.body).toContain('invalid_request_uri');
      // And the other way round: pushed at the second, used at the second, replayed at the first.
      const next = await push(`${second.url}/t/pair/par`, app, codeRequest(app));
      const again = (server: TestServer) =>
        new FetchBrowser(server.url).get(authorizeWith(`${server.url}/t/pair/authorize`, app.clientId, next.body.request_uri!));
      expect((await again(second)).status).toBe(200);
      expect((await again(first)).status).toBe(400);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
