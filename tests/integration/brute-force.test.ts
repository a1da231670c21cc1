import { randomBytes } from 'node:crypto';
import { defaults } from '../../src/config/defaults';
import type { AuditEvent } from '../../src/domain/audit/audit-event';
import type { Domain } from '../../src/domain/create-domain';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createClient, createUser, USER_PASSWORD, type ClientFixture } from '../fixtures/grant-setup';
import { createCodeFlowClient } from '../fixtures/code-flow-client';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { basic, postForm } from '../support/oauth';
import { createAdminSdk } from '../../src/sdk/client';
import { deviceWorld } from '../fixtures/device-setup';
import { passwordTokens, testClock } from '../fixtures/token-clients';
import { errorCode } from '../support/admin-sdk';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

type OAuthBody = { access_token?: string; error?: string; error_description?: string };

/**
 * Brute force (issue 12 §4): failed password and client-secret checks are
 * counted in PostgreSQL per account, client and IP, shared by every
 * instance, and answered 429 with Retry-After under a progressive lockout
 * that always ends. Requests arrive through a "proxy" (TRUST_PROXY=loopback),
 * so each test speaks from client IPs of its own.
 */
describe('brute-force throttling', () => {
  const clock = testClock();
  const secretKey = randomBytes(32).toString('base64');
  const env = { TRUST_PROXY: 'loopback', SECRET_KEY: secretKey };
  const { account, client: clientRule, ip: ipRule } = defaults.bruteForce;
  let a: TestServer;
  let b: TestServer;
  let domain: Domain;
  let app: ClientFixture;
  let ipCounter = 0;
  const freshIp = () => `203.0.113.${++ipCounter}`;

  beforeAll(async () => {
    a = await startTestServer({ clock, env });
    // A second instance on the same database (same SECRET_KEY, so it verifies the same client secrets).
    b = await startTestServer({ clock, env, databaseUrl: a.databaseUrl });
    domain = a.server.app.domain;
    app = await createClient(domain, { tenantPath: '/', grantTypes: ['password', 'client_credentials'], allowedScopes: ['email'] });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
  afterEach(() => clock.reset());

  const passwordGrant = (server: TestServer, username: string, password: string, ip: string, requestId?: string) =>
    postForm<OAuthBody>(`${server.url}/token`, { grant_type: 'password', username, password }, {
      authorization: basic(app.clientId, app.clientSecret!),
      'x-forwarded-for': ip,
      ...(requestId ? { 'x-request-id': requestId } : {}),
    });

  const retryAfter = (res: { headers: Headers }): number => Number(res.headers.get('retry-after'));

  const throttleEvents = async (): Promise<AuditEvent[]> => {
    await domain.audit.flush();
    return (await domain.audit.list(await rootAdminActor(domain), { action: 'throttle' }, { first: 100 })).nodes;
  };

  const dbQueriesOn = async (server: TestServer, route: string): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`db_queries_total{route="${route}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('password grant: 200 wrong passwords get 429 invalid_grant with Retry-After after the threshold; the right password is refused in the window and works after it', async () => {
    const user = await createUser(domain, '/');
    const ip = freshIp();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof passwordGrant>> | undefined;
    for (let i = 0; i < 200; i++) {
      last = await passwordGrant(a, user.username, `wrong-${i}`, ip);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, account.threshold)).toEqual(Array(account.threshold).fill(400));
    expect(statuses.slice(account.threshold).every((s) => s === 429)).toBe(true);
    expect(last!.body.error).toBe('invalid_grant');
    expect(retryAfter(last!)).toBeGreaterThan(0);
    expect(retryAfter(last!)).toBeLessThanOrEqual(account.baseLockSeconds);

    const refused = await passwordGrant(a, user.username, USER_PASSWORD, ip);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/too many failed attempts/) });
    expect(refused.body.access_token).toBeUndefined();

    // The lock ends; one more failure locks again for twice as long.
    clock.advance(account.baseLockSeconds + 1);
    expect((await passwordGrant(a, user.username, 'wrong-again', ip)).status).toBe(400);
    const doubled = await passwordGrant(a, user.username, USER_PASSWORD, ip);
    expect(doubled.status).toBe(429);
    expect(retryAfter(doubled)).toBeGreaterThan(account.baseLockSeconds);
    expect(retryAfter(doubled)).toBeLessThanOrEqual(2 * account.baseLockSeconds);

    clock.advance(2 * account.baseLockSeconds + 1);
    const ok = await passwordGrant(a, user.username, USER_PASSWORD, ip);
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toEqual(expect.any(String));
    // A success forgets the account's failures: one typo is again just a typo.
    expect((await passwordGrant(a, user.username, 'typo', ip)).status).toBe(400);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, ip)).status).toBe(200);
  });

  it('counts failures spread over two instances on one database together', async () => {
    const user = await createUser(domain, '/');
    const servers = [a, b];
    for (let i = 0; i < account.threshold; i++) {
      // Each guess from another instance and another IP: only the shared per-account count can stop them.
      expect((await passwordGrant(servers[i % 2]!, user.username, `wrong-${i}`, freshIp())).status).toBe(400);
    }
    for (const server of servers) {
      const res = await passwordGrant(server, user.username, USER_PASSWORD, freshIp());
      expect(res.status).toBe(429);
      expect(res.body.error).toBe('invalid_grant');
    }
    // An instance started after the failures loads them from the table (it saw none of the notifications).
    const c = await startTestServer({ clock, env, databaseUrl: a.databaseUrl });
    try {
      expect((await passwordGrant(c, user.username, USER_PASSWORD, freshIp())).status).toBe(429);
    } finally {
      await c.close();
    }
    clock.advance(account.baseLockSeconds + 1);
    expect((await passwordGrant(b, user.username, USER_PASSWORD, freshIp())).status).toBe(200);
  });

  it('never locks a victim for longer than the cap: an attacker who waits out every lock still leaves the account usable after it', async () => {
    const user = await createUser(domain, '/');
    const waits: number[] = [];
    for (let guesses = 0; guesses < account.threshold + 8; ) {
      const res = await passwordGrant(a, user.username, `guess-${guesses}`, freshIp());
      if (res.status === 429) {
        waits.push(retryAfter(res));
        clock.advance(retryAfter(res));
      } else {
        expect(res.status).toBe(400);
        guesses++;
      }
    }
    // Progressive: the lock doubles with each failure past the threshold, and never exceeds the cap.
    expect(waits.slice(0, 4).map((w) => Math.round(w / account.baseLockSeconds))).toEqual([1, 2, 4, 8]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(account.maxLockSeconds);

    // The attacker stops; the victim signs in once the capped lock after the last failure is over.
    clock.advance(account.maxLockSeconds + 1);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, freshIp())).status).toBe(200);
  });

  it('throttles failed client authentication per client_id on /token, /introspect, /revoke and seed 000 /client/login (429 invalid_client, Retry-After)', async () => {
    const service = await createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    const right = { authorization: basic(service.clientId, service.clientSecret!) };
    for (let i = 0; i < clientRule.threshold; i++) {
      const res = await postForm<OAuthBody>(`${a.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(service.clientId, `wrong-secret-${i}`), 'x-forwarded-for': freshIp() });
      expect(res.status).toBe(401);
    }
    const token = await postForm<OAuthBody>(`${a.url}/token`, { grant_type: 'client_credentials' }, right);
    expect(token.status).toBe(429);
    expect(token.body.error).toBe('invalid_client');
    expect(retryAfter(token)).toBeGreaterThan(0);
    // Instance b learns of a's failures over the change bus (or, at the latest, from the count its own next failure returns).
    await waitUntil(async () => (await postForm(`${b.url}/introspect`, { token: 'x' }, { authorization: basic(service.clientId, 'still-wrong') })).status === 429);
    for (const path of ['/introspect', '/revoke']) {
      const res = await postForm<OAuthBody>(`${b.url}${path}`, { token: 'whatever' }, right);
      expect([path, res.status, res.body.error]).toEqual([path, 429, 'invalid_client']);
    }
    const login = await postForm<OAuthBody>(`${a.url}/client/login`, { client_id: service.clientId, password: service.clientSecret! });
    expect(login.status).toBe(429);
    expect(login.headers.get('retry-after')).toEqual(expect.any(String));

    clock.advance(clientRule.maxLockSeconds + 1);
    expect((await postForm<OAuthBody>(`${a.url}/token`, { grant_type: 'client_credentials' }, right)).status).toBe(200);
  });

  it('throttles the hosted sign-in form, with a clear message and Retry-After', async () => {
    const codeClient = await createCodeFlowClient(domain, { firstParty: true });
    const user = await createUser(domain, '/');
    const browser = new FetchBrowser(a.url, { 'x-forwarded-for': freshIp() });
    const url = `/authorize?${new URLSearchParams({ client_id: codeClient.clientId, response_type: 'code', redirect_uri: codeClient.redirectUri, scope: 'openid', state: 's' })}`;
    let page = await browser.get(url);
    expect(page.status).toBe(200);
    for (let i = 0; i < account.threshold; i++) {
      page = await browser.post('/authorize/login', { ...hiddenFields(page.body), username: user.username, password: `wrong-${i}` });
      expect(page.status).toBe(400);
      expect(page.body).toContain('Invalid username or password.');
    }
    page = await browser.post('/authorize/login', { ...hiddenFields(page.body), username: user.username, password: USER_PASSWORD });
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toEqual(expect.any(String));
    expect(page.body).toContain('Too many failed sign-in attempts. Try again in');
    expect(page.location).toBeNull();

    clock.advance(account.baseLockSeconds + 1);
    const signedIn = await browser.post('/authorize/login', { ...hiddenFields(page.body), username: user.username, password: USER_PASSWORD });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toMatch(/[?&]code=/);
  });

  it('throttles one client IP (TRUST_PROXY) spraying many accounts, more loosely than one account, and no other IP', async () => {
    const user = await createUser(domain, '/');
    const sprayer = freshIp();
    for (let i = 0; i < ipRule.threshold; i++) {
      // A different (unknown) account each time: only the per-IP count grows.
      expect((await passwordGrant(a, `nobody-${i}`, 'guess', sprayer)).status).toBe(400);
    }
    expect(ipRule.threshold).toBeGreaterThan(account.threshold);
    const fromSprayer = await passwordGrant(a, user.username, USER_PASSWORD, sprayer);
    expect(fromSprayer.status).toBe(429);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, freshIp())).status).toBe(200);
  });

  it('leaves a throttle audit event with target, tenant, client IP and request id', async () => {
    const user = await createUser(domain, '/');
    const ip = freshIp();
    for (let i = 0; i < account.threshold; i++) await passwordGrant(a, user.username, `wrong-${i}`, ip, `bf-fail-${i}`);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, ip, 'bf-refused')).status).toBe(429);
    const events = (await throttleEvents()).filter((e) => e.targetKind === 'account' && e.targetId === user.username);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'throttle', outcome: 'failure', tenantPath: '/', actorClientId: app.clientId, clientIp: ip, requestId: `bf-fail-${account.threshold - 1}`, detail: expect.objectContaining({ phase: 'locked', failures: account.threshold }) }),
        expect.objectContaining({ action: 'throttle', clientIp: ip, requestId: 'bf-refused', detail: expect.objectContaining({ phase: 'refused' }) }),
      ]),
    );
    const kinds = new Set((await throttleEvents()).map((e) => e.targetKind));
    expect([...kinds].sort()).toEqual(['account', 'client', 'ip']);
  });

  it('keeps the success path free: client_credentials without recent failures makes no database query; a recent failure costs one check, then none', async () => {
    const service = await createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    const cc = () => postForm<OAuthBody>(`${b.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(service.clientId, service.clientSecret!) });
    // Warm-up: the first requests on this instance load the client, tenant and key caches (some of it settles after the answer).
    for (let i = 0; i < 3; i++) expect((await cc()).status).toBe(200);
    const before = await dbQueriesOn(b, '/token');
    for (let i = 0; i < 20; i++) expect((await cc()).status).toBe(200);
    expect(await dbQueriesOn(b, '/token')).toBe(before);

    // One failure (on this instance): the next success reads the count once and forgets the failure.
    // (from another IP: a failing IP stays hinted, and so checked, for its whole window; a succeeding client is forgotten at once)
    expect((await postForm(`${b.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(service.clientId, 'not-the-secret'), 'x-forwarded-for': freshIp() })).status).toBe(401);
    const afterFailure = await dbQueriesOn(b, '/token');
    expect((await cc()).status).toBe(200);
    expect(await dbQueriesOn(b, '/token')).toBeGreaterThan(afterFailure);
    const cleared = await dbQueriesOn(b, '/token');
    for (let i = 0; i < 5; i++) expect((await cc()).status).toBe(200);
    expect(await dbQueriesOn(b, '/token')).toBe(cleared);
  });

  // Last: its GraphQL calls come from the socket's own address (127.0.0.1), which then stays hinted.
  it('throttles the device password confirmation (GraphQL createDevice) on the shared per-account count', async () => {
    const world = await deviceWorld(domain, '/devbf');
    const tokens = await passwordTokens(a.url, world.app, world.username, world.password, 'openid', { tenant_path: '/devbf' });
    const sdk = createAdminSdk(a.url, tokens.access_token);
    for (let i = 0; i < account.threshold; i++) expect(await errorCode(sdk.createDevice({ name: 'x', password: `wrong-${i}` }))).toBe('BAD_USER_INPUT');
    // Locked: the right password is refused here, and at the password grant too (one count per account).
    expect(await errorCode(sdk.createDevice({ name: 'x', password: world.password }))).not.toBe('BAD_USER_INPUT');
    const grant = await postForm<OAuthBody>(`${a.url}/token`, { grant_type: 'password', username: world.username, password: world.password, tenant_path: '/devbf' }, { authorization: basic(world.app.clientId, world.app.clientSecret!) });
    expect([grant.status, grant.body.error]).toEqual([429, 'invalid_grant']);
    clock.advance(account.baseLockSeconds + 1);
    expect((await sdk.createDevice({ name: 'laptop', password: world.password })).createDevice.DeviceId).toEqual(expect.any(String));
  });
});
