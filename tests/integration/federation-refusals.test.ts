import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { pkcePair } from '../fixtures/pkce';
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
  const state = { flaw: 'none' as Flaw, nonce: '', clientId: '', tokenRequests: 0 };
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
          sub: 'mallory-1',
          aud: flaw === 'aud' ? 'someone-else' : state.clientId,
          nonce: flaw === 'nonce' ? 'not-the-nonce' : state.nonce,
          iat: flaw === 'expired' ? now - 7200 : now,
          exp: flaw === 'expired' ? now - 3600 : now + 300,
          email: 'mallory@fake.test',
          preferred_username: 'mallory',
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
  return { issuer, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
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

  it('never links by email: an upstream identity whose email a local user has is refused; with JIT off an unknown identity is refused', async () => {
    op.state.flaw = 'none';
    const { domain } = t.server.app;
    const local = await domain.users.create(await rootAdminActor(domain), {
      tenantPath: '/acme',
      username: 'mallory-local',
      password: 'local-password-123',
      email: 'mallory@fake.test',
    });
    let jar = new CookieJar();
    await expectRefused(await request(jar, await startAtFake(jar)), /never joined by email/);
    await sqlRows(t.databaseUrl, 'delete from users where id = $1', [local.id]);
    const fake = (await domain.identityProviders.listTrusted((await domain.tenants.findByPath('/acme'))!)).find((p) => p.alias === 'fake')!;
    await domain.identityProviders.updateTrusted(fake.id, { jitProvisioning: false });
    jar = new CookieJar();
    await expectRefused(await request(jar, await startAtFake(jar)), /does not create accounts on first sign-in/);
    await domain.identityProviders.updateTrusted(fake.id, { jitProvisioning: true });
    expect((await failures()).slice(-2).map((row) => row.reason)).toEqual([
      'username or email collides with an existing user',
      'no linked user and just-in-time provisioning is off',
    ]);
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
});
