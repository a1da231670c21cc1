import type { RequestScope } from '../../src/domain/request-scope';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  createTestClient,
  createTestTenant,
  passwordTokens,
  requestTokens,
  serviceToken,
  type TestClient,
} from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { rootAdminSdk } from '../support/admin-sdk';
import { basic, postForm } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

/**
 * Issue 20 item 1: every tenant is an issuer. Two sibling tenants `/a` and
 * `/b` (and `/a`'s child `/a/c`): each has its own discovery, JWKS and
 * endpoints under `{ISSUER}/t/{segment}`, its tokens carry its issuer as `iss`,
 * and nothing of one is accepted at the other. Before this change every token
 * carried `iss` = ISSUER and one JWKS held every tenant's keys, so a resource
 * server of `/a` checking signature and `iss` accepted `/b`'s tokens.
 */
describe('every tenant is an issuer', () => {
  let t: TestServer;
  let issuerA: string;
  let issuerB: string;
  let issuerC: string;
  const service: Record<'a' | 'b' | 'c', TestClient> = {} as never;
  const userClient: Record<'a' | 'b', TestClient> = {} as never;
  const users: Record<'a' | 'b', { username: string; password: string }> = {} as never;

  beforeAll(async () => {
    t = await startTestServer();
    const { domain } = t.server.app;
    for (const path of ['/a', '/b', '/a/c']) await createTestTenant(domain, path);
    service.a = await createTestClient(domain, '/a');
    service.b = await createTestClient(domain, '/b');
    service.c = await createTestClient(domain, '/a/c');
    userClient.a = await createTestClient(domain, '/a', 'user');
    userClient.b = await createTestClient(domain, '/b', 'user');
    users.a = await createTestUser(domain, '/a');
    users.b = await createTestUser(domain, '/b');
    issuerA = `${t.issuer}/t/a`;
    issuerB = `${t.issuer}/t/b`;
    issuerC = `${t.issuer}/t/a.c`;
  });
  afterAll(async () => {
    await t.close();
  });

  const getJson = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  it('gives each tenant its issuer URL in GraphQL (Tenant.issuer): the root keeps ISSUER, others live under /t/{segments joined by "."}', async () => {
    const sdk = await rootAdminSdk(t.url);
    const issuerOf = async (path: string) => (await sdk.tenant({ path })).tenant?.issuer;
    expect(await issuerOf('/')).toBe(t.issuer);
    expect(await issuerOf('/a')).toBe(issuerA);
    expect(await issuerOf('/a/c')).toBe(issuerC);
  });

  it('serves each sibling its own discovery document: issuer exact, every endpoint its own', async () => {
    for (const [issuer, other] of [
      [issuerA, issuerB],
      [issuerB, issuerA],
    ]) {
      for (const url of [
        `${issuer}/.well-known/openid-configuration`,
        `${issuer}/.well-known/oauth-authorization-server`,
        `${t.issuer}/.well-known/oauth-authorization-server${new URL(issuer).pathname}`,
      ]) {
        const { status, body } = await getJson(url);
        expect(status).toBe(200);
        expect(body.issuer).toBe(issuer);
        const endpoints = Object.entries(body).filter(([name]) => name.endsWith('_endpoint') || name === 'jwks_uri');
        expect(endpoints.map(([name]) => name)).toEqual(
          expect.arrayContaining([
            'token_endpoint',
            'jwks_uri',
            'introspection_endpoint',
            'revocation_endpoint',
            'userinfo_endpoint',
            'authorization_endpoint',
            'end_session_endpoint',
          ]),
        );
        for (const [, value] of endpoints) {
          expect(String(value).startsWith(`${issuer}/`)).toBe(true);
          expect(String(value).startsWith(`${other}/`)).toBe(false);
        }
      }
    }
    // The root keeps its own document.
    expect((await getJson(`${t.issuer}/.well-known/openid-configuration`)).body.issuer).toBe(t.issuer);
  });

  it('issues client_credentials tokens at each tenant issuer with iss = that issuer, signed by a key of its own JWKS only', async () => {
    const tokenA = await serviceToken(issuerA, service.a);
    const tokenB = await serviceToken(issuerB, service.b);
    expect(decodeJwt(tokenA)).toMatchObject({ iss: issuerA, tenant: '/a', client_id: service.a.clientId });
    expect(decodeJwt(tokenB)).toMatchObject({ iss: issuerB, tenant: '/b', client_id: service.b.clientId });
    const jwksA = (await getJson(`${issuerA}/.well-known/jwks.json`)).body.keys as { kid: string }[];
    const jwksB = (await getJson(`${issuerB}/.well-known/jwks.json`)).body.keys as { kid: string }[];
    expect(jwksA.map((key) => key.kid)).toEqual([decodeProtectedHeader(tokenA).kid]);
    expect(jwksB.map((key) => key.kid)).toEqual([decodeProtectedHeader(tokenB).kid]);
    // The root JWKS keeps answering every tenant's keys, for verifiers that used it.
    const rootKids = ((await getJson(`${t.issuer}/.well-known/jwks.json`)).body.keys as { kid: string }[]).map((key) => key.kid);
    expect(rootKids).toEqual(expect.arrayContaining([decodeProtectedHeader(tokenA).kid, decodeProtectedHeader(tokenB).kid]));
  });

  it('gives a client its own tenant issuer as iss at the root endpoints too; root clients keep ISSUER', async () => {
    expect(decodeJwt(await serviceToken(t.url, service.a)).iss).toBe(issuerA);
    const root = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(decodeJwt(root.body.access_token as string).iss).toBe(t.issuer);
  });

  it("refuses a client of /b at /a's token endpoint exactly like an unknown client", async () => {
    const foreign = await postForm(
      `${issuerA}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(service.b.clientId, service.b.clientSecret!) },
    );
    const unknown = await postForm(
      `${issuerA}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic('no-such-client', 'whatever-whatever-whatever') },
    );
    expect(foreign.status).toBe(401);
    expect(foreign.body).toEqual(unknown.body);
    expect(foreign.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(foreign.headers.get('www-authenticate')).toBe(unknown.headers.get('www-authenticate'));
    // And the other way round, and a client of the child at its parent's issuer.
    expect(
      (
        await postForm(
          `${issuerB}/token`,
          { grant_type: 'client_credentials' },
          { authorization: basic(service.a.clientId, service.a.clientSecret!) },
        )
      ).status,
    ).toBe(401);
    expect(
      (
        await postForm(
          `${issuerA}/token`,
          { grant_type: 'client_credentials' },
          { authorization: basic(service.c.clientId, service.c.clientSecret!) },
        )
      ).status,
    ).toBe(401);
  });

  it("lets only a tenant's own users sign in at its issuer (tenant_path may only name the tenant)", async () => {
    const own = await passwordTokens(issuerA, userClient.a, users.a.username, users.a.password, 'openid');
    expect(decodeJwt(own.access_token).iss).toBe(issuerA);
    expect(decodeJwt(own.id_token!).iss).toBe(issuerA);
    const child = await postForm(
      `${issuerA}/token`,
      { grant_type: 'password', username: users.a.username, password: users.a.password, tenant_path: '/a/c' },
      { authorization: basic(userClient.a.clientId, userClient.a.clientSecret!) },
    );
    expect(child.status).toBe(400);
    expect(child.body.error).toBe('invalid_request');
  });

  it("answers {active: false} for a token of /b at /a's introspection, and 401 at /a's userinfo", async () => {
    const tokensB = await passwordTokens(issuerB, userClient.b, users.b.username, users.b.password, 'openid offline_access');
    const tokensA = await passwordTokens(issuerA, userClient.a, users.a.username, users.a.password, 'openid offline_access');
    const introspect = (issuer: string, client: TestClient, token: string) =>
      postForm(`${issuer}/introspect`, { token }, { authorization: basic(client.clientId, client.clientSecret!) });
    expect((await introspect(issuerA, service.a, tokensB.access_token)).body).toEqual({ active: false });
    expect((await introspect(issuerB, service.b, tokensA.access_token)).body).toEqual({ active: false });
    expect((await introspect(issuerA, service.a, tokensA.access_token)).body).toMatchObject({ active: true, iss: issuerA, tenant: '/a' });
    expect((await introspect(issuerA, service.a, tokensA.refresh_token!)).body).toMatchObject({ active: true, iss: issuerA });
    expect((await introspect(issuerA, service.a, tokensB.refresh_token!)).body).toEqual({ active: false });
    // A client of /b cannot introspect at /a at all.
    expect((await introspect(issuerA, service.b, tokensB.access_token)).status).toBe(401);

    const userinfo = (issuer: string, token: string) => fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    const foreign = await userinfo(issuerA, tokensB.access_token);
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toMatchObject({ error: 'invalid_token' });
    const own = await userinfo(issuerA, tokensA.access_token);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ sub: expect.any(String) });
    // The root endpoints keep today's rules: the root admin client sees any tenant's token.
    expect(
      (
        await postForm(
          `${t.url}/introspect`,
          { token: tokensB.access_token },
          { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
        )
      ).body,
    ).toMatchObject({ active: true, iss: issuerB });
  });

  it("serves a tenant issuer's warm introspection, userinfo, discovery and JWKS at once: no promise, so no query", async () => {
    const tokens = await passwordTokens(issuerA, userClient.a, users.a.username, users.a.password, 'openid');
    // A request scope as the route wrapper builds one (a tenant issuer's endpoints mark it with their tenant).
    const requestScope = (): RequestScope => ({
      requestId: 'warm',
      clientIp: null,
      userAgent: null,
      clock: t.server.app.domain.clock,
      clientId: null,
      actor: null,
    });
    const endpoint = (method: string, path: string) =>
      t.server.app.routes.find((route) => route.method === method && route.path === path)!.endpoint;
    const calls = {
      introspect: () =>
        endpoint(
          'POST',
          '/t/:issuer/introspect',
        )({
          method: 'POST',
          headers: { authorization: basic(service.a.clientId, service.a.clientSecret!) },
          body: { token: tokens.access_token },
          issuerSegment: 'a',
          scope: requestScope(),
        }),
      userinfo: () =>
        endpoint(
          'GET',
          '/t/:issuer/userinfo',
        )({
          method: 'GET',
          headers: { authorization: `Bearer ${tokens.access_token}` },
          body: {},
          issuerSegment: 'a',
          scope: requestScope(),
        }),
      discovery: () =>
        endpoint(
          'GET',
          '/t/:issuer/.well-known/openid-configuration',
        )({ method: 'GET', headers: {}, body: {}, issuerSegment: 'a', scope: undefined as never }),
      jwks: () =>
        endpoint(
          'GET',
          '/t/:issuer/.well-known/jwks.json',
        )({ method: 'GET', headers: {}, body: {}, issuerSegment: 'a', scope: undefined as never }),
    };
    for (const [name, call] of Object.entries(calls)) {
      const first = await call();
      const warm = call();
      expect({ name, pending: warm instanceof Promise }).toEqual({ name, pending: false });
      expect(warm).toEqual(first);
      expect((warm as { status: number }).status).toBe(200);
    }
  });

  it("sends {I}/account to the account sign-in of the issuer's tenant, with no ?tenant= to give", async () => {
    const res = await fetch(`${issuerA}/account`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/account/sign-in?${new URLSearchParams({ tenant: '/a' })}`);
  });

  it("answers 404 with an RFC error for an unknown or malformed tenant segment, never another tenant's metadata", async () => {
    for (const path of [
      '/t/nope/.well-known/openid-configuration',
      '/t/nope/.well-known/jwks.json',
      '/.well-known/oauth-authorization-server/t/nope',
      '/t/A/.well-known/openid-configuration',
      '/t/a..c/.well-known/jwks.json',
      '/t/a.nope/.well-known/openid-configuration',
    ]) {
      const { status, body } = await getJson(`${t.url}${path}`);
      expect({ path, status, body }).toEqual({
        path,
        status: 404,
        body: { error: 'invalid_request', error_description: 'unknown issuer' },
      });
    }
    const token = await postForm(
      `${t.url}/t/nope/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(service.a.clientId, service.a.clientSecret!) },
    );
    expect(token.status).toBe(404);
    expect(token.body).toEqual({ error: 'invalid_request', error_description: 'unknown issuer' });
  });

  it("verifies with jose: /a's remote JWKS and issuer accept /a's token and refuse every token of /b, / and /a/c", async () => {
    const jwks = createRemoteJWKSet(new URL(`${issuerA}/.well-known/jwks.json`));
    const own = await serviceToken(issuerA, service.a);
    const { payload } = await jwtVerify(own, jwks, { issuer: issuerA, typ: 'at+jwt' });
    expect(payload).toMatchObject({ iss: issuerA, tenant: '/a' });
    const foreign = {
      sibling: await serviceToken(issuerB, service.b),
      parent: (
        await requestTokens(t.url, { clientId: ADMIN_CLIENT_ID, clientSecret: ADMIN_CLIENT_SECRET }, { grant_type: 'client_credentials' })
      ).access_token,
      child: await serviceToken(issuerC, service.c),
      // A child's client at the root endpoint: still the child's issuer and key.
      childAtRoot: await serviceToken(t.url, service.c),
    };
    for (const [name, token] of Object.entries(foreign)) {
      await expect(jwtVerify(token, jwks, { issuer: issuerA, typ: 'at+jwt' }).then(() => name)).rejects.toThrow();
    }
  });
});
