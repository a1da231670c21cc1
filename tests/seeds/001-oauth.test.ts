/**
 * Seed 001 (OAuth sample server README): /register_client, /register_user,
 * GET /authorize, POST /token (authorization_code, refresh_token,
 * client_credentials) and POST /api, replayed with the document's field names
 * and content types, plus the error cases.
 */
import { ClientEntity } from '../../src/entities/client.entity';
import { UserEntity } from '../../src/entities/user.entity';
import { createTestClient } from '../fixtures/token-clients';
import {
  callApi,
  redeemCode,
  refreshTokens,
  registerClient,
  registerUser,
  seed001AuthorizeUrl,
  seed001Client,
  seed001User,
  type Seed001Client,
  type Seed001User,
} from '../fixtures/seed001';
import { rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, queryOf } from '../support/browser';
import { clientCredentialsToken, postForm } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

const REDIRECT = 'http://localhost:3000/callback';
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;

/** A seed 001 code-flow or refresh answer: status SUCCESS beside the RFC 6749 §5.1 fields, with a refresh token. */
const seed001Tokens = (scope: string) => ({
  status: 'SUCCESS',
  access_token: expect.stringMatching(JWT),
  refresh_token: expect.any(String),
  token_type: 'Bearer',
  expires_in: 3600,
  scope,
});

/** Seed 001's failure shape, with the RFC 6749 fields beside it. */
const failed = (error: string) => ({ status: 'FAILED', message: expect.any(String), error, error_description: expect.any(String) });

