import { Client as PgClient } from 'pg';
import { createTestUser } from '../fixtures/test-user';
import {
  clientForm,
  clientHeaders,
  createTestClient,
  createTestTenant,
  issueAccessToken,
  passwordTokens,
  requestTokens,
  serviceToken,
  testClock,
  type TestClient,
} from '../fixtures/token-clients';
import { rootAdminActor } from '../fixtures/admin-actor';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

describe('POST /introspect (RFC 7662)', () => {
  const clock = testClock();
  let t: TestServer;
  let acmeRs: TestClient;
  let betaRs: TestClient;
  let euApp: TestClient;
  let acmeUserApp: TestClient;
  let acmePublicApp: TestClient;

  const introspect = (caller: TestClient, token: string, extra: Record<string, string> = {}) =>
    postForm(
      `${t.url}/introspect`,
      { token, ...extra, ...(caller.clientSecret === null ? clientForm(caller) : {}) },
      clientHeaders(caller),
    );

  beforeAll(async () => {
    t = await startTestServer({ clock });
    const { domain } = t.server.app;
    await createTestTenant(domain, '/acme');
    await createTestTenant(domain, '/acme/eu');
    await createTestTenant(domain, '/beta');
    acmeRs = await createTestClient(domain, '/acme');
    betaRs = await createTestClient(domain, '/beta');
    euApp = await createTestClient(domain, '/acme/eu');
    acmeUserApp = await createTestClient(domain, '/acme', 'user');
    acmePublicApp = await createTestClient(domain, '/acme', 'public');
  });
  afterEach(() => clock.reset());
  afterAll(async () => {
    await t.close();
  });

  it('describes an active access token of its own tenant subtree, uncached', async () => {
    const token = await serviceToken(t.url, euApp);
    const res = await introspect(acmeRs, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      active: true,
      // Issue 20: the issuer of the tenant that issued it.
      iss: `${t.issuer}/t/acme.eu`,
      sub: euApp.clientId,
      aud: t.issuer,
      client_id: euApp.clientId,
      scope: 'email',
      token_type: 'Bearer',
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
      tenant: '/acme/eu',
    });
    expect((res.body.exp as number) - (res.body.iat as number)).toBe(3600);
  });

  it('accepts client_secret_post and adds username for user tokens', async () => {
    const { user, username, password } = await createTestUser(t.server.app.domain, '/acme');
    const tokens = await passwordTokens(t.url, acmeUserApp, username, password, 'openid email');
    const res = await postForm(`${t.url}/introspect`, { token: tokens.access_token, ...clientForm(acmeRs) });
    expect(res.body).toMatchObject({
      active: true,
      sub: user.id,
      username,
      client_id: acmeUserApp.clientId,
      scope: 'openid email',
      tenant: '/acme',
    });
  });

  it('answers alike on the node:http fast path and through Express (a query string takes the Express route)', async () => {
    const { user } = await createTestUser(t.server.app.domain, '/acme');
    const token = await issueAccessToken(t.server.app.domain, acmeUserApp.clientId, user.id, ['openid']);
    const viaExpress = (caller: TestClient, presented: string) =>
      postForm(`${t.url}/introspect?via=express`, { token: presented }, clientHeaders(caller));
    const fast = await introspect(acmeRs, token);
    const express = await viaExpress(acmeRs, token);
    expect(fast.body).toMatchObject({ active: true, username: user.username });
    expect(express.body).toEqual(fast.body);
    expect(express.headers.get('cache-control')).toBe(fast.headers.get('cache-control'));
    const wrongSecret = { ...acmeRs, clientSecret: 'not-the-secret' };
    const [fastError, expressError] = [await introspect(wrongSecret, token), await viaExpress(wrongSecret, token)];
    expect([fastError.status, expressError.status]).toEqual([401, 401]);
    expect(expressError.body).toEqual(fastError.body);
    expect(expressError.headers.get('www-authenticate')).toBe(fastError.headers.get('www-authenticate'));
  });

  it('requires client authentication: 401 invalid_client with WWW-Authenticate', async () => {
    const token = await serviceToken(t.url, euApp);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic(acmeRs.clientId, 'wrong-secret-wrong-secret') },
      { authorization: basic('nobody', 'nothing-nothing-nothing') },
    ];
    for (const headers of attempts) {
      const res = await postForm(`${t.url}/introspect`, { token }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    }
    const missing = await postForm(`${t.url}/introspect`, {}, clientHeaders(acmeRs));
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it('answers exactly {"active":false} for malformed, unknown and foreign tokens', async () => {
    const euToken = await serviceToken(t.url, euApp);
    const acmeToken = await serviceToken(t.url, acmeRs);
    const [header, payload] = euToken.split('.');
    const cases: [TestClient, string][] = [
      [acmeRs, 'not-a-token'],
      [acmeRs, `${header}.${payload}.AAAA`],
      [acmeRs, `${euToken}x`],
      // Foreign: a sibling tenant, and a descendant asking about its ancestor's token.
      [betaRs, euToken],
      [euApp, acmeToken],
    ];
    for (const [caller, token] of cases) {
      const res = await introspect(caller, token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    }
  });

  it('lets a public client introspect only tokens issued to itself', async () => {
    const { user } = await createTestUser(t.server.app.domain, '/acme');
    const own = await issueAccessToken(t.server.app.domain, acmePublicApp.clientId, user.id, ['openid']);
    expect((await introspect(acmePublicApp, own)).body).toMatchObject({ active: true, client_id: acmePublicApp.clientId, sub: user.id });
    const other = await serviceToken(t.url, acmeRs);
    expect((await introspect(acmePublicApp, other)).body).toEqual({ active: false });
  });

  it('reports an expired token inactive (injected clock), also after its signature was verified once', async () => {
    const token = await serviceToken(t.url, euApp);
    expect((await introspect(acmeRs, token)).body.active).toBe(true);
    // Slack for a slow machine: the clock also moves with real time between the calls.
    clock.advance(3540);
    expect((await introspect(acmeRs, token)).body.active).toBe(true);
    clock.advance(62);
    expect((await introspect(acmeRs, token)).body).toEqual({ active: false });
  });

  it('reports a revoked token and a disabled client’s token inactive', async () => {
    const revoked = await serviceToken(t.url, euApp);
    expect((await postForm(`${t.url}/revoke`, { token: revoked }, clientHeaders(euApp))).status).toBe(200);
    expect((await introspect(acmeRs, revoked)).body).toEqual({ active: false });

    const { domain } = t.server.app;
    const doomed = await createTestClient(domain, '/acme/eu');
    const token = await serviceToken(t.url, doomed);
    expect((await introspect(acmeRs, token)).body.active).toBe(true);
    await domain.clients.update(await rootAdminActor(domain), doomed.clientId, { enabled: false });
    expect((await introspect(acmeRs, token)).body).toEqual({ active: false });
  });

  it('honours a tenant cutoff set on an ancestor (tenants.tokens_revoked_before)', async () => {
    const { domain } = t.server.app;
    await createTestTenant(domain, '/cut');
    await createTestTenant(domain, '/cut/child');
    const rs = await createTestClient(domain, '/cut');
    const app = await createTestClient(domain, '/cut/child');
    const before = await serviceToken(t.url, app);
    expect((await introspect(rs, before)).body.active).toBe(true);

    const cutoff = new Date(clock.now().getTime() + 1000);
    const db = new PgClient({ connectionString: t.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ id: string }>(`update tenants set tokens_revoked_before = $1 where path = '/cut' returning id`, [
      cutoff,
    ]);
    await db.end();
    await t.server.changeBus.publish({ topic: 'tenant', kind: 'updated', key: rows[0]!.id });

    expect((await introspect(rs, before)).body).toEqual({ active: false });
    clock.advance(2);
    const after = await serviceToken(t.url, app);
    expect((await introspect(rs, after)).body.active).toBe(true);
  });

  it('describes refresh tokens while usable, and not once rotated or revoked', async () => {
    const { user, username, password } = await createTestUser(t.server.app.domain, '/acme');
    const first = await passwordTokens(t.url, acmeUserApp, username, password, 'openid profile offline_access');
    expect(first.refresh_token).toEqual(expect.any(String));
    const res = await introspect(acmeRs, first.refresh_token!, { token_type_hint: 'refresh_token' });
    expect(res.body).toEqual({
      active: true,
      iss: `${t.issuer}/t/acme`,
      sub: user.id,
      username,
      client_id: acmeUserApp.clientId,
      scope: 'openid profile offline_access',
      iat: expect.any(Number),
      exp: expect.any(Number),
      tenant: '/acme',
    });
    // A wrong hint only changes where the search starts (RFC 7662 §2.1).
    expect((await introspect(acmeRs, first.refresh_token!, { token_type_hint: 'access_token' })).body.active).toBe(true);
    expect((await introspect(betaRs, first.refresh_token!)).body).toEqual({ active: false });

    const second = await requestTokens(t.url, acmeUserApp, { grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect((await introspect(acmeRs, first.refresh_token!)).body).toEqual({ active: false });
    expect((await introspect(acmeRs, second.refresh_token!)).body.active).toBe(true);

    expect((await postForm(`${t.url}/revoke`, { token: second.refresh_token! }, clientHeaders(acmeUserApp))).status).toBe(200);
    expect((await introspect(acmeRs, second.refresh_token!)).body).toEqual({ active: false });
    // Revoking the family also ends the access tokens issued with it (RFC 7009 §2.1).
    expect((await introspect(acmeRs, second.access_token)).body).toEqual({ active: false });
  });
});
