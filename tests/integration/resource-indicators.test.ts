import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import type { Domain } from '../../src/composition/create-domain';
import { rootAdminActor } from '../fixtures/admin-actor';
import { clientHeaders, createTestClient, createTestTenant, requestTokens, type TestClient } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

const ORDERS = 'https://orders.example.test/api';
const BILLING = 'https://billing.example.test';

/** A token request with `resource` given once per value (RFC 8707 §2 lets it repeat). */
async function tokenRequest(t: TestServer, client: TestClient, form: Record<string, string>, resources: string[] = []) {
  const body = new URLSearchParams(form);
  for (const resource of resources) body.append('resource', resource);
  const response = await fetch(`${t.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...clientHeaders(client) },
    body: body.toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * RFC 8707 resource indicators: a token for an API carries that API as `aud` and only
 * its permissions that the subject's roles grant; an unknown or foreign `resource` is
 * `invalid_target` (400, RFC 6749 §5.2 shape); a refresh may narrow to one of the
 * resources the grant got; a tenant's default API; introspection answers `aud` as issued.
 */
describe('RFC 8707 resource indicators at /token', () => {
  let t: TestServer;
  let domain: Domain;
  let service: TestClient;
  let userClient: TestClient;
  let alice: Awaited<ReturnType<typeof createTestUser>>;

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    const admin = await rootAdminActor(domain);
    await createTestTenant(domain, '/ri');
    await createTestTenant(domain, '/ri/child');
    await createTestTenant(domain, '/other');
    const orders = await domain.apis.create(admin, {
      tenantPath: '/ri',
      identifier: ORDERS,
      name: 'Orders',
      permissions: [{ name: 'orders:read' }, { name: 'orders:write' }, { name: 'orders:delete' }],
      accessTokenLifetime: 600,
    });
    const billing = await domain.apis.create(admin, {
      tenantPath: '/ri',
      identifier: BILLING,
      name: 'Billing',
      permissions: [{ name: 'billing:read' }],
    });
    await domain.apis.create(admin, {
      tenantPath: '/other',
      identifier: 'https://other.example.test',
      name: 'Other',
      permissions: [{ name: 'x' }],
    });
    expect(orders.permissions.map((p) => p.name)).toEqual(['orders:read', 'orders:write', 'orders:delete']);

    service = await createTestClient(domain, '/ri', 'service', { allowedScopes: [] });
    const reader = await domain.roles.create(admin, {
      tenantPath: '/ri',
      name: 'reader',
      permissions: [
        { api: ORDERS, permission: 'orders:read' },
        { api: ORDERS, permission: 'orders:write' },
        { api: BILLING, permission: 'billing:read' },
      ],
    });
    await domain.roles.assign(admin, reader.id, { clientId: service.clientId });

    userClient = await createTestClient(domain, '/ri', 'user', {
      allowedScopes: ['openid', 'offline_access', 'orders:read', 'orders:write', 'billing:read'],
    });
    alice = await createTestUser(domain, '/ri');
    await domain.roles.assign(admin, reader.id, { userId: alice.user.id });
    void billing;
  });
  afterAll(async () => {
    await t.close();
  });

  it('issues a token for API X with aud X, only X’s permissions the client’s roles grant, and X’s lifetime', async () => {
    const res = await tokenRequest(t, service, { grant_type: 'client_credentials' }, [ORDERS]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scope: 'orders:read orders:write', expires_in: 600 });
    const claims = decodeJwt(res.body.access_token as string);
    expect(claims.aud).toBe(ORDERS);
    expect(claims.scope).toBe('orders:read orders:write');
    expect(claims.exp! - claims.iat!).toBe(600);

    // Narrowed to the requested permissions; one not granted by any role is left out.
    const narrowed = await tokenRequest(t, service, { grant_type: 'client_credentials', scope: 'orders:read orders:delete' }, [ORDERS]);
    expect(narrowed.body.scope).toBe('orders:read');
    // A scope that is neither a permission of X nor allowed for the client stays invalid_scope.
    const foreign = await tokenRequest(t, service, { grant_type: 'client_credentials', scope: 'billing:read' }, [ORDERS]);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe('invalid_scope');
  });

  it('answers openid-client’s clientCredentialsGrant with { resource }', async () => {
    const config = await oidc.discovery(
      new URL(t.issuer),
      service.clientId,
      service.clientSecret!,
      oidc.ClientSecretBasic(service.clientSecret!),
      { execute: [oidc.allowInsecureRequests] },
    );
    const tokens = await oidc.clientCredentialsGrant(config, { resource: BILLING });
    expect(tokens.scope).toBe('billing:read');
    expect(decodeJwt(tokens.access_token).aud).toBe(BILLING);
  });

  it('refuses an unknown, malformed or foreign resource with invalid_target (400, RFC 6749 §5.2 shape)', async () => {
    for (const resource of [
      'https://nowhere.example.test',
      'not a uri',
      'https://orders.example.test/api#frag',
      'https://other.example.test',
    ]) {
      const res = await tokenRequest(t, service, { grant_type: 'client_credentials' }, [resource]);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_target', error_description: expect.any(String) });
    }
    // A client of a child tenant may not use its parent's API unless that API accepts child tenants.
    const child = await createTestClient(domain, '/ri/child', 'service', { allowedScopes: [] });
    const refused = await tokenRequest(t, child, { grant_type: 'client_credentials' }, [ORDERS]);
    expect(refused.body.error).toBe('invalid_target');
    const orders = (await domain.apis.list(await rootAdminActor(domain), '/ri')).find((api) => api.identifier === ORDERS)!;
    await domain.apis.update(await rootAdminActor(domain), orders.id, { acceptsChildTenants: true });
    const accepted = await tokenRequest(t, child, { grant_type: 'client_credentials' }, [ORDERS]);
    expect(accepted.status).toBe(200);
    // The child client holds no role: a token for the API with no permission.
    expect(accepted.body.scope).toBe('');
    await domain.apis.update(await rootAdminActor(domain), orders.id, { acceptsChildTenants: false });
  });

  it('lets a refresh narrow to one of the granted resources, never to another', async () => {
    const issued = await tokenRequest(
      t,
      userClient,
      {
        grant_type: 'password',
        username: alice.username,
        password: alice.password,
        scope: 'openid offline_access orders:read billing:read',
      },
      [ORDERS, BILLING],
    );
    expect(issued.status).toBe(200);
    const both = decodeJwt(issued.body.access_token as string);
    expect(both.aud).toEqual([ORDERS, BILLING]);
    expect((both.scope as string).split(' ').sort()).toEqual(['billing:read', 'offline_access', 'openid', 'orders:read']);

    const narrowed = await tokenRequest(
      t,
      userClient,
      { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token as string },
      [BILLING],
    );
    expect(narrowed.status).toBe(200);
    const claims = decodeJwt(narrowed.body.access_token as string);
    expect(claims.aud).toBe(BILLING);
    expect(claims.scope).toBe('openid offline_access billing:read');

    const outside = await tokenRequest(
      t,
      userClient,
      { grant_type: 'refresh_token', refresh_token: narrowed.body.refresh_token as string },
      ['https://other.example.test'],
    );
    expect(outside.status).toBe(400);
    expect(outside.body.error).toBe('invalid_target');
  });

  it('uses the tenant’s default API without resource, except for scope admin; introspection answers aud as issued', async () => {
    const before = await tokenRequest(t, service, { grant_type: 'client_credentials' });
    expect(decodeJwt(before.body.access_token as string).aud).toBe(t.issuer);

    const admin = await rootAdminActor(domain);
    const billing = (await domain.apis.list(admin, '/ri')).find((api) => api.identifier === BILLING)!;
    await domain.apis.update(admin, billing.id, { isDefault: true });
    const res = await tokenRequest(t, service, { grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('billing:read');
    const token = res.body.access_token as string;
    expect(decodeJwt(token).aud).toBe(BILLING);

    const introspection = await postForm(
      `${t.url}/introspect`,
      { token },
      { authorization: basic(service.clientId, service.clientSecret!) },
    );
    expect(introspection.status).toBe(200);
    expect(introspection.body).toMatchObject({ active: true, aud: BILLING, scope: 'billing:read' });
    await domain.apis.update(admin, billing.id, { isDefault: false });
  });

  it('refuses an unknown resource at /authorize with an invalid_target redirect, and accepts repeated known ones', async () => {
    const app = await createTestClient(domain, '/ri', 'public', { allowedScopes: ['openid', 'orders:read'] });
    const authorize = (resources: string[]) => {
      const query = new URLSearchParams({
        client_id: app.clientId,
        redirect_uri: 'http://127.0.0.1:9/callback',
        response_type: 'code',
        scope: 'openid orders:read',
        state: 's1',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      for (const resource of resources) query.append('resource', resource);
      return fetch(`${t.url}/authorize?${query}`, { redirect: 'manual' });
    };
    const refused = await authorize([ORDERS, 'https://nowhere.example.test']);
    const location = new URL(refused.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('state')).toBe('s1');
    const accepted = await authorize([ORDERS, BILLING]);
    expect(accepted.status).toBe(200); // the sign-in page
  });

  it('keeps a user token without resource as before (aud = issuer)', async () => {
    const tokens = await requestTokens(t.url, userClient, {
      grant_type: 'password',
      username: alice.username,
      password: alice.password,
      scope: 'openid',
    });
    expect(decodeJwt(tokens.access_token).aud).toBe(t.issuer);
  });
});
