import { randomBytes } from 'node:crypto';
import { defaults } from '../../src/config/defaults';
import type { AuditEvent } from '../../src/domain/audit/audit-event';
import type { Domain } from '../../src/composition/create-domain';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createClient, createUser, ensureTenant, USER_PASSWORD, type ClientFixture } from '../fixtures/grant-setup';
import { createCodeFlowClient } from '../fixtures/code-flow-client';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { basic, postForm } from '../support/oauth';
import { createAdminSdk } from '../../src/sdk/client';
import { deviceWorld } from '../fixtures/device-setup';
import { passwordTokens, testClock } from '../fixtures/token-clients';
import { errorCode } from '../support/admin-sdk';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

type OAuthBody = { access_token?: string; error?: string; error_description?: string };

/**
 * Brute force: failed password and client-secret checks are counted in
 * PostgreSQL per credential AND source (client IP), with a slower
 * credential-wide brake for unknown sources and a per-source brake that only
 * slows failing guesses; shared by every instance, answered 429 with
 * Retry-After under a progressive lockout that always ends. Every attack here
 * is followed by its victim getting in. Requests arrive through a "proxy"
 * (TRUST_PROXY=loopback), so each test speaks from client IPs of its own.
 */
describe('brute-force throttling', () => {
  const clock = testClock();
  const secretKey = randomBytes(32).toString('base64');
  const env = { TRUST_PROXY: 'loopback', SECRET_KEY: secretKey };
  const policy = defaults.bruteForce;
  const { accountSource, clientSource } = policy;
  let a: TestServer;
  let b: TestServer;
  let domain: Domain;
  let app: ClientFixture;
  let ipCounter = 0;
  const freshIp = () => `203.0.${113 + Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;

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
    postForm<OAuthBody>(
      `${server.url}/token`,
      { grant_type: 'password', username, password },
      {
        authorization: basic(app.clientId, app.clientSecret!),
        'x-forwarded-for': ip,
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
    );
  const clientCredentials = (server: TestServer, clientId: string, secret: string, ip: string) =>
    postForm<OAuthBody>(
      `${server.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(clientId, secret), 'x-forwarded-for': ip },
    );

  const retryAfter = (res: { headers: Headers }): number => Number(res.headers.get('retry-after'));

  const auditEvents = async (action: string, tenantPath?: string): Promise<AuditEvent[]> => {
    await domain.audit.flush();
    return (await domain.audit.list(await rootAdminActor(domain), { action, tenantPath }, { first: 100 })).nodes;
  };

  const dbQueriesOn = async (server: TestServer, route: string): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`db_queries_total{route="${route}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it("password grant: the attacker's own source locks (429 invalid_grant, Retry-After, progressive), while the owner signs in from theirs", async () => {
    const user = await createUser(domain, '/');
    const owner = freshIp();
    const attacker = freshIp();
    expect((await passwordGrant(a, user.username, USER_PASSWORD, owner)).status).toBe(200);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof passwordGrant>> | undefined;
    for (let i = 0; i < 40; i++) {
      last = await passwordGrant(a, user.username, `wrong-${i}`, attacker);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, accountSource.threshold)).toEqual(Array(accountSource.threshold).fill(400));
    expect(statuses.slice(accountSource.threshold).every((s) => s === 429)).toBe(true);
    expect(last!.body.error).toBe('invalid_grant');
    expect(retryAfter(last!)).toBeGreaterThan(0);
    expect(retryAfter(last!)).toBeLessThanOrEqual(accountSource.baseLockSeconds);

    // The attacker's pair stays locked, even with the right password...
    const refused = await passwordGrant(a, user.username, USER_PASSWORD, attacker);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/too many failed attempts/) });
    expect(refused.body.access_token).toBeUndefined();
    // ...and the owner gets in from their own source, on both instances.
    for (const server of [a, b]) expect((await passwordGrant(server, user.username, USER_PASSWORD, owner)).status).toBe(200);

    // The lock ends; one more failure locks again for twice as long.
    clock.advance(accountSource.baseLockSeconds + 1);
    expect((await passwordGrant(a, user.username, 'wrong-again', attacker)).status).toBe(400);
    const doubled = await passwordGrant(a, user.username, USER_PASSWORD, attacker);
    expect(doubled.status).toBe(429);
    expect(retryAfter(doubled)).toBeGreaterThan(accountSource.baseLockSeconds);
    expect(retryAfter(doubled)).toBeLessThanOrEqual(2 * accountSource.baseLockSeconds);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, owner)).status).toBe(200);

    clock.advance(2 * accountSource.baseLockSeconds + 1);
    const ok = await passwordGrant(a, user.username, USER_PASSWORD, attacker);
    expect(ok.status).toBe(200);
    // A success forgets the pair's failures: one typo is again just a typo.
    expect((await passwordGrant(a, user.username, 'typo', attacker)).status).toBe(400);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, attacker)).status).toBe(200);
  });

  it("counts one source's failures spread over two instances on one database together", async () => {
    const user = await createUser(domain, '/');
    const attacker = freshIp();
    const servers = [a, b];
    for (let i = 0; i < accountSource.threshold; i++)
      expect((await passwordGrant(servers[i % 2]!, user.username, `wrong-${i}`, attacker)).status).toBe(400);
    for (const server of servers) {
      const res = await passwordGrant(server, user.username, USER_PASSWORD, attacker);
      expect([res.status, res.body.error]).toEqual([429, 'invalid_grant']);
    }
    // An instance started after the failures loads them from the table (it saw none of the notifications).
    const c = await startTestServer({ clock, env, databaseUrl: a.databaseUrl });
    try {
      expect((await passwordGrant(c, user.username, USER_PASSWORD, attacker)).status).toBe(429);
      expect((await passwordGrant(c, user.username, USER_PASSWORD, freshIp())).status).toBe(200);
    } finally {
      await c.close();
    }
    clock.advance(accountSource.baseLockSeconds + 1);
    expect((await passwordGrant(b, user.username, USER_PASSWORD, attacker)).status).toBe(200);
  });

  it('never locks a pair for longer than the cap: an attacker who waits out every lock gets the lock doubled, capped', async () => {
    const user = await createUser(domain, '/');
    const attacker = freshIp();
    const waits: number[] = [];
    for (let guesses = 0; guesses < accountSource.threshold + 8;) {
      const res = await passwordGrant(a, user.username, `guess-${guesses}`, attacker);
      if (res.status === 429) {
        waits.push(retryAfter(res));
        clock.advance(retryAfter(res));
      } else {
        expect(res.status).toBe(400);
        guesses++;
      }
    }
    expect(waits.slice(0, 4).map((w) => Math.round(w / accountSource.baseLockSeconds))).toEqual([1, 2, 4, 8]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(accountSource.maxLockSeconds);
    clock.advance(accountSource.maxLockSeconds + 1);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, attacker)).status).toBe(200);
  });

  it('client authentication: ten+ wrong secrets for the bootstrap admin client and a normal client, each from a new IP, leave the owner in from its own IP', async () => {
    const service = await createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    const victims = [
      { clientId: ADMIN_CLIENT_ID, secret: ADMIN_CLIENT_SECRET },
      { clientId: service.clientId, secret: service.clientSecret! },
    ];
    for (const victim of victims) {
      const home = freshIp();
      expect((await clientCredentials(a, victim.clientId, victim.secret, home)).status).toBe(200);
      for (let i = 0; i < clientSource.threshold + 5; i++)
        expect((await clientCredentials(a, victim.clientId, `wrong-secret-${i}`, freshIp())).status).toBe(401);
      for (const server of [a, b]) {
        const res = await clientCredentials(server, victim.clientId, victim.secret, home);
        expect([victim.clientId, res.status, typeof res.body.access_token]).toEqual([victim.clientId, 200, 'string']);
      }
      const login = await postForm<OAuthBody>(
        `${a.url}/client/login`,
        { client_id: victim.clientId, password: victim.secret },
        { 'x-forwarded-for': home },
      );
      expect(login.status).toBe(200);
    }
  });

  it("client authentication: the attacker's own source locks per client_id on /token, /introspect, /revoke and seed 000 /client/login (429 invalid_client, Retry-After); the owner's does not", async () => {
    const service = await createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    const attacker = freshIp();
    const home = freshIp();
    const right = (ip: string) => ({ authorization: basic(service.clientId, service.clientSecret!), 'x-forwarded-for': ip });
    for (let i = 0; i < clientSource.threshold; i++)
      expect((await clientCredentials(a, service.clientId, `wrong-secret-${i}`, attacker)).status).toBe(401);
    const token = await clientCredentials(a, service.clientId, service.clientSecret!, attacker);
    expect([token.status, token.body.error]).toEqual([429, 'invalid_client']);
    expect(retryAfter(token)).toBeGreaterThan(0);
    // Instance b learns of a's failures over the change bus (or, at the latest, from the count its own next failure returns).
    await waitUntil(
      async () =>
        (
          await postForm(
            `${b.url}/introspect`,
            { token: 'x' },
            { authorization: basic(service.clientId, 'still-wrong'), 'x-forwarded-for': attacker },
          )
        ).status === 429,
    );
    for (const path of ['/introspect', '/revoke']) {
      const res = await postForm<OAuthBody>(`${b.url}${path}`, { token: 'whatever' }, right(attacker));
      expect([path, res.status, res.body.error]).toEqual([path, 429, 'invalid_client']);
      const owner = await postForm<OAuthBody>(`${b.url}${path}`, { token: 'whatever' }, right(home));
      expect([path, owner.status]).toEqual([path, 200]);
    }
    const login = await postForm<OAuthBody>(
      `${a.url}/client/login`,
      { client_id: service.clientId, password: service.clientSecret! },
      { 'x-forwarded-for': attacker },
    );
    expect(login.status).toBe(429);
    expect(login.headers.get('retry-after')).toEqual(expect.any(String));
    expect(
      (
        await postForm<OAuthBody>(
          `${a.url}/client/login`,
          { client_id: service.clientId, password: service.clientSecret! },
          { 'x-forwarded-for': home },
        )
      ).status,
    ).toBe(200);

    clock.advance(clientSource.maxLockSeconds + 1);
    expect((await clientCredentials(a, service.clientId, service.clientSecret!, attacker)).status).toBe(200);
  });

  it("a source spraying 50+ failures over many clients keeps its own pairs locked at their first failure, and still gets a different client's correct secret through", async () => {
    const sprayed = await Promise.all(
      Array.from({ length: 10 }, () =>
        createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] }),
      ),
    );
    const other = await createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    const sprayer = freshIp();
    // Fewer failures per client than the pair threshold: only the per-source count reaches its threshold.
    for (let i = 0; i < policy.ip.threshold; i++)
      expect((await clientCredentials(a, sprayed[i % 10]!.clientId, `guess-${i}`, sprayer)).status).toBe(401);
    expect(policy.ip.threshold / 10).toBeLessThan(clientSource.threshold);
    // A correct secret of a client this source never failed: checked, and let through (on both instances).
    for (const server of [a, b]) expect((await clientCredentials(server, other.clientId, other.clientSecret!, sprayer)).status).toBe(200);
    // A client the hot source failed on is locked for it at once, even with the right secret; the same client elsewhere is not.
    const locked = await clientCredentials(a, sprayed[0]!.clientId, sprayed[0]!.clientSecret!, sprayer);
    expect([locked.status, locked.body.error]).toEqual([429, 'invalid_client']);
    expect(retryAfter(locked)).toBeGreaterThan(0);
    expect((await clientCredentials(a, sprayed[0]!.clientId, sprayed[0]!.clientSecret!, freshIp())).status).toBe(200);
    // One failure of a new client from the hot source locks that pair too; the correct secrets of the rest stay open.
    expect((await clientCredentials(a, other.clientId, 'a-guess', sprayer)).status).toBe(401);
    expect((await clientCredentials(a, other.clientId, other.clientSecret!, sprayer)).status).toBe(429);
    const fresh = await createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    expect((await clientCredentials(a, fresh.clientId, fresh.clientSecret!, sprayer)).status).toBe(200);
  });

  it('hosted sign-in: wrong passwords from an attacker lock the attacker (clear message, Retry-After) while the owner signs in from their browser', async () => {
    const codeClient = await createCodeFlowClient(domain, { firstParty: true });
    const user = await createUser(domain, '/');
    const url = `/authorize?${new URLSearchParams({ client_id: codeClient.clientId, response_type: 'code', redirect_uri: codeClient.redirectUri, scope: 'openid', state: 's' })}`;
    const attacker = new FetchBrowser(a.url, { 'x-forwarded-for': freshIp() });
    let page = await attacker.get(url);
    expect(page.status).toBe(200);
    for (let i = 0; i < accountSource.threshold; i++) {
      page = await attacker.post('/authorize/login', { ...hiddenFields(page.body), username: user.username, password: `wrong-${i}` });
      expect(page.status).toBe(400);
      expect(page.body).toContain('Invalid username or password.');
    }
    page = await attacker.post('/authorize/login', { ...hiddenFields(page.body), username: user.username, password: USER_PASSWORD });
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toEqual(expect.any(String));
    expect(page.body).toContain('Too many failed sign-in attempts. Try again in');
    expect(page.location).toBeNull();

    const owner = new FetchBrowser(a.url, { 'x-forwarded-for': freshIp() });
    const form = await owner.get(url);
    const signedIn = await owner.post('/authorize/login', { ...hiddenFields(form.body), username: user.username, password: USER_PASSWORD });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toMatch(/[?&]code=/);
    // The owner's password grant from elsewhere works too.
    expect((await passwordGrant(b, user.username, USER_PASSWORD, freshIp())).status).toBe(200);

    clock.advance(accountSource.baseLockSeconds + 1);
    const later = await attacker.post('/authorize/login', { ...hiddenFields(page.body), username: user.username, password: USER_PASSWORD });
    expect(later.status).toBe(303);
  });

  it("the account-wide brake engages at its threshold for sources the account does not know, never for the owner's known source", async () => {
    const user = await createUser(domain, '/');
    const home = freshIp();
    expect((await passwordGrant(a, user.username, USER_PASSWORD, home)).status).toBe(200);
    // A distributed guess: every attempt from a new source, so no pair ever reaches its threshold.
    for (let i = 0; i < policy.account.threshold; i++)
      expect((await passwordGrant(i % 2 ? a : b, user.username, `guess-${i}`, freshIp())).status).toBe(400);
    // A source the account does not know is refused unchecked, even with the right password...
    const stranger = await passwordGrant(a, user.username, USER_PASSWORD, freshIp());
    expect([stranger.status, stranger.body.error]).toEqual([429, 'invalid_grant']);
    expect(retryAfter(stranger)).toBeGreaterThan(0);
    expect(retryAfter(stranger)).toBeLessThanOrEqual(policy.account.baseLockSeconds);
    // ...and the owner's known source is not, on either instance (b learns of the mark from the table).
    for (const server of [b, a]) expect((await passwordGrant(server, user.username, USER_PASSWORD, home)).status).toBe(200);
    // The brake ends with its lock; the next guesses from new sources lock it again, for longer.
    clock.advance(policy.account.baseLockSeconds + 1);
    expect((await passwordGrant(a, user.username, 'one-more', freshIp())).status).toBe(400);
    const again = await passwordGrant(a, user.username, USER_PASSWORD, freshIp());
    expect(again.status).toBe(429);
    expect(retryAfter(again)).toBeGreaterThan(policy.account.baseLockSeconds);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, home)).status).toBe(200);
  });

  it('the client-wide brake engages at its threshold for unknown sources only', async () => {
    const service = await createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    const home = freshIp();
    expect((await clientCredentials(b, service.clientId, service.clientSecret!, home)).status).toBe(200);
    for (let i = 0; i < policy.client.threshold; i++)
      expect((await clientCredentials(a, service.clientId, `guess-${i}`, freshIp())).status).toBe(401);
    const stranger = await clientCredentials(a, service.clientId, service.clientSecret!, freshIp());
    expect([stranger.status, stranger.body.error]).toEqual([429, 'invalid_client']);
    for (const server of [a, b]) expect((await clientCredentials(server, service.clientId, service.clientSecret!, home)).status).toBe(200);
  });

  it("audits a client's failed authentication under the client's own tenant, an unknown client_id under /", async () => {
    await ensureTenant(domain, '/north');
    const north = await createClient(domain, { tenantPath: '/north', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    expect((await clientCredentials(a, north.clientId, 'not-the-secret', freshIp())).status).toBe(401);
    const unknownId = `nobody-${randomBytes(4).toString('hex')}`;
    expect((await clientCredentials(a, unknownId, 'whatever', freshIp())).status).toBe(401);
    let events: AuditEvent[] = [];
    await waitUntil(async () => {
      events = await auditEvents('token');
      return events.some((e) => e.actorId === north.clientId) && events.some((e) => e.actorId === unknownId);
    });
    expect(events.find((e) => e.actorId === north.clientId)).toMatchObject({
      tenantPath: '/north',
      outcome: 'failure',
      detail: { error: 'invalid_client' },
    });
    expect(events.find((e) => e.actorId === unknownId)).toMatchObject({ tenantPath: '/', detail: { error: 'invalid_client' } });
    expect((await auditEvents('token', '/north')).map((e) => e.actorId)).toEqual([north.clientId]);
  });

  it('leaves throttle audit events with target, scope, tenant, client IP and request id', async () => {
    const user = await createUser(domain, '/');
    const ip = freshIp();
    for (let i = 0; i < accountSource.threshold; i++) await passwordGrant(a, user.username, `wrong-${i}`, ip, `bf-fail-${i}`);
    expect((await passwordGrant(a, user.username, USER_PASSWORD, ip, 'bf-refused')).status).toBe(429);
    const events = (await auditEvents('throttle')).filter((e) => e.targetKind === 'account' && e.targetId === user.username);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'throttle',
          outcome: 'failure',
          tenantPath: '/',
          actorClientId: app.clientId,
          clientIp: ip,
          requestId: `bf-fail-${accountSource.threshold - 1}`,
          detail: expect.objectContaining({ phase: 'locked', scope: 'source', failures: accountSource.threshold }),
        }),
        expect.objectContaining({
          action: 'throttle',
          clientIp: ip,
          requestId: 'bf-refused',
          detail: expect.objectContaining({ phase: 'refused', scope: 'source' }),
        }),
      ]),
    );
    const kinds = new Set((await auditEvents('throttle')).map((e) => e.targetKind));
    expect([...kinds].sort()).toEqual(['account', 'client', 'ip']);
  });

  it("keeps the success path free: client_credentials makes no database query, not even while another source fails the client's secret; its own failure costs one query, then none", async () => {
    const service = await createClient(domain, { tenantPath: '/', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    const home = freshIp();
    const cc = () => clientCredentials(b, service.clientId, service.clientSecret!, home);
    // Warm-up: the first requests on this instance load the client, tenant and key caches and mark the source (some of it settles after the answer).
    for (let i = 0; i < 3; i++) expect((await cc()).status).toBe(200);
    const before = await dbQueriesOn(b, '/token');
    for (let i = 0; i < 20; i++) expect((await cc()).status).toBe(200);
    expect(await dbQueriesOn(b, '/token')).toBe(before);

    // Failures from other sources touch none of the owner's keys that are read on success.
    for (let i = 0; i < 3; i++) expect((await clientCredentials(b, service.clientId, `attack-${i}`, freshIp())).status).toBe(401);
    const afterAttack = await dbQueriesOn(b, '/token');
    for (let i = 0; i < 5; i++) expect((await cc()).status).toBe(200);
    expect(await dbQueriesOn(b, '/token')).toBe(afterAttack);

    // The owner's own failure: the next success forgets it (a query), and the ones after cost nothing again.
    expect((await clientCredentials(b, service.clientId, 'typo', home)).status).toBe(401);
    const afterFailure = await dbQueriesOn(b, '/token');
    expect((await cc()).status).toBe(200);
    expect(await dbQueriesOn(b, '/token')).toBeGreaterThan(afterFailure);
    const cleared = await dbQueriesOn(b, '/token');
    for (let i = 0; i < 5; i++) expect((await cc()).status).toBe(200);
    expect(await dbQueriesOn(b, '/token')).toBe(cleared);
  });

  // Last: its GraphQL calls come from the socket's own address (127.0.0.1), which then stays hinted.
  it('device creation (GraphQL createDevice): an attacker locking the password grant from elsewhere leaves the owner able to confirm with their password', async () => {
    const world = await deviceWorld(domain, '/devbf');
    const tokens = await passwordTokens(a.url, world.app, world.username, world.password, 'openid', { tenant_path: '/devbf' });
    const sdk = createAdminSdk(a.url, tokens.access_token);
    const attacker = freshIp();
    const attack = (password: string) =>
      postForm<OAuthBody>(
        `${a.url}/token`,
        { grant_type: 'password', username: world.username, password, tenant_path: '/devbf' },
        { authorization: basic(world.app.clientId, world.app.clientSecret!), 'x-forwarded-for': attacker },
      );
    for (let i = 0; i < accountSource.threshold; i++) expect((await attack(`wrong-${i}`)).status).toBe(400);
    expect((await attack(world.password)).status).toBe(429);
    expect((await sdk.createDevice({ name: 'laptop', password: world.password })).createDevice.DeviceId).toEqual(expect.any(String));

    // The owner's own wrong passwords lock the owner's own source, on every password path of that source.
    for (let i = 0; i < accountSource.threshold; i++)
      expect(await errorCode(sdk.createDevice({ name: 'x', password: `wrong-${i}` }))).toBe('BAD_USER_INPUT');
    expect(await errorCode(sdk.createDevice({ name: 'x', password: world.password }))).not.toBe('BAD_USER_INPUT');
    const grant = await postForm<OAuthBody>(
      `${a.url}/token`,
      { grant_type: 'password', username: world.username, password: world.password, tenant_path: '/devbf' },
      { authorization: basic(world.app.clientId, world.app.clientSecret!) },
    );
    expect([grant.status, grant.body.error]).toEqual([429, 'invalid_grant']);
    clock.advance(accountSource.baseLockSeconds + 1);
    expect((await sdk.createDevice({ name: 'phone', password: world.password })).createDevice.DeviceId).toEqual(expect.any(String));
  });
});