describe('seed 001: OAuth sample server API', () => {
  let t: TestServer;
  let admin: string;

  const clientCount = () => t.server.orm.em.fork().count(ClientEntity, {});
  const userCount = () => t.server.orm.em.fork().count(UserEntity, {});

  /** Hosted sign-in and consent with a cookie-keeping fetch "browser"; returns the redirect's query. */
  async function authorize(client: Seed001Client, user: Seed001User, scope: string, state: string): Promise<Record<string, string>> {
    const browser = new FetchBrowser(t.url);
    const signIn = await browser.get(seed001AuthorizeUrl(t.url, client, scope, state));
    expect(signIn.status).toBe(200);
    const signedIn = await browser.post('/authorize/login', {
      ...hiddenFields(signIn.body),
      username: user.username,
      password: user.password,
    });
    // The consent page shows until the user has allowed these scopes once; then the sign-in redirects at once.
    const done =
      signedIn.status === 200 ? await browser.post('/authorize/consent', { ...hiddenFields(signedIn.body), decision: 'allow' }) : signedIn;
    expect(done.status).toBe(303);
    expect(done.location!.startsWith(`${client.redirect_uri}?`)).toBe(true);
    return queryOf(done.location);
  }

  beforeAll(async () => {
    t = await startTestServer();
    admin = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /register_client', () => {
    it('registers a confidential seed 001 client from a form: {"status": "SUCCESS", "message": "register client successfully"} plus its ids', async () => {
      const client = seed001Client(REDIRECT);
      const res = await registerClient(t.url, { ...client }, admin);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        status: 'SUCCESS',
        message: 'register client successfully',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        client_id: client.client_id,
        client_secret: client.client_secret,
        redirect_uri: REDIRECT,
        tenant_path: '/',
      });
      const { client: seen } = await (await rootAdminSdk(t.url)).client({ clientId: client.client_id });
      expect(seen).toMatchObject({
        id: res.body.id,
        isPublic: false,
        firstParty: false,
        redirectUris: [REDIRECT],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        allowedScopes: ['username', 'email', 'firstname', 'lastname', 'phone'],
        responseStyle: 'SEED001',
      });
    });

    it('accepts a JSON body too, and generates the secret when none is supplied', async () => {
      const res = await fetch(`${t.url}/register_client`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ client_id: 'json-registered-app', redirect_uri: REDIRECT }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 'SUCCESS',
        message: 'register client successfully',
        client_id: 'json-registered-app',
        id: expect.any(String),
      });
      expect(body.client_secret).toEqual(expect.stringMatching(/^.{40,}$/));
      const cc = await postForm(`${t.url}/token`, {
        grant_type: 'client_credentials',
        client_id: 'json-registered-app',
        client_secret: body.client_secret as string,
      });
      expect(cc.status).toBe(200);
    });

    it('requires a bearer (401 with WWW-Authenticate), a valid one (401) and scope admin (403); writes nothing', async () => {
      const before = await clientCount();
      const service = await createTestClient(t.server.app.domain, '/', 'service');
      const serviceToken = await clientCredentialsToken(t.url, service.clientId, service.clientSecret!);
      const none = await registerClient(t.url, seed001Client(REDIRECT) as never);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(none.body).toEqual(failed('invalid_token'));
      const bad = await registerClient(t.url, seed001Client(REDIRECT) as never, `${admin}x`);
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(bad.body).toEqual(failed('invalid_token'));
      const notAdmin = await registerClient(t.url, seed001Client(REDIRECT) as never, serviceToken);
      expect(notAdmin.status).toBe(403);
      expect(notAdmin.body).toEqual(failed('access_denied'));
      expect(await clientCount()).toBe(before + 1);
    });

    it('refuses missing or invalid fields with 400 naming the seed field, and a taken client_id with 409', async () => {
      const client = seed001Client(REDIRECT);
      const before = await clientCount();
      const cases: [Record<string, string>, string][] = [
        [{ client_secret: client.client_secret, redirect_uri: REDIRECT }, 'client_id'],
        [{ client_id: client.client_id, client_secret: client.client_secret }, 'redirect_uri'],
        [{ ...client, client_secret: 'too-short' }, 'client_secret'],
        [{ ...client, client_id: 'x' }, 'client_id'],
        [{ ...client, redirect_uri: 'not a uri' }, 'redirect_uri'],
        [{ ...client, redirect_uri: 'https:/app.example/cb' }, 'redirect_uri'],
        [{ ...client, redirect_uri: 'https://user:pw@app.example/cb' }, 'redirect_uri'],
        [{ ...client, redirect_uri: 'https://*.example/cb' }, 'redirect_uri'],
        // Client ids the server makes itself (the account page's, the console's) are reserved.
        [{ ...client, client_id: 'account.00000000-0000-4000-8000-000000000000' }, 'client_id'],
        [{ ...client, client_id: 'console' }, 'client_id'],
        [{ ...client, tenant_path: 'no-slash' }, 'tenant_path'],
      ];
      for (const [form, field] of cases) {
        const res = await registerClient(t.url, form, admin);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body).toEqual(failed('invalid_request'));
        expect(res.body.message).toMatch(new RegExp(`^${field}: `));
      }
      expect(await clientCount()).toBe(before);
      expect((await registerClient(t.url, { ...client }, admin)).status).toBe(200);
      const again = await registerClient(t.url, { ...client, client_secret: 'another-secret-0123456789' }, admin);
      expect(again.status).toBe(409);
      expect(again.body).toEqual(failed('invalid_request'));
      // The first registration's secret still works: the conflict changed nothing.
      expect(
        (
          await postForm(`${t.url}/token`, {
            grant_type: 'client_credentials',
            client_id: client.client_id,
            client_secret: client.client_secret,
          })
        ).status,
      ).toBe(200);
    });

    it('acts in a tenant_path inside the admin’s subtree, and answers one outside it as one that does not exist (404)', async () => {
      const { domain } = t.server.app;
      const sdk = await rootAdminSdk(t.url);
      await sdk.createTenant({ input: { path: '/acme' } });
      await sdk.createTenant({ input: { path: '/acme/eu' } });
      const acmeAdmin = await createTestClient(domain, '/acme', 'service', { allowedScopes: ['admin'] });
      const acmeToken = await clientCredentialsToken(t.url, acmeAdmin.clientId, acmeAdmin.clientSecret!);
      const inside = await registerClient(t.url, { ...seed001Client(REDIRECT), tenant_path: '/acme/eu' }, acmeToken);
      expect(inside.status).toBe(200);
      expect(inside.body.tenant_path).toBe('/acme/eu');
      const own = await registerClient(t.url, { ...seed001Client(REDIRECT) }, acmeToken);
      expect(own.body.tenant_path).toBe('/acme');
      const before = await clientCount();
      const outside = await registerClient(t.url, { ...seed001Client(REDIRECT), tenant_path: '/' }, acmeToken);
      expect(outside.status).toBe(404);
      expect(outside.body).toEqual({ ...failed('invalid_request'), message: 'tenant "/" not found' });
      expect(await clientCount()).toBe(before);
    });
  });

  describe('POST /register_user', () => {
    it('registers a user with the six documented fields: {"status": "SUCCESS", "message": "register user successfully"} plus its id', async () => {
      const user = seed001User();
      const res = await registerUser(t.url, { ...user }, admin);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        status: 'SUCCESS',
        message: 'register user successfully',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: user.username,
        tenant_path: '/',
      });
      const { user: seen } = await (await rootAdminSdk(t.url)).user({ id: res.body.id as string });
      expect(seen).toMatchObject({
        username: user.username,
        email: user.email,
        phone: user.phone,
        firstname: user.firstname,
        lastname: user.lastname,
      });
    });

    it('accepts a JSON body too', async () => {
      const user = seed001User();
      const res = await fetch(`${t.url}/register_user`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify(user),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'SUCCESS', message: 'register user successfully', id: expect.any(String) });
    });

    it('refuses JSON values that are not strings with 400 naming the field', async () => {
      const before = await userCount();
      const res = await fetch(`${t.url}/register_user`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ ...seed001User(), phone: 6281234567890 }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ ...failed('invalid_request'), message: expect.stringMatching(/^phone: /) });
      const client = await fetch(`${t.url}/register_client`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ ...seed001Client(REDIRECT), redirect_uri: [REDIRECT] }),
      });
      expect(client.status).toBe(400);
      expect(((await client.json()) as { message: string }).message).toMatch(/^redirect_uri: /);
      const malformed = await fetch(`${t.url}/register_user`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: '{"username":',
      });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toEqual(failed('invalid_request'));
      expect(await userCount()).toBe(before);
    });

    it('refuses bad input with 400 naming the field, a taken username with 409, a missing bearer with 401; writes nothing', async () => {
      const user = seed001User();
      expect((await registerUser(t.url, { ...user }, admin)).status).toBe(200);
      const before = await userCount();
      const cases: [Record<string, string>, string][] = [
        [{ ...seed001User(), username: '' }, 'username'],
        [{ ...seed001User(), password: 'short' }, 'password'],
        [{ ...seed001User(), email: 'not-an-email' }, 'email'],
        [{ ...seed001User(), phone: 'call me' }, 'phone'],
      ];
      for (const [form, field] of cases) {
        const res = await registerUser(t.url, form, admin);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body.message).toMatch(new RegExp(`^${field}: `));
      }
      const taken = await registerUser(t.url, { ...user }, admin);
      expect(taken.status).toBe(409);
      expect(taken.body).toEqual(failed('invalid_request'));
      const anonymous = await registerUser(t.url, { ...seed001User() });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(anonymous.body).toEqual(failed('invalid_token'));
      expect(await userCount()).toBe(before);
    });

    it('is open without a bearer where the tenant allows self sign-up (set through GraphQL), throttled per address with 429 and Retry-After', async () => {
      const sdk = await rootAdminSdk(t.url);
      const { createTenant } = await sdk.createTenant({ input: { path: '/shop', allowSelfSignup: false } });
      expect(createTenant.allowSelfSignup).toBe(false);
      expect((await registerUser(t.url, { ...seed001User(), tenant_path: '/shop' })).status).toBe(401);
      const { updateTenant } = await sdk.updateTenant({ path: '/shop', input: { allowSelfSignup: true } });
      expect(updateTenant.allowSelfSignup).toBe(true);

      const first = await registerUser(t.url, { ...seed001User(), tenant_path: '/shop' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'SUCCESS', message: 'register user successfully', tenant_path: '/shop' });
      // The limit is 5 attempts per 15 minutes per address and tenant; failed attempts count too.
      expect((await registerUser(t.url, { ...seed001User(), tenant_path: '/shop', password: 'short' })).status).toBe(400);
      for (let i = 0; i < 3; i++) expect((await registerUser(t.url, { ...seed001User(), tenant_path: '/shop' })).status).toBe(200);
      const before = await userCount();
      const throttled = await registerUser(t.url, { ...seed001User(), tenant_path: '/shop' });
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(throttled.body).toEqual(failed('temporarily_unavailable'));
      // Without TRUST_PROXY, X-Forwarded-For is not believed: a forged one does not open a new bucket.
      const forged = await postForm(
        `${t.url}/register_user`,
        { ...seed001User(), tenant_path: '/shop' },
        { 'x-forwarded-for': '198.51.100.1' },
      );
      expect(forged.status).toBe(429);
      expect(await userCount()).toBe(before);
      // An admin is not throttled, and self sign-up stays closed where it is off.
      expect((await registerUser(t.url, { ...seed001User(), tenant_path: '/shop' }, admin)).status).toBe(200);
      expect((await registerUser(t.url, { ...seed001User(), tenant_path: '/nowhere' })).status).toBe(401);
    });
  });

  describe('self sign-up behind a trusted proxy (TRUST_PROXY)', () => {
    let proxied: TestServer;

    beforeAll(async () => {
      proxied = await startTestServer({ env: { TRUST_PROXY: 'loopback' } });
      const sdk = await rootAdminSdk(proxied.url);
      await sdk.createTenant({ input: { path: '/open', allowSelfSignup: true } });
    });
    afterAll(async () => {
      await proxied?.close();
    });

    it('throttles per client IP taken from X-Forwarded-For, not per proxy address', async () => {
      const from = (ip: string) =>
        postForm(`${proxied.url}/register_user`, { ...seed001User(), tenant_path: '/open' }, { 'x-forwarded-for': ip });
      for (let i = 0; i < 5; i++) expect((await from('203.0.113.7')).status).toBe(200);
      const throttled = await from('203.0.113.7');
      expect(throttled.status).toBe(429);
      expect(throttled.body).toEqual(failed('temporarily_unavailable'));
      // Another client behind the same proxy has a bucket of its own.
      expect((await from('203.0.113.8')).status).toBe(200);
    });
  });

  describe('authorization code flow without PKCE, /api and refresh (fetch browser)', () => {
    let client: Seed001Client;
    let user: Seed001User;

    beforeAll(async () => {
      client = seed001Client(REDIRECT);
      user = seed001User();
      expect((await registerClient(t.url, { ...client }, admin)).status).toBe(200);
      expect((await registerUser(t.url, { ...user }, admin)).status).toBe(200);
    });

    it('GET /authorize ends in {redirect_uri}?code=…&state=…; POST /token answers status SUCCESS with access and refresh tokens', async () => {
      const query = await authorize(client, user, 'username email', 'YOUR_STATE');
      expect(query).toEqual({ code: expect.any(String), state: 'YOUR_STATE', iss: t.issuer });

      const token = await redeemCode(t.url, client, query.code!);
      expect(token.status).toBe(200);
      expect(token.headers.get('cache-control')).toBe('no-store');
      expect(token.body).toEqual(seed001Tokens('username email'));

      const api = await callApi(t.url, token.body.access_token as string);
      expect(api.status).toBe(200);
      expect(api.headers.get('content-type')).toMatch(/^application\/json/);
      expect(api.body).toEqual({ status: 'SUCCESS', data: { email: user.email, username: user.username } });

      const refreshed = await refreshTokens(t.url, client, token.body.refresh_token as string);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toEqual(seed001Tokens('username email'));
      expect(refreshed.body.refresh_token).not.toBe(token.body.refresh_token);
      expect((await callApi(t.url, refreshed.body.access_token as string)).body).toEqual({
        status: 'SUCCESS',
        data: { email: user.email, username: user.username },
      });

      // Errors keep the RFC 6749 shape, without status.
      const replay = await redeemCode(t.url, client, query.code!);
      expect(replay.status).toBe(400);
      expect(replay.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
      const wrongSecret = await postForm(`${t.url}/token`, {
        grant_type: 'refresh_token',
        client_id: client.client_id,
        client_secret: 'wrong-secret-0123456789',
        refresh_token: refreshed.body.refresh_token as string,
      });
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    });

    it('/api holds exactly the fields of the granted scopes', async () => {
      const query = await authorize(client, user, 'username email firstname lastname phone', 'all-five');
      const token = await redeemCode(t.url, client, query.code!);
      const api = await callApi(t.url, token.body.access_token as string);
      expect(api.body).toEqual({
        status: 'SUCCESS',
        data: { username: user.username, email: user.email, firstname: user.firstname, lastname: user.lastname, phone: user.phone },
      });
      const narrow = await postForm(`${t.url}/token`, {
        grant_type: 'refresh_token',
        client_id: client.client_id,
        client_secret: client.client_secret,
        refresh_token: token.body.refresh_token as string,
        scope: 'phone',
      });
      expect((await callApi(t.url, narrow.body.access_token as string)).body).toEqual({ status: 'SUCCESS', data: { phone: user.phone } });
      // GET and a bodiless POST are served alike.
      const get = await fetch(`${t.url}/api`, { headers: { authorization: `Bearer ${narrow.body.access_token as string}` } });
      expect(await get.json()).toEqual({ status: 'SUCCESS', data: { phone: user.phone } });
    });

    it('refuses, by redirect with invalid_scope, a scope outside the seed scopes', async () => {
      const browser = new FetchBrowser(t.url);
      const res = await browser.get(seed001AuthorizeUrl(t.url, client, 'username openid', 's'));
      expect(res.status).toBe(302);
      expect(queryOf(res.location)).toMatchObject({ error: 'invalid_scope', state: 's' });
    });

    it('client_credentials answers {"status": "SUCCESS", "access_token": …} without a refresh token; /api then has no user fields', async () => {
      const res = await postForm(`${t.url}/token`, {
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'SUCCESS',
        access_token: expect.stringMatching(JWT),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'username email firstname lastname phone',
      });
      expect((await callApi(t.url, res.body.access_token as string)).body).toEqual({ status: 'SUCCESS', data: {} });
    });

    it('/api without a valid token: 401, JSON error and WWW-Authenticate: Bearer', async () => {
      const none = await postForm(`${t.url}/api`, {});
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(none.body).toEqual(failed('invalid_token'));
      const bad = await callApi(t.url, 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(bad.body).toEqual(failed('invalid_token'));
      // Through Express (a query string skips the fast path) the answer is the same.
      const viaExpress = await postForm(`${t.url}/api?via=express`, {});
      expect([viaExpress.status, viaExpress.body]).toEqual([none.status, none.body]);
    });

    it('a revoked access token is refused by /api', async () => {
      const query = await authorize(client, user, 'username', 'r');
      const token = await redeemCode(t.url, client, query.code!);
      const accessToken = token.body.access_token as string;
      expect((await callApi(t.url, accessToken)).status).toBe(200);
      const revoked = await postForm(`${t.url}/revoke`, {
        token: accessToken,
        client_id: client.client_id,
        client_secret: client.client_secret,
      });
      expect(revoked.status).toBe(200);
      expect((await callApi(t.url, accessToken)).status).toBe(401);
    });

    it('an admin can switch the response style back to STANDARD through GraphQL', async () => {
      const other = seed001Client(REDIRECT);
      await registerClient(t.url, { ...other }, admin);
      const sdk = await rootAdminSdk(t.url);
      const { updateClient } = await sdk.updateClient({ clientId: other.client_id, input: { responseStyle: 'STANDARD' } });
      expect(updateClient.responseStyle).toBe('STANDARD');
      const res = await postForm(`${t.url}/token`, {
        grant_type: 'client_credentials',
        client_id: other.client_id,
        client_secret: other.client_secret,
      });
      expect(res.status).toBe(200);
      expect(res.body.status).toBeUndefined();
      expect(res.body.access_token).toEqual(expect.stringMatching(JWT));
    });
  });
});
