import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { pkcePair } from '../fixtures/pkce';
import { totpCode } from '../fixtures/totp-code';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createTestTenant } from '../fixtures/token-clients';
import { graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { CookieJar } from '../support/cookie-jar';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

/** What the fake upstream's next ID token gets wrong. */
type Flaw = 'none' | 'aud' | 'nonce' | 'signature' | 'expired' | 'iss';

/**
 * A fake OpenID Provider under the test's control: discovery, JWKS and a token endpoint whose ID
 * token (signed with jose) is wrong in the one way the test asks for. The authorization step is
 * the test's own: it reads `state` and `nonce` off the redirect and calls the callback itself.
 */
async function startFakeOp() {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const other = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const state = {
    flaw: 'none' as Flaw,
    nonce: '',
    clientId: '',
    tokenRequests: 0,
    sub: 'mallory-1',
    email: 'mallory@fake.test',
    /** The upstream session its ID tokens name (`sid`). */
    sid: 'fake-session-0',
  };
  let issuer = '';
  const sign = (key: CryptoKey, claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key);
  const server = http.createServer((req, res) => {
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      return json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
      });
    }
    if (req.url === '/jwks') return json({ keys: [jwk] });
    // The plain OAuth 2.0 side: its userinfo, for the access token the token endpoint hands out.
    if (req.url === '/userinfo') {
      if (req.headers.authorization !== 'Bearer upstream-at') return res.writeHead(401).end();
      return json({ sub: 'oauth-user-7', email: 'grace@plain.test', email_verified: true, login: 'grace' });
    }
    if (req.url === '/token' && req.method === 'POST') {
      state.tokenRequests += 1;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        // A plain OAuth 2.0 client (its callback is /plain/) gets no ID token.
        if (new URLSearchParams(Buffer.concat(chunks).toString()).get('redirect_uri')?.includes('/plain/'))
          return json({ access_token: 'upstream-at', token_type: 'Bearer', expires_in: 300 });
        const now = Math.floor(Date.now() / 1000);
        const { flaw } = state;
        const claims = {
          iss: flaw === 'iss' ? 'https://evil.example' : issuer,
          sub: state.sub,
          sid: state.sid,
          aud: flaw === 'aud' ? 'someone-else' : state.clientId,
          nonce: flaw === 'nonce' ? 'not-the-nonce' : state.nonce,
          iat: flaw === 'expired' ? now - 7200 : now,
          exp: flaw === 'expired' ? now - 3600 : now + 300,
          email: state.email,
          preferred_username: state.email.split('@')[0],
        };
        void sign(flaw === 'signature' ? other.privateKey : privateKey, claims).then((idToken) =>
          json({ access_token: 'upstream-at', token_type: 'Bearer', expires_in: 300, id_token: idToken }),
        );
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    state,
    /** A token signed with its key (a back-channel logout token). */
    sign: (claims: Record<string, unknown>) => sign(privateKey, claims),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Issue 23, bad input on the federated sign-in: an ID token with the wrong iss, aud or nonce, a
 * bad signature or an expired one; a state that was tampered with, sent from another browser or
 * replayed; an upstream that is down. Each: a clear error page (no stack), no session cookie, no
 * user or link created, and a `federatedSignIn` failure in the audit log.
 */
describe('federated sign-in refusals', () => {
  let t: TestServer;
  let op: Awaited<ReturnType<typeof startFakeOp>>;
  let app: CodeFlowClient;
  const acme = () => `${t.url}/t/acme`;

  beforeAll(async () => {
    [t, op] = await Promise.all([startTestServer(), startFakeOp()]);
    const { domain } = t.server.app;
    await createTestTenant(domain, '/acme');
    const actor = await rootAdminActor(domain);
    await domain.identityProviders.create(actor, {
      tenantPath: '/acme',
      kind: 'OIDC',
      alias: 'fake',
      name: 'Fake',
      issuer: op.issuer,
      clientId: 'fake-client',
      clientSecret: 'fake-secret',
      emailDomains: ['fake.test'],
    });
    // An upstream that is down: nothing listens on port 9 of loopback.
    await domain.identityProviders.create(actor, {
      tenantPath: '/acme',
      kind: 'OIDC',
      alias: 'down',
      name: 'Down Corp',
      issuer: 'http://127.0.0.1:9',
      clientId: 'x',
      emailDomains: ['down.test'],
    });
    // A plain OAuth 2.0 provider (no discovery, no ID token): the identity comes from userinfo.
    await domain.identityProviders.create(actor, {
      tenantPath: '/acme',
      kind: 'OAUTH2',
      alias: 'plain',
      name: 'Plain',
      issuer: `${op.issuer}/plain`,
      authorizationEndpoint: `${op.issuer}/authorize`,
      tokenEndpoint: `${op.issuer}/token`,
      userinfoEndpoint: `${op.issuer}/userinfo`,
      clientId: 'fake-client',
      clientSecret: 'fake-secret',
      scopes: ['profile'],
      claimMapping: { username: 'login' },
      emailDomains: ['plain.test'],
    });
    op.state.clientId = 'fake-client';
    app = await createCodeFlowClient(domain, { tenantPath: '/acme', redirectUris: ['http://127.0.0.1:9/cb'], firstParty: true });
  });
  afterAll(async () => {
    await op?.close();
    await t?.close();
  });

  const request = (jar: CookieJar, url: string, init: RequestInit = {}) =>
    fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) } }).then(
      (response) => {
        jar.store(response);
        return response;
      },
    );

  /** The sign-in form of an /authorize at `{ISSUER}/t/acme`, posted with `username` and no password. */
  async function postSignIn(jar: CookieJar, username: string, password = ''): Promise<Response> {
    const query = new URLSearchParams({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: app.redirectUri,
      scope: 'openid',
      state: 's',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const form = await (await request(jar, `${acme()}/authorize?${query}`)).text();
    const value = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(form)![1]!;
    return request(jar, `${acme()}/authorize/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ pending: value('pending'), csrf_token: value('csrf_token'), username, password }),
    });
  }

  /** To the fake upstream and back: the callback URL its redirect would carry, with the nonce it was told. */
  async function startAtFake(jar: CookieJar): Promise<string> {
    const response = await postSignIn(jar, 'mallory@fake.test');
    expect(response.status).toBe(303);
    const upstream = new URL(response.headers.get('location')!);
    expect(upstream.origin + upstream.pathname).toBe(`${op.issuer}/authorize`);
    expect(upstream.searchParams.get('code_challenge_method')).toBe('S256');
    op.state.nonce = upstream.searchParams.get('nonce')!;
    return `${acme()}/federation/fake/callback?${new URLSearchParams({ code: 'c0de', state: upstream.searchParams.get('state')! })}`;
  }

  async function expectRefused(response: Response, text: RegExp) {
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toMatch(text);
    expect(page).not.toMatch(/\n\s+at |\.ts:\d+/);
    expect(response.headers.getSetCookie().some((line) => line.startsWith('idp_session=') && !line.startsWith('idp_session=;'))).toBe(
      false,
    );
    const made = await sqlRows(
      t.databaseUrl,
      "select 1 from users where username = 'mallory' union all select 1 from federated_identities",
    );
    expect(made).toEqual([]);
  }

  const failures = async () => {
    await t.server.app.domain.audit.flush();
    return sqlRows<{ reason: string }>(
      t.databaseUrl,
      "select detail->>'reason' as reason from audit_events where action = 'federatedSignIn' and outcome = 'failure' order by occurred_at",
    );
  };

  it.each<[Flaw, RegExp]>([
    ['aud', /aud/],
    ['nonce', /nonce/],
    ['signature', /signature|JWS/i],
    ['expired', /exp/],
    ['iss', /iss/],
  ])('refuses an upstream ID token with a wrong %s', async (flaw, reason) => {
    const jar = new CookieJar();
    const callback = await startAtFake(jar);
    op.state.flaw = flaw;
    await expectRefused(await request(jar, callback), /could not be verified/);
    expect((await failures()).at(-1)?.reason).toMatch(reason);
  });

  it('refuses a state that was tampered with, or brought back by another browser, before asking the upstream anything', async () => {
    op.state.flaw = 'none';
    const before = op.state.tokenRequests;
    const jar = new CookieJar();
    const callback = await startAtFake(jar);
    const url = new URL(callback);
    url.searchParams.set('state', `${url.searchParams.get('state')!.slice(0, -4)}AAAA`);
    await expectRefused(await request(jar, url.toString()), /was not expected by this browser/);
    await expectRefused(await request(new CookieJar(), callback), /was not expected by this browser/);
    expect(op.state.tokenRequests).toBe(before);
    const reasons = (await failures()).slice(-2).map((row) => row.reason);
    expect(reasons).toEqual(["state does not match this browser's sign-in", 'federation cookie missing']);
  });

  it('uses a state once: a good sign-in completes, its replay is refused', async () => {
    op.state.flaw = 'none';
    const jar = new CookieJar();
    const callback = await startAtFake(jar);
    const binding = jar.get('idp_federation')!;
    const done = await request(jar, callback);
    expect(done.status).toBe(200);
    expect(jar.get('idp_session')).toBeDefined();
    // Replayed with the cookie it was bound to.
    const replay = new CookieJar();
    replay.set('idp_federation', binding, '/t/acme/federation');
    const again = await request(replay, callback);
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/already used/);
    expect((await failures()).at(-1)?.reason).toBe('state replayed');
    await sqlRows(t.databaseUrl, 'delete from users where username = $1', ['mallory']);
  });

  it('a plain OAuth 2.0 provider: code exchange with PKCE, then userinfo; the user is made from its claims, email not trusted', async () => {
    const jar = new CookieJar();
    const response = await postSignIn(jar, 'grace@plain.test');
    expect(response.status).toBe(303);
    const upstream = new URL(response.headers.get('location')!);
    expect(upstream.searchParams.get('nonce')).toBeNull();
    expect(upstream.searchParams.get('code_challenge_method')).toBe('S256');
    const done = await request(
      jar,
      `${acme()}/federation/plain/callback?${new URLSearchParams({ code: 'c', state: upstream.searchParams.get('state')! })}`,
    );
    expect(done.status).toBe(200);
    const users = await sqlRows(
      t.databaseUrl,
      "select u.username, u.email, u.email_verified, f.issuer, f.subject from users u join federated_identities f on f.user_id = u.id where f.subject = 'oauth-user-7'",
    );
    expect(users).toEqual([
      { username: 'grace', email: 'grace@plain.test', email_verified: false, issuer: `${op.issuer}/plain`, subject: 'oauth-user-7' },
    ]);
    // Then the pending /authorize goes on with the new session: a code for the client.
    const next = await request(
      jar,
      new URL(await done.text().then((page) => /url=([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&')), t.url).toString(),
    );
    expect(next.status).toBe(302);
    expect(new URL(next.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    await sqlRows(t.databaseUrl, "delete from users where username = 'grace'");
  });

  /** Where the callback's "continue" page (a meta refresh) sends the browser, as an absolute URL. */
  const continueUrl = (page: string) => new URL(/url=([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&'), t.url).toString();
  const formValue = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page)![1]!;
  const links = () =>
    sqlRows<{ user_id: string; subject: string }>(
      t.databaseUrl,
      'select user_id::text, subject from federated_identities order by created_at',
    );
  const auditOf = async (action: string) => {
    await t.server.app.domain.audit.flush();
    return sqlRows<{ outcome: string; reason: string | null }>(
      t.databaseUrl,
      "select outcome, detail->>'reason' as reason from audit_events where action = $1 order by occurred_at",
      [action],
    );
  };

  it('never links by email: a colliding email offers the link page, and only the existing account’s password links (once); with JIT off an unknown identity is refused', async () => {
    op.state.flaw = 'none';
    const { domain } = t.server.app;
    const local = await domain.users.create(await rootAdminActor(domain), {
      tenantPath: '/acme',
      username: 'mallory-local',
      password: 'local-password-123',
      email: 'mallory@fake.test',
    });
    // An account without a password (made by SCIM or a federated sign-in) cannot prove itself here: refused, said why.
    const [{ password_hash: hash } = { password_hash: '' }] = await sqlRows<{ password_hash: string }>(
      t.databaseUrl,
      'select password_hash from users where id = $1',
      [local.id],
    );
    await sqlRows(t.databaseUrl, "update users set password_hash = '!federated' where id = $1", [local.id]);
    let jar = new CookieJar();
    await expectRefused(await request(jar, await startAtFake(jar)), /has no password/);
    await sqlRows(t.databaseUrl, 'update users set password_hash = $2 where id = $1', [local.id, hash]);

    jar = new CookieJar();
    op.state.sid = 'link-session-1';
    const done = await request(jar, await startAtFake(jar));
    expect(done.status).toBe(200);
    expect(jar.get('idp_session')).toBeUndefined();
    const linkUrl = continueUrl(await done.text());
    expect(linkUrl.startsWith(`${acme()}/authorize/federated/link?`)).toBe(true);
    const shown = await request(jar, linkUrl);
    expect(shown.status).toBe(200);
    let page = await shown.text();
    expect(page).toContain('An account for <strong>mallory@fake.test</strong> already exists here. Sign in to it to link Fake.');
    expect(page).not.toMatch(/<script(?! src)|style="/);
    expect(await links()).toEqual([]);
    const post = (form: string, fields: Record<string, string>) =>
      request(jar, `${acme()}/authorize/federated/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ pending: formValue(form, 'pending'), csrf_token: formValue(form, 'csrf_token'), ...fields }),
      });
    // A form without its CSRF token is refused.
    const forged = await request(jar, `${acme()}/authorize/federated/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ pending: formValue(page, 'pending'), password: 'local-password-123' }),
    });
    expect(forged.status).toBe(400);
    const wrong = await post(page, { password: 'not-the-password' });
    expect(wrong.status).toBe(400);
    page = await wrong.text();
    expect(page).toMatch(/That password is not correct\. Nothing was linked\./);
    expect(await links()).toEqual([]);
    const cancelled = await post(page, { cancel: '1' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toMatch(/<h1>Sign in<\/h1>/);
    expect(await links()).toEqual([]);

    const right = await post(page, { password: 'local-password-123' });
    expect(right.status).toBe(303);
    expect(new URL(right.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    expect(jar.get('idp_session')).toBeDefined();
    expect(await links()).toEqual([{ user_id: local.id, subject: 'mallory-1' }]);
    // The session the link page started remembers its upstream sign-in, as a direct federated sign-in's does:
    // the upstream's back-channel logout naming that upstream session ends it.
    const [linked] = await sqlRows<{ sid: string; upstream_sub: string; id_token_sealed: string | null }>(
      t.databaseUrl,
      `select s.sid, u.upstream_sub, u.id_token_sealed from browser_sessions s
         left join browser_session_upstreams u on u.session_sid = s.sid where s.user_id = $1 and s.ended_at is null`,
      [local.id],
    );
    expect(linked).toMatchObject({ upstream_sub: 'mallory-1', id_token_sealed: expect.any(String) });
    const now = Math.floor(Date.now() / 1000);
    const logoutToken = await op.sign({
      iss: op.issuer,
      aud: 'fake-client',
      iat: now,
      jti: 'link-logout-1',
      sid: 'link-session-1',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    const loggedOut = await fetch(`${acme()}/federation/fake/backchannel-logout`, {
      method: 'POST',
      body: new URLSearchParams({ logout_token: logoutToken }),
    });
    expect(loggedOut.status).toBe(200);
    expect(await sqlRows(t.databaseUrl, 'select 1 from browser_sessions where sid = $1 and ended_at is null', [linked!.sid])).toEqual([]);
    // The link request is single use: the same form again links nothing more.
    const replayed = await post(page, { password: 'local-password-123' });
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toMatch(/already used/);
    expect(await links()).toEqual([{ user_id: local.id, subject: 'mallory-1' }]);
    expect((await auditOf('federatedIdentityLinked')).map((row) => [row.outcome, row.reason])).toEqual([
      ['success', null],
      ['failure', 'link replayed'],
    ]);
    // The next sign-in through the upstream goes straight in as the local user.
    jar = new CookieJar();
    const next = await request(jar, await startAtFake(jar));
    expect(next.status).toBe(200);
    expect(continueUrl(await next.text())).toContain('/authorize/federated?');
    await sqlRows(t.databaseUrl, 'delete from users where id = $1', [local.id]);

    const fake = (await domain.identityProviders.listTrusted((await domain.tenants.findByPath('/acme'))!)).find((p) => p.alias === 'fake')!;
    await domain.identityProviders.updateTrusted(fake.id, { jitProvisioning: false });
    jar = new CookieJar();
    await expectRefused(await request(jar, await startAtFake(jar)), /does not create accounts on first sign-in/);
    await domain.identityProviders.updateTrusted(fake.id, { jitProvisioning: true });
    expect((await failures()).at(-1)?.reason).toBe('no linked user and just-in-time provisioning is off');
  });

  it('home-realm discovery: a typed password is checked locally for a shared domain, ignored for an exclusive one', async () => {
    const { domain } = t.server.app;
    const shared = await postSignIn(new CookieJar(), 'mallory@fake.test', 'a-password');
    expect(shared.status).toBe(400);
    expect(await shared.text()).toMatch(/Invalid username or password/);
    const fake = (await domain.identityProviders.listTrusted((await domain.tenants.findByPath('/acme'))!)).find((p) => p.alias === 'fake')!;
    await domain.identityProviders.updateTrusted(fake.id, { exclusive: true });
    try {
      const exclusive = await postSignIn(new CookieJar(), 'Mallory@FAKE.test', 'a-password');
      expect(exclusive.status).toBe(303);
      expect(exclusive.headers.get('location')!.startsWith(`${op.issuer}/authorize?`)).toBe(true);
    } finally {
      await domain.identityProviders.updateTrusted(fake.id, { exclusive: false });
    }
  });

  it('an upstream that is down: an error page at the sign-in form, nothing created', async () => {
    const jar = new CookieJar();
    const response = await postSignIn(jar, 'someone@down.test');
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Down Corp cannot be reached right now/);
    expect(jar.get('idp_federation')).toBeUndefined();
    expect((await failures()).at(-1)?.reason).toMatch(/^start: /);
  });

  it('provisioning: a file creates a provider (secret sealed, by reference), applying it again changes nothing', async () => {
    const { domain } = t.server.app;
    const text = JSON.stringify({
      tenants: [
        {
          path: '/acme',
          identityProviders: [
            {
              alias: 'filed',
              name: 'Filed',
              issuer: op.issuer,
              clientId: 'c',
              clientSecret: '${FILED_SECRET}',
              emailDomains: ['filed.test'],
            },
          ],
        },
      ],
    });
    const first = await domain.provisioning.apply(domain.provisioning.parse(text, { FILED_SECRET: 'filed-secret-value' }));
    expect(first.identityProviders).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const [row] = await sqlRows<{ client_secret_sealed: string }>(
      t.databaseUrl,
      "select client_secret_sealed from identity_providers where alias = 'filed'",
    );
    expect(row!.client_secret_sealed).not.toContain('filed-secret-value');
    const withoutSecret = text.replace(',"clientSecret":"${FILED_SECRET}"', '');
    const again = await domain.provisioning.apply(domain.provisioning.parse(withoutSecret, {}));
    expect(again.identityProviders).toEqual({ created: 0, updated: 0, unchanged: 1 });
    // The outbound policy holds for files too: a private issuer is refused, naming the entry.
    await expect(
      domain.provisioning.apply(domain.provisioning.parse(withoutSecret.replace(op.issuer, 'https://192.168.1.10'), {})),
    ).rejects.toThrow(/tenants\[0\]\.identityProviders\[0\]\.issuer/);
  });

  it('GraphQL: a refused URL is BAD_USER_INPUT naming the field; the secret is never readable', async () => {
    const sdk = await rootAdminSdk(t.url);
    const error = await graphqlError(
      sdk.createIdentityProvider({
        input: { tenantPath: '/acme', kind: 'OIDC', alias: 'gql', name: 'G', issuer: 'https://127.0.0.1.nip.io:0/x#y', clientId: 'c' },
      }),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'issuer' });
    const { identityProviders } = await sdk.identityProviders({ tenantPath: '/acme' });
    const fake = identityProviders.find((provider) => provider.alias === 'fake')!;
    expect(fake).toMatchObject({ hasClientSecret: true, redirectUri: `${acme()}/federation/fake/callback` });
    expect(JSON.stringify(identityProviders)).not.toContain('fake-secret');
  });

  it('refuses upstream URLs that are not https or point at private addresses (outbound policy), naming the field', async () => {
    const actor = await rootAdminActor(t.server.app.domain);
    const create = (issuer: string) =>
      t.server.app.domain.identityProviders.create(actor, {
        tenantPath: '/acme',
        kind: 'OIDC',
        alias: 'bad',
        name: 'Bad',
        issuer,
        clientId: 'x',
      });
    await expect(create('http://idp.example.com')).rejects.toMatchObject({ code: 'validation_failed', field: 'issuer' });
    await expect(create('https://10.1.2.3')).rejects.toMatchObject({ code: 'validation_failed', field: 'issuer' });
    await expect(
      t.server.app.domain.identityProviders.create(actor, {
        tenantPath: '/acme',
        kind: 'OIDC',
        alias: 'dup',
        name: 'Dup',
        issuer: op.issuer,
        clientId: 'x',
        emailDomains: ['FAKE.test'],
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  describe('linked sign-ins: the account page and the admin API', () => {
    const root = () => t.url;
    const form = (fields: Record<string, string>): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });

    /** Signs in at `/account` of tenant /acme with a password; the jar then holds the session. */
    async function accountSignIn(jar: CookieJar, username: string, password: string): Promise<void> {
      const signIn = await (await request(jar, `${root()}/account/sign-in?tenant=/acme`)).text();
      const posted = await request(
        jar,
        `${root()}/authorize/login`,
        form({ pending: formValue(signIn, 'pending'), csrf_token: formValue(signIn, 'csrf_token'), username, password }),
      );
      expect(posted.status).toBe(303);
      expect(jar.get('idp_session')).toBeDefined();
    }

    const accountPage = async (jar: CookieJar) => (await request(jar, `${root()}/account`)).text();

    /** "Link Fake" on the account page, through the fake upstream (as `sub`) to the callback: the callback's response. */
    async function linkFake(jar: CookieJar, sub: string): Promise<Response> {
      const page = await accountPage(jar);
      const started = await request(
        jar,
        `${root()}/account/federation/link`,
        form({ csrf_token: formValue(page, 'csrf_token'), provider: 'fake' }),
      );
      expect(started.status).toBe(303);
      const upstream = new URL(started.headers.get('location')!);
      expect(upstream.origin).toBe(op.issuer);
      op.state.nonce = upstream.searchParams.get('nonce')!;
      op.state.sub = sub;
      return request(
        jar,
        `${acme()}/federation/fake/callback?${new URLSearchParams({ code: 'c', state: upstream.searchParams.get('state')! })}`,
      );
    }

    let alice: string;
    let bob: string;
    beforeAll(async () => {
      const { domain } = t.server.app;
      const actor = await rootAdminActor(domain);
      op.state.flaw = 'none';
      alice = (await domain.users.create(actor, { tenantPath: '/acme', username: 'alice', password: 'alice-password-1' })).id;
      bob = (await domain.users.create(actor, { tenantPath: '/acme', username: 'bob', password: 'bob-password-1' })).id;
    });
    afterAll(async () => {
      op.state.sub = 'mallory-1';
      op.state.email = 'mallory@fake.test';
      await sqlRows(t.databaseUrl, "delete from users where username in ('alice', 'bob', 'jit')");
    });

    it('links from the account page, refuses an identity linked to another user (nothing changed), and unlinks', async () => {
      const aliceJar = new CookieJar();
      await accountSignIn(aliceJar, 'alice', 'alice-password-1');
      const linked = await linkFake(aliceJar, 'shared-1');
      expect(linked.status).toBe(200);
      expect(continueUrl(await linked.text())).toBe(`${root()}/account`);
      expect(await links()).toEqual([{ user_id: alice, subject: 'shared-1' }]);
      const page = await accountPage(aliceJar);
      expect(page).toMatch(/<h2 id="linked-title">Linked sign-ins<\/h2>/);
      expect(page).toContain('aria-label="Unlink Fake"');
      expect(page).not.toContain('Link Fake</button>');

      // Bob brings back the upstream identity Alice linked: an error page, nothing changed.
      const bobJar = new CookieJar();
      await accountSignIn(bobJar, 'bob', 'bob-password-1');
      const refused = await linkFake(bobJar, 'shared-1');
      expect(refused.status).toBe(400);
      expect(await refused.text()).toMatch(/already linked to another account here\. Nothing was changed/);
      expect(await links()).toEqual([{ user_id: alice, subject: 'shared-1' }]);

      const identityId = /data-identity-id="([^"]+)"/.exec(page)![1]!;
      const unlinked = await request(
        aliceJar,
        `${root()}/account/federation/unlink`,
        form({ csrf_token: formValue(page, 'csrf_token'), identity_id: identityId }),
      );
      expect(unlinked.status).toBe(303);
      expect(await links()).toEqual([]);
      expect((await auditOf('federatedIdentityLinked')).slice(-2).map((row) => [row.outcome, row.reason])).toEqual([
        ['success', null],
        ['failure', 'upstream identity linked to another user'],
      ]);
      expect((await auditOf('federatedIdentityUnlinked')).map((row) => row.outcome)).toEqual(['success']);
    });

    it('an account that owes a second factor is linked only after the sign-in’s own second-factor step', async () => {
      const { domain } = t.server.app;
      const tenant = (await domain.tenants.findByPath('/acme'))!;
      const user = await domain.users.create(await rootAdminActor(domain), {
        tenantPath: '/acme',
        username: 'mfa-user',
        password: 'mfa-password-1',
        email: 'mfa@fake.test',
      });
      const { manualKey } = await domain.secondFactors.startTotp(tenant, user);
      const [recoveryCode] = (await domain.secondFactors.confirmTotp(tenant, user, totpCode(manualKey), undefined))!;
      op.state.sub = 'mfa-1';
      op.state.email = 'mfa@fake.test';
      const jar = new CookieJar();
      const linkPage = await (await request(jar, continueUrl(await (await request(jar, await startAtFake(jar))).text()))).text();
      const proven = await request(
        jar,
        `${acme()}/authorize/federated/link`,
        form({ pending: formValue(linkPage, 'pending'), csrf_token: formValue(linkPage, 'csrf_token'), password: 'mfa-password-1' }),
      );
      expect(proven.status).toBe(200);
      const factorPage = await proven.text();
      expect(factorPage).toContain('action="/t/acme/authorize/second-factor"');
      expect(jar.get('idp_session')).toBeUndefined();
      expect(await links()).toEqual([]);
      const done = await request(
        jar,
        `${acme()}/authorize/second-factor`,
        form({ pending: formValue(factorPage, 'pending'), csrf_token: formValue(factorPage, 'csrf_token'), code: recoveryCode! }),
      );
      expect(done.status).toBe(303);
      expect(new URL(done.headers.get('location')!).searchParams.get('code')).toBeTruthy();
      expect(await links()).toEqual([{ user_id: user.id, subject: 'mfa-1' }]);
      await sqlRows(t.databaseUrl, 'delete from users where id = $1', [user.id]);
    });

    it('never unlinks the last way in (account page and admin API); admins list and unlink links of their subtree only', async () => {
      const { domain } = t.server.app;
      // A user made on a first federated sign-in: no password, no passkey, one link.
      op.state.sub = 'jit-1';
      op.state.email = 'jit@fake.test';
      const jar = new CookieJar();
      expect((await request(jar, await startAtFake(jar))).status).toBe(200);
      const [jit] = await sqlRows<{ id: string; link: string }>(
        t.databaseUrl,
        "select u.id::text as id, f.id::text as link from users u join federated_identities f on f.user_id = u.id where u.username = 'jit'",
      );
      const page = await accountPage(jar);
      const refused = await request(
        jar,
        `${root()}/account/federation/unlink`,
        form({ csrf_token: formValue(page, 'csrf_token'), identity_id: jit!.link }),
      );
      expect(refused.status).toBe(409);
      expect(await refused.text()).toMatch(/last way to sign in/);

      const sdk = await rootAdminSdk(t.url);
      const { user } = await sdk.userFederatedIdentities({ id: jit!.id });
      expect(user.federatedIdentities).toEqual([
        expect.objectContaining({ id: jit!.link, providerAlias: 'fake', providerName: 'Fake', subject: 'jit-1', issuer: op.issuer }),
      ]);
      expect((await graphqlError(sdk.unlinkFederatedIdentity({ id: jit!.link }))).extensions.code).toBe('CONFLICT');
      expect(await links()).toEqual([{ user_id: jit!.id, subject: 'jit-1' }]);

      // Bob has a password: an admin may unlink his link; an admin of another subtree cannot see or touch it.
      const tenant = (await domain.tenants.findByPath('/acme'))!;
      const fake = (await domain.identityProviders.listTrusted(tenant)).find((p) => p.alias === 'fake')!;
      const [{ id: bobLink } = { id: '' }] = await sqlRows<{ id: string }>(
        t.databaseUrl,
        `insert into federated_identities (id, tenant_id, user_id, provider_id, issuer, subject)
         values (gen_random_uuid(), $1, $2, $3, $4, 'bob-1') returning id::text as id`,
        [tenant.id, bob, fake.id, op.issuer],
      );
      await createTestTenant(domain, '/elsewhere');
      const elsewhere = (await domain.tenants.findByPath('/elsewhere'))!;
      const outsider = { ...(await rootAdminActor(domain)), tenantId: elsewhere.id, tenantPath: '/elsewhere' };
      await expect(domain.federatedIdentities.unlinkFor(outsider, bobLink, null)).rejects.toMatchObject({ code: 'not_found' });
      await expect(domain.federatedIdentities.listFor(outsider, bob)).rejects.toMatchObject({ code: 'not_found' });
      const removed = await sdk.unlinkFederatedIdentity({ id: bobLink });
      expect(removed.unlinkFederatedIdentity).toMatchObject({ id: bobLink, userId: bob, providerAlias: 'fake', subject: 'bob-1' });
      expect(await links()).toEqual([{ user_id: jit!.id, subject: 'jit-1' }]);
      expect((await graphqlError(sdk.unlinkFederatedIdentity({ id: bobLink }))).extensions.code).toBe('NOT_FOUND');
      expect((await auditOf('federatedIdentityUnlinked')).slice(-3).map((row) => [row.outcome, row.reason])).toEqual([
        ['failure', 'last way in'],
        ['failure', 'last way in'],
        ['success', null],
      ]);
    });
  });
});
