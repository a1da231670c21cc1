import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { createTestTenant } from '../fixtures/token-clients';
import { FetchBrowser } from '../support/browser';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

/**
 * Issue 21 item 6: OAuth 2.0 Form Post Response Mode. Before this change `response_mode=form_post`
 * was refused with invalid_request and every response was a query redirect.
 */
describe('response_mode=form_post', () => {
  let t: TestServer;
  let browser: Browser;
  let callback: CallbackServer;
  let app: CodeFlowClient;
  let user: { username: string; password: string; id: string };
  let config: oidc.Configuration;
  const issuer = () => `${t.issuer}/t/fp`;

  beforeAll(async () => {
    [t, callback] = await Promise.all([startTestServer(), startCallbackServer()]);
    browser = await launchChromium();
    const { domain } = t.server.app;
    await createTestTenant(domain, '/fp');
    app = await createCodeFlowClient(domain, { tenantPath: '/fp', redirectUris: [callback.url] });
    const created = await createTestUser(domain, '/fp');
    user = { username: created.username, password: created.password, id: created.user.id };
    config = await oidc.discovery(new URL(issuer()), app.clientId, app.clientSecret!, oidc.ClientSecretBasic(app.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
  });

  /** Resolves with the next response page receives from the server for a URL starting with `prefix`. */
  const nextResponseFrom = (page: Page, prefix: string) => page.waitForResponse((response) => response.url().startsWith(prefix));

  it('posts the code, state and iss to the callback from Chromium under the hosted pages CSP; openid-client takes the POST', async () => {
    expect(config.serverMetadata().response_modes_supported).toEqual(['query', 'form_post']);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app.redirectUri,
      scope: 'openid email',
      response_mode: 'form_post',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url.toString());
      await page.fill('input[name="username"]', user.username);
      await page.fill('input[name="password"]', user.password);
      await Promise.all([page.waitForURL(`${issuer()}/authorize/login`), page.click('button[type="submit"]')]);
      const before = callback.posts.length;
      const [formPage] = await Promise.all([
        nextResponseFrom(page, `${issuer()}/authorize/consent`),
        page.waitForURL(callback.url),
        page.getByRole('button', { name: 'Allow' }).click(),
      ]);
      const headers = await formPage.allHeaders();
      expect(formPage.status()).toBe(200);
      expect(headers['cache-control']).toBe('no-store');
      const csp = headers['content-security-policy']!;
      // The auto-submit script runs by its hash alone: never 'unsafe-inline' for scripts.
      expect(/script-src ([^;]*);/.exec(csp)?.[1]).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
      expect(csp).toContain(`form-action 'self' ${new URL(callback.url).origin}`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(await page.textContent('#result')).toContain('code');

      expect(callback.posts.length).toBe(before + 1);
      const posted = callback.posts.at(-1)!;
      expect(posted.contentType).toBe('application/x-www-form-urlencoded');
      expect([...posted.body.keys()].sort()).toEqual(['code', 'iss', 'state']);
      expect(posted.body.get('iss')).toBe(issuer());
      expect(posted.body.get('state')).toBe(state);

      // openid-client validates a form_post callback given as the POST Request the client received.
      const request = new Request(callback.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: posted.body.toString(),
      });
      const tokens = await oidc.authorizationCodeGrant(config, request, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      expect(tokens.claims()).toMatchObject({ iss: issuer(), sub: user.id });
    } finally {
      await context.close();
    }
  });

  it('posts error responses too: login_required from GET /authorize, access_denied after the consent form', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const none = oidc.buildAuthorizationUrl(config, {
        redirect_uri: app.redirectUri,
        scope: 'openid',
        response_mode: 'form_post',
        prompt: 'none',
        state: 'no-session',
      });
      let before = callback.posts.length;
      await Promise.all([page.waitForURL(callback.url), page.goto(none.toString())]);
      await page.waitForSelector('#result');
      expect(callback.posts.length).toBe(before + 1);
      expect(Object.fromEntries(callback.posts.at(-1)!.body)).toMatchObject({
        error: 'login_required',
        state: 'no-session',
        iss: issuer(),
      });

      const denied = oidc.buildAuthorizationUrl(config, {
        redirect_uri: app.redirectUri,
        scope: 'openid profile',
        response_mode: 'form_post',
        state: 'deny-me',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      await page.goto(denied.toString());
      await page.fill('input[name="username"]', user.username);
      await page.fill('input[name="password"]', user.password);
      await Promise.all([page.waitForURL(`${issuer()}/authorize/login`), page.click('button[type="submit"]')]);
      before = callback.posts.length;
      await Promise.all([page.waitForURL(callback.url), page.getByRole('button', { name: 'Deny' }).click()]);
      await page.waitForSelector('#result');
      expect(callback.posts.length).toBe(before + 1);
      const body = callback.posts.at(-1)!.body;
      expect(Object.fromEntries(body)).toMatchObject({ error: 'access_denied', state: 'deny-me', iss: issuer() });
      expect(body.get('error_description')).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
    } finally {
      await context.close();
    }
  });

  it('renders the form without a redirect, with a noscript button, escaping every value', async () => {
    const url = `${t.url}/t/fp/authorize?${new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      response_type: 'code',
      response_mode: 'form_post',
      scope: 'openid',
      prompt: 'none',
      state: '"><script>alert(1)</script>',
    })}`;
    const answer = await new FetchBrowser(t.url).get(url);
    expect(answer.status).toBe(200);
    expect(answer.location).toBeNull();
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.body).toContain(`<form method="post" action="${callback.url}">`);
    expect(answer.body).toContain('<input type="hidden" name="error" value="login_required">');
    expect(answer.body).toContain('<noscript>');
    expect(answer.body).not.toContain('<script>alert(1)');
    expect(answer.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('refuses other response modes, and form_post to a private-scheme redirect URI, by query redirect', async () => {
    const native = await createCodeFlowClient(t.server.app.domain, { tenantPath: '/fp', redirectUris: ['com.example.app:/cb'] });
    const ask = (client: CodeFlowClient, mode: string) =>
      new FetchBrowser(t.url).get(
        `${t.url}/t/fp/authorize?${new URLSearchParams({
          client_id: client.clientId,
          redirect_uri: client.redirectUri,
          response_type: 'code',
          response_mode: mode,
          scope: 'openid',
          state: 's',
        })}`,
      );
    for (const [client, mode] of [
      [app, 'fragment'],
      [app, 'query.jwt'],
      [native, 'form_post'],
    ] as const) {
      const answer = await ask(client, mode);
      expect([mode, answer.status]).toEqual([mode, 302]);
      const location = new URL(answer.location!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('s');
    }
    // An explicit response_mode=query is the default behaviour.
    const query = await ask(app, 'query');
    expect(query.status).toBe(200);
  });
});
