import { AuthorizationCodeEntity } from '../../src/entities/authorization-code.entity';
import { BrowserSessionEntity } from '../../src/entities/browser-session.entity';
import { sha256 } from '../../src/domain/crypto/random';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { pkcePair } from '../fixtures/pkce';
import { createTestUser } from '../fixtures/test-user';
import { FetchBrowser, hiddenFields, queryOf, type PageResponse } from '../support/browser';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

/** A clock the test can move forward. */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };

describe('GET /authorize (authorization code flow, hosted pages)', () => {
  let t: TestServer;
  let thirdParty: CodeFlowClient;
  let firstParty: CodeFlowClient;
  let publicClient: CodeFlowClient;
  let alice: { username: string; password: string; user: { id: string; tenantId: string } };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    const domain = t.server.app.domain;
    thirdParty = await createCodeFlowClient(domain, { name: 'Third <b>Party</b> & Co', redirectUris: ['http://127.0.0.1:9/cb?tenant=a'] });
    firstParty = await createCodeFlowClient(domain, {
      name: 'First Party',
      firstParty: true,
      redirectUris: ['http://127.0.0.1:9/first', 'http://127.0.0.1:9/first2'],
    });
    publicClient = await createCodeFlowClient(domain, { name: 'Mobile', isPublic: true, redirectUris: ['com.example.app:/cb'] });
    alice = await createTestUser(domain);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    clock.offsetMs = 0;
  });

  const authorizeUrl = (client: CodeFlowClient, extra: Record<string, string | undefined> = {}): string => {
    const params = new URLSearchParams();
    const all: Record<string, string | undefined> = {
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: 'openid profile',
      state: 'st-1',
      ...extra,
    };
    for (const [k, v] of Object.entries(all)) if (v !== undefined) params.append(k, v);
    return `/authorize?${params}`;
  };

  const expectErrorPage = (res: PageResponse) => {
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  };

  const expectRedirectError = (res: PageResponse, base: string, error: string, state: string | null = 'st-1') => {
    expect([302, 303]).toContain(res.status);
    expect(res.location!.startsWith(base)).toBe(true);
    const query = queryOf(res.location);
    expect(query.error).toBe(error);
    expect(query.iss).toBe(t.issuer);
    expect(query.error_description).toEqual(expect.any(String));
    if (state === null) expect(query.state).toBeUndefined();
    else expect(query.state).toBe(state);
    expect(query.code).toBeUndefined();
  };

  /** Loads the sign-in page and submits the credentials; returns the response to the POST. */
  const signIn = async (
    browser: FetchBrowser,
    url: string,
    username = alice.username,
    password = alice.password,
  ): Promise<PageResponse> => {
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');
    return browser.post('/authorize/login', { ...hiddenFields(page.body), username, password });
  };

  describe('requests that must not redirect', () => {
    it('shows an error page for an unknown client', async () => {
      const res = await new FetchBrowser(t.url).get(
        `/authorize?client_id=nobody&response_type=code&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}&scope=openid&state=x`,
      );
      expectErrorPage(res);
      expect(res.body).toContain('sign-in link is not valid');
      expect(res.body).not.toContain('nobody');
    });

    it('shows an error page for a missing client_id, a repeated one, and a disabled client', async () => {
      expectErrorPage(await new FetchBrowser(t.url).get('/authorize?response_type=code&scope=openid'));
      expectErrorPage(
        await new FetchBrowser(t.url).get(
          `/authorize?client_id=${thirdParty.clientId}&client_id=${thirdParty.clientId}&response_type=code&scope=openid`,
        ),
      );
      const disabled = await createCodeFlowClient(t.server.app.domain);
      await t.server.app.domain.clients.update(await rootAdminActor(t.server.app.domain), disabled.clientId, { enabled: false });
      expectErrorPage(await new FetchBrowser(t.url).get(authorizeUrl(disabled)));
    });

    it('shows an error page for an unregistered, altered or repeated redirect_uri', async () => {
      for (const redirect of [
        'http://127.0.0.1:9/evil',
        'http://127.0.0.1:9/cb?tenant=a&x=1',
        'http://127.0.0.1:9/cb',
        'https://127.0.0.1:9/cb?tenant=a',
      ]) {
        expectErrorPage(await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { redirect_uri: redirect })));
      }
      const repeated = `${authorizeUrl(thirdParty)}&redirect_uri=${encodeURIComponent(thirdParty.redirectUri)}`;
      expectErrorPage(await new FetchBrowser(t.url).get(repeated));
    });

    it('requires redirect_uri when several are registered, and defaults to the only one otherwise (RFC 6749 §3.1.2.3)', async () => {
      const several = await new FetchBrowser(t.url).get(authorizeUrl(firstParty, { redirect_uri: undefined }));
      expectErrorPage(several);
      // The same page as for an unknown client: nothing says what the client registered.
      expect(several.body).toContain('sign-in link is not valid');
      expect(several.body).not.toContain('redirect_uri');
      const one = await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { redirect_uri: undefined, prompt: 'none' }));
      expectRedirectError(one, thirdParty.redirectUri, 'login_required');
    });
    it('never redirects to a stored redirect URI the current rules refuse, even when it is presented verbatim', async () => {
      for (const stored of ['https:/app.example/cb', 'https://app.example/c b', 'https://user:pw@app.example/cb', 'https://*.example/cb']) {
        // Registered before strict validation (the API now refuses all four): written directly, before the client is first looked up.
        const legacy = await createCodeFlowClient(t.server.app.domain, {
          name: 'Legacy',
          firstParty: true,
          redirectUris: ['http://127.0.0.1:9/legacy'],
        });
        await sqlRows(t.databaseUrl, 'update clients set redirect_uris = $1 where client_id = $2', [[stored], legacy.clientId]);
        const presented = await new FetchBrowser(t.url).get(authorizeUrl(legacy, { redirect_uri: stored }));
        expectErrorPage(presented);
        expect(presented.body).toContain('sign-in link is not valid');
        // The only registered URI is not used as the default either.
        expectErrorPage(await new FetchBrowser(t.url).get(authorizeUrl(legacy, { redirect_uri: undefined })));
        // Nor the string a browser would make of it.
        expectErrorPage(await new FetchBrowser(t.url).get(authorizeUrl(legacy, { redirect_uri: new URL(stored).href })));
      }
    });
  });

  describe('errors returned to the client by redirect', () => {
    it('answers invalid_request_object (RFC 9101) and request_uri_not_supported (OIDC Core §6) instead of ignoring them', async () => {
      // An unsigned request object from a client without keys: nothing in it can be trusted, so an error page.
      const withRequest = await new FetchBrowser(t.url).get(
        authorizeUrl(thirdParty, { request: 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCBhZG1pbiJ9.' }),
      );
      expect(withRequest.status).toBe(400);
      expect(withRequest.location).toBeNull();
      expect(withRequest.body).toContain('invalid_request_object');
      const withRequestUri = await new FetchBrowser(t.url).get(
        authorizeUrl(thirdParty, { request_uri: 'https://attacker.example/request.jwt' }),
      );
      expectRedirectError(withRequestUri, 'http://127.0.0.1:9/cb?tenant=a&', 'request_uri_not_supported');
      // Even for a signed-in user whose consent would let a code through, and as a form POST.
      const posted = await new FetchBrowser(t.url).post('/authorize', {
        client_id: firstParty.clientId,
        response_type: 'code',
        redirect_uri: firstParty.redirectUri,
        scope: 'openid',
        state: 'st-1',
        request_uri: 'urn:x',
      });
      expectRedirectError(posted, firstParty.redirectUri, 'request_uri_not_supported');
    });

    it('answers unsupported_response_type, keeping the redirect URI query, state and iss', async () => {
      const res = await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { response_type: 'token' }));
      expect(res.status).toBe(302);
      expectRedirectError(res, 'http://127.0.0.1:9/cb?tenant=a&', 'unsupported_response_type');
      expect(queryOf(res.location).tenant).toBe('a');
    });

    it('answers invalid_request for a missing response_type and a repeated parameter', async () => {
      expectRedirectError(
        await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { response_type: undefined })),
        thirdParty.redirectUri,
        'invalid_request',
      );
      expectRedirectError(
        await new FetchBrowser(t.url).get(`${authorizeUrl(thirdParty)}&scope=openid`),
        thirdParty.redirectUri,
        'invalid_request',
      );
    });

    it('answers invalid_scope for a scope the client may not use, and for no scope at all', async () => {
      expectRedirectError(
        await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { scope: 'openid admin' })),
        thirdParty.redirectUri,
        'invalid_scope',
      );
      expectRedirectError(
        await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { scope: undefined })),
        thirdParty.redirectUri,
        'invalid_scope',
      );
    });

    it('requires PKCE S256 from public clients and refuses plain from anyone', async () => {
      const { challenge } = pkcePair();
      expectRedirectError(await new FetchBrowser(t.url).get(authorizeUrl(publicClient)), 'com.example.app:/cb?', 'invalid_request');
      expectRedirectError(
        await new FetchBrowser(t.url).get(authorizeUrl(publicClient, { code_challenge: challenge, code_challenge_method: 'plain' })),
        'com.example.app:/cb?',
        'invalid_request',
      );
      // No method means plain (RFC 7636 §4.3).
      expectRedirectError(
        await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { code_challenge: challenge })),
        thirdParty.redirectUri,
        'invalid_request',
      );
      expectRedirectError(
        await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { code_challenge: 'short', code_challenge_method: 'S256' })),
        thirdParty.redirectUri,
        'invalid_request',
      );
      const ok = await new FetchBrowser(t.url).get(
        authorizeUrl(publicClient, { code_challenge: challenge, code_challenge_method: 'S256' }),
      );
      expect(ok.status).toBe(200);
    });

    it('answers login_required for prompt=none without a session, without state when none was sent', async () => {
      const res = await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { prompt: 'none', state: undefined }));
      expectRedirectError(res, thirdParty.redirectUri, 'login_required', null);
      expectRedirectError(
        await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { prompt: 'none login' })),
        thirdParty.redirectUri,
        'invalid_request',
      );
      expectRedirectError(
        await new FetchBrowser(t.url).get(authorizeUrl(thirdParty, { max_age: '-1' })),
        thirdParty.redirectUri,
        'invalid_request',
      );
    });
  });

  describe('the sign-in page', () => {
    it('is self-contained, unframeable, uncached and escapes client text', async () => {
      const browser = new FetchBrowser(t.url);
      const page = await browser.get(authorizeUrl(thirdParty));
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/form-action 'self' http:\/\/127\.0\.0\.1:9(;|$)/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.body).toContain('Third &lt;b&gt;Party&lt;/b&gt; &amp; Co');
      expect(page.body).not.toContain('<b>Party</b>');
      expect(page.body).not.toMatch(/<script|src=|href=/);
      const interaction = page.headers.getSetCookie().find((c) => c.startsWith('idp_interaction='))!;
      expect(interaction).toMatch(/HttpOnly/);
      expect(interaction).toMatch(/SameSite=Lax/);
      expect(interaction).toMatch(/Path=\/authorize/);
      expect(browser.jar.get('idp_session')).toBeUndefined();
    });

    it('shows the form again with one generic message for a wrong password or an unknown user, keeping the request', async () => {
      const browser = new FetchBrowser(t.url);
      const wrong = await signIn(browser, authorizeUrl(thirdParty), alice.username, 'not-the-password');
      expect(wrong.status).toBe(400);
      expect(wrong.location).toBeNull();
      expect(wrong.body).toContain('Invalid username or password');
      expect(wrong.body).toContain(`value="${alice.username}"`);
      const unknown = await browser.post('/authorize/login', {
        ...hiddenFields(wrong.body),
        username: 'nobody-at-all',
        password: 'whatever',
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toContain('Invalid username or password');
      expect(browser.jar.get('idp_session')).toBeUndefined();
      const right = await browser.post('/authorize/login', {
        ...hiddenFields(unknown.body),
        username: alice.username,
        password: alice.password,
      });
      expect(right.status).toBe(200);
      expect(right.body).toContain('wants to access your account');
    });

    it('refuses a post without, or with a wrong, CSRF token or pending request', async () => {
      const browser = new FetchBrowser(t.url);
      const page = await browser.get(authorizeUrl(thirdParty));
      const fields = hiddenFields(page.body);
      const other = new FetchBrowser(t.url);
      const otherFields = hiddenFields((await other.get(authorizeUrl(thirdParty))).body);
      const attempts: Record<string, string | undefined>[] = [
        { ...fields, csrf_token: undefined },
        { ...fields, csrf_token: 'forged' },
        { ...fields, csrf_token: otherFields.csrf_token },
        { ...fields, pending: otherFields.pending },
        { ...fields, pending: `${fields.pending}x` },
      ];
      for (const form of attempts) {
        const res = await browser.post('/authorize/login', { ...form, username: alice.username, password: alice.password });
        expectErrorPage(res);
        expect(browser.jar.get('idp_session')).toBeUndefined();
      }
      // A cross-site post without the interaction cookie fails too.
      const noCookie = await new FetchBrowser(t.url).post('/authorize/login', {
        ...fields,
        username: alice.username,
        password: alice.password,
      });
      expectErrorPage(noCookie);
      // A sign-in form cannot be replayed as a consent decision.
      expectErrorPage(await browser.post('/authorize/consent', { ...fields, decision: 'allow' }));
    });

    it('refuses a form after its 10 minutes', async () => {
      const browser = new FetchBrowser(t.url);
      const page = await browser.get(authorizeUrl(thirdParty));
      clock.offsetMs = 11 * 60_000;
      expectErrorPage(
        await browser.post('/authorize/login', { ...hiddenFields(page.body), username: alice.username, password: alice.password }),
      );
    });
  });

  describe('consent and code issuance', () => {
    it('lets a first-party client skip consent and issues a code bound to the request', async () => {
      const browser = new FetchBrowser(t.url);
      const { challenge } = pkcePair();
      const url = authorizeUrl(firstParty, {
        redirect_uri: 'http://127.0.0.1:9/first2',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        nonce: 'n-0S6_WzA2Mj',
        state: 'a b&c=d',
      });
      const before = clock.now().getTime();
      const res = await signIn(browser, url);
      const after = clock.now().getTime();
      expect(res.status).toBe(303);
      expect(res.location!.startsWith('http://127.0.0.1:9/first2?code=')).toBe(true);
      const query = queryOf(res.location);
      expect(query).toEqual({ code: expect.any(String), state: 'a b&c=d', iss: t.issuer });
      expect(query.code!.length).toBeGreaterThanOrEqual(43);
      expect(res.headers.get('cache-control')).toBe('no-store');

      const session = browser.jar.get('idp_session')!;
      const sessionCookie = res.headers.getSetCookie().find((c) => c.startsWith('idp_session='))!;
      expect(sessionCookie).toMatch(/HttpOnly/);
      expect(sessionCookie).toMatch(/SameSite=Lax/);
      expect(sessionCookie).toMatch(/Path=\/(;|$)/);
      expect(sessionCookie).not.toMatch(/Secure/);

      const em = t.server.orm.em.fork();
      const row = await em.findOneOrFail(AuthorizationCodeEntity, { codeHash: sha256(query.code!) });
      const stored = await em.findOneOrFail(BrowserSessionEntity, { idHash: sha256(session) });
      expect(row).toMatchObject({
        clientId: firstParty.clientId,
        userId: alice.user.id,
        tenantId: alice.user.tenantId,
        redirectUri: 'http://127.0.0.1:9/first2',
        scopes: ['openid', 'profile'],
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        nonce: 'n-0S6_WzA2Mj',
        consumedAt: null,
      });
      expect(row.authTime.getTime()).toBe(stored.authTime.getTime());
      expect(row.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 60_000);
      expect(row.expiresAt.getTime()).toBeLessThanOrEqual(after + 60_000);
      expect(stored.expiresAt.getTime() - stored.authTime.getTime()).toBe(8 * 3600_000);
    });

    it('redirects an unexpected failure after the client is known as server_error, leaking nothing', async () => {
      const browser = new FetchBrowser(t.url);
      const { challenge } = pkcePair();
      const url = authorizeUrl(firstParty, {
        redirect_uri: 'http://127.0.0.1:9/first',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const db = t.server.orm.em.getConnection();
      await db.execute('alter table authorization_codes rename to authorization_codes_away');
      try {
        const res = await signIn(browser, url);
        expectRedirectError(res, 'http://127.0.0.1:9/first?', 'server_error');
        expect(queryOf(res.location).error_description).not.toMatch(/authorization_codes|relation|sql|at /i);
      } finally {
        await db.execute('alter table authorization_codes_away rename to authorization_codes');
      }
      // The session it started stays: the next request completes without signing in again.
      const again = await browser.get(url);
      expect(again.status).toBe(302);
      expect(queryOf(again.location).code).toEqual(expect.any(String));
    });

    it('asks a third-party client for consent; Deny answers access_denied', async () => {
      const browser = new FetchBrowser(t.url);
      const consent = await signIn(browser, authorizeUrl(thirdParty, { scope: 'openid email' }));
      expect(consent.status).toBe(200);
      expect(consent.body).toContain('See your email address');
      expect(consent.body).toContain('Sign you in and know who you are');
      expect(consent.body).toContain(alice.username);
      expect(consent.headers.get('x-frame-options')).toBe('DENY');
      const denied = await browser.post('/authorize/consent', { ...hiddenFields(consent.body), decision: 'deny' });
      expect(denied.status).toBe(303);
      expectRedirectError(denied, thirdParty.redirectUri, 'access_denied');
      // Nothing was granted: the next request asks again.
      const again = await browser.get(authorizeUrl(thirdParty, { scope: 'openid email' }));
      expect(again.status).toBe(200);
      expect(again.body).toContain('wants to access your account');
    });

    it('refuses a consent post with a missing or foreign CSRF token', async () => {
      const browser = new FetchBrowser(t.url);
      const consent = await signIn(browser, authorizeUrl(thirdParty, { scope: 'openid email' }));
      const fields = hiddenFields(consent.body);
      expectErrorPage(await browser.post('/authorize/consent', { ...fields, csrf_token: undefined, decision: 'allow' }));
      expectErrorPage(await browser.post('/authorize/consent', { ...fields, csrf_token: 'x', decision: 'allow' }));
      expectErrorPage(await browser.post('/authorize/consent', { ...fields, decision: 'maybe' }));
    });

    it('issues a code on Allow, then reuses the session and the consent; prompt=login, max_age and logout are honoured', async () => {
      const browser = new FetchBrowser(t.url);
      const { challenge } = pkcePair();
      const url = authorizeUrl(thirdParty, { code_challenge: challenge, code_challenge_method: 'S256', nonce: 'nonce-1' });
      const consent = await signIn(browser, url);
      const allowed = await browser.post('/authorize/consent', { ...hiddenFields(consent.body), decision: 'allow' });
      expect(allowed.status).toBe(303);
      const query = queryOf(allowed.location);
      expect(query).toEqual({ tenant: 'a', code: expect.any(String), state: 'st-1', iss: t.issuer });
      const row = await t.server.orm.em.fork().findOneOrFail(AuthorizationCodeEntity, { codeHash: sha256(query.code!) });
      expect(row).toMatchObject({
        clientId: thirdParty.clientId,
        redirectUri: thirdParty.redirectUri,
        codeChallenge: challenge,
        nonce: 'nonce-1',
        scopes: ['openid', 'profile'],
      });

      // Same browser, same client: no sign-in, no consent.
      const reuse = await browser.get(authorizeUrl(thirdParty, { state: 'st-2' }));
      expect(reuse.status).toBe(302);
      expect(queryOf(reuse.location)).toMatchObject({ code: expect.any(String), state: 'st-2', iss: t.issuer });
      expect(queryOf(reuse.location).code).not.toBe(query.code);
      const silent = await browser.get(authorizeUrl(thirdParty, { prompt: 'none', scope: 'openid' }));
      expect(queryOf(silent.location).code).toEqual(expect.any(String));

      // A scope not yet granted needs consent again (and cannot be had silently).
      expectRedirectError(
        await browser.get(authorizeUrl(thirdParty, { prompt: 'none', scope: 'openid email' })),
        thirdParty.redirectUri,
        'consent_required',
      );
      const more = await browser.get(authorizeUrl(thirdParty, { scope: 'openid email' }));
      expect(more.body).toContain('wants to access your account');
      expect(more.body).toContain('new</span>');

      // prompt=login and an elapsed max_age ask for the password again.
      const relogin = await browser.get(authorizeUrl(thirdParty, { prompt: 'login' }));
      expect(relogin.body).toContain('name="password"');
      clock.offsetMs = 120_000;
      expect((await browser.get(authorizeUrl(thirdParty, { max_age: '60' }))).body).toContain('name="password"');
      expect((await browser.get(authorizeUrl(thirdParty, { max_age: '3600' }))).status).toBe(302);
      expectRedirectError(
        await browser.get(authorizeUrl(thirdParty, { max_age: '60', prompt: 'none' })),
        thirdParty.redirectUri,
        'login_required',
      );

      // Logout: GET asks, a POST without the token does not end the session, the confirmed POST does.
      const confirm = await browser.get('/logout');
      expect(confirm.status).toBe(200);
      expect(confirm.headers.get('x-frame-options')).toBe('DENY');
      expect(confirm.body).toContain('Sign out?');
      await browser.post('/logout', {});
      expect((await browser.get(authorizeUrl(thirdParty))).status).toBe(302);
      const session = browser.jar.get('idp_session')!;
      const out = await browser.post('/logout', hiddenFields(confirm.body));
      expect(out.status).toBe(200);
      expect(out.body).toContain('You are signed out');
      expect(browser.jar.get('idp_session')).toBeUndefined();
      const ended = await t.server.orm.em.fork().findOneOrFail(BrowserSessionEntity, { idHash: sha256(session) });
      expect(ended.endedAt).toBeInstanceOf(Date);
      // The old cookie no longer works either.
      browser.jar.set('idp_session', session);
      expectRedirectError(await browser.get(authorizeUrl(thirdParty, { prompt: 'none' })), thirdParty.redirectUri, 'login_required');
      expect((await browser.get(authorizeUrl(thirdParty))).body).toContain('name="password"');
    });

    it('accepts the authorization request as a form POST too (OIDC Core §3.1.2.1)', async () => {
      const browser = new FetchBrowser(t.url);
      const res = await browser.post('/authorize', {
        client_id: thirdParty.clientId,
        response_type: 'code',
        redirect_uri: thirdParty.redirectUri,
        scope: 'openid',
        state: 's',
      });
      expect(res.status).toBe(200);
      expect(res.body).toContain('name="password"');
    });
  });
});
