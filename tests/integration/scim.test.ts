import { randomBytes } from 'node:crypto';
import type { Domain } from '../../src/composition/create-domain';
import type { AdminSdk } from '../../src/sdk/client';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createTestClient, createTestTenant, passwordTokens, type TestClient } from '../fixtures/token-clients';
import { clientSdk, errorCode, rootAdminSdk } from '../support/admin-sdk';
import { postForm } from '../support/oauth';
import { clientHeaders } from '../fixtures/token-clients';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

interface ScimResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- SCIM JSON of many shapes, checked field by field
  body: Record<string, any>;
}

const patchOf = (...operations: Record<string, unknown>[]) => ({ schemas: [PATCH], Operations: operations });

/**
 * Issue 23 item 5: SCIM 2.0 (RFC 7643/7644) per tenant at `{I}/scim/v2`, authenticated by a tenant's SCIM
 * token: users and groups (roles) as the RFC's examples push them, filters, PUT and PATCH (Okta's and
 * Entra ID's shapes), deprovisioning through UserService (tokens revoked, sessions ended), SCIM errors
 * with scimType, and tenant isolation.
 */
describe('SCIM 2.0 provisioning', () => {
  let t: TestServer;
  let domain: Domain;
  let sdk: AdminSdk;
  let acme: string;
  let other: string;
  let acmeToken: string;
  let otherToken: string;
  let signInClient: TestClient;

  const scim = async (
    base: string,
    method: string,
    path: string,
    body?: unknown,
    options: { token?: string | null; type?: string; raw?: string } = {},
  ): Promise<ScimResponse> => {
    const token = options.token === undefined ? (base === acme ? acmeToken : otherToken) : options.token;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined || options.raw !== undefined ? { 'content-type': options.type ?? 'application/scim+json' } : {}),
      },
      body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
  };
  const expectScimError = (res: ScimResponse, status: number, scimType?: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body.schemas).toEqual([ERROR]);
    expect(res.body.status).toBe(String(status));
    if (scimType) expect(res.body.scimType).toBe(scimType);
    else expect(res.body.scimType).toBeUndefined();
  };
  const createUser = async (userName: string, extra: Record<string, unknown> = {}) => {
    const res = await scim(acme, 'POST', '/Users', { schemas: [USER], userName, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  };
  const userRoleNames = async (id: string): Promise<string[]> => ((await sdk.userRoles({ id })).user?.roles ?? []).map((r) => r.name);

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    sdk = await rootAdminSdk(t.url);
    await createTestTenant(domain, '/acme');
    await createTestTenant(domain, '/other');
    acme = `${t.url}/t/acme/scim/v2`;
    other = `${t.url}/t/other/scim/v2`;
    acmeToken = (await sdk.createScimToken({ tenantPath: '/acme', description: 'Okta' })).createScimToken.token;
    otherToken = (await sdk.createScimToken({ tenantPath: '/other', description: 'Entra ID' })).createScimToken.token;
    signInClient = await createTestClient(domain, '/acme', 'user');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('describes itself truthfully: patch and filter supported, bulk, sort, changePassword and etag not', async () => {
    const config = await scim(acme, 'GET', '/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(config.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
      bulk: { supported: false },
      sort: { supported: false },
      changePassword: { supported: false },
      etag: { supported: false },
    });
    const types = await scim(acme, 'GET', '/ResourceTypes');
    expect(types.body.Resources.map((r: { endpoint: string }) => r.endpoint)).toEqual(['/Users', '/Groups']);
    const schemas = await scim(acme, 'GET', '/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER, GROUP]);
  });

  it('creates a user as RFC 7644 §3.3 shows, without a password: password sign-in refuses it; the write is audited with the token', async () => {
    const res = await scim(acme, 'POST', '/Users', {
      schemas: [USER],
      userName: 'bjensen',
      externalId: 'bjensen',
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.headers.get('location')).toBe(`${acme}/Users/${res.body.id}`);
    expect(res.body).toMatchObject({
      schemas: [USER],
      userName: 'bjensen',
      externalId: 'bjensen',
      name: { familyName: 'Jensen', givenName: 'Barbara', formatted: 'Barbara Jensen' },
      active: true,
      meta: { resourceType: 'User', location: `${acme}/Users/${res.body.id}` },
    });
    const got = await scim(acme, 'GET', `/Users/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    // No password: the password grant answers exactly as for a wrong password.
    const signIn = await postForm(
      `${t.url}/token`,
      { grant_type: 'password', username: 'bjensen', password: 'any password at all', scope: 'openid' },
      clientHeaders(signInClient),
    );
    expect(signIn.status).toBe(400);
    expect(signIn.body.error).toBe('invalid_grant');
    const [token] = (await sdk.scimTokens({ tenantPath: '/acme' })).scimTokens;
    const audit = await sqlRows<{ actor_kind: string; actor_id: string; tenant_path: string }>(
      t.databaseUrl,
      `select actor_kind, actor_id, tenant_path from audit_events where action = 'scimCreateUser' and target_id = $1`,
      [res.body.id],
    );
    expect(audit).toEqual([{ actor_kind: 'scim', actor_id: token!.id, tenant_path: '/acme' }]);
  });

  it('filters by userName (regardless of case) and externalId (exactly), and pages with startIndex and count', async () => {
    await createUser('filter-a', { externalId: 'ext-A' });
    await createUser('filter-b', { externalId: 'ext-B' });
    const byName = await scim(acme, 'GET', `/Users?filter=${encodeURIComponent('userName eq "FILTER-A"')}`);
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({ schemas: [LIST], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(byName.body.Resources[0].userName).toBe('filter-a');
    const byExternal = await scim(acme, 'GET', `/Users?filter=${encodeURIComponent('externalId eq "ext-B"')}`);
    expect(byExternal.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['filter-b']);
    expect((await scim(acme, 'GET', `/Users?filter=${encodeURIComponent('externalId eq "EXT-B"')}`)).body.totalResults).toBe(0);
    const both = await scim(acme, 'GET', `/Users?filter=${encodeURIComponent('userName eq "filter-a" and externalId eq "ext-B"')}`);
    expect(both.body.totalResults).toBe(0);
    const all = await scim(acme, 'GET', '/Users');
    const second = await scim(acme, 'GET', '/Users?startIndex=2&count=1');
    expect(second.body).toMatchObject({ totalResults: all.body.totalResults, startIndex: 2, itemsPerPage: 1 });
    expect(second.body.Resources[0].id).toBe(all.body.Resources[1].id);
  });

  it('replaces a user with PUT: what the body leaves out is cleared', async () => {
    const user = await createUser('put-user', { name: { givenName: 'Put', familyName: 'User' }, emails: [{ value: 'put@example.test' }] });
    const res = await scim(acme, 'PUT', `/Users/${user.id}`, {
      schemas: [USER],
      userName: 'put-user',
      emails: [
        { value: 'home@example.test', type: 'home' },
        { value: 'work@example.test', type: 'work', primary: true },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBeUndefined();
    expect(res.body.emails).toEqual([{ value: 'work@example.test', type: 'work', primary: true }]);
    const stored = await domain.users.findById(user.id);
    expect(stored).toMatchObject({ firstname: null, lastname: null, email: 'work@example.test', emailVerified: false });
  });

  it('patches a user: replace and add by path and value filter, remove by path, Okta’s replace without a path', async () => {
    const user = await createUser('patch-user', { name: { givenName: 'Pat', familyName: 'Old' } });
    const res = await scim(
      acme,
      'PATCH',
      `/Users/${user.id}`,
      patchOf(
        // Entra ID adds a work email through a filter that matches nothing yet.
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'pat@example.test' },
        { op: 'replace', path: 'name.familyName', value: 'New' },
        { op: 'remove', path: 'name.givenName' },
        { op: 'replace', value: { externalId: 'ext-patch', 'name.givenName': 'Patricia' } },
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', value: 'patch-user-2' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      userName: 'patch-user-2',
      externalId: 'ext-patch',
      name: { givenName: 'Patricia', familyName: 'New' },
      emails: [{ value: 'pat@example.test', type: 'work', primary: true }],
    });
    const replaced = await scim(
      acme,
      'PATCH',
      `/Users/${user.id}`,
      patchOf(
        { op: 'replace', path: 'emails[type eq "work"]', value: { type: 'work', value: 'pat2@example.test' } },
        { op: 'remove', path: 'name' },
      ),
    );
    expect(replaced.body.emails).toEqual([{ value: 'pat2@example.test', type: 'work', primary: true }]);
    expect(replaced.body.name).toBeUndefined();
    expect(await domain.users.findById(user.id)).toMatchObject({ username: 'patch-user-2', email: 'pat2@example.test', lastname: null });
  });

  it('maps Groups onto the tenant’s roles: members added and removed are role assignments GraphQL shows', async () => {
    const babs = await createUser('group-babs');
    const mandy = await createUser('group-mandy');
    const created = await scim(acme, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Tour Guides', members: [{ value: babs.id }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      schemas: [GROUP],
      displayName: 'Tour Guides',
      members: [{ value: babs.id, display: 'group-babs' }],
    });
    expect((await sdk.roles({ tenantPath: '/acme' })).roles.map((r) => r.name)).toContain('Tour Guides');
    expect(await userRoleNames(babs.id)).toEqual(['Tour Guides']);
    // RFC 7644 §3.5.2.1: add members; §3.5.2.2: remove the member a value filter names.
    const added = await scim(
      acme,
      'PATCH',
      `/Groups/${created.body.id}`,
      patchOf({ op: 'add', path: 'members', value: [{ display: 'Mandy', value: mandy.id }] }),
    );
    expect(added.status).toBe(200);
    expect(added.body.members.map((m: { value: string }) => m.value).sort()).toEqual([babs.id, mandy.id].sort());
    expect(await userRoleNames(mandy.id)).toEqual(['Tour Guides']);
    const removed = await scim(
      acme,
      'PATCH',
      `/Groups/${created.body.id}`,
      patchOf({ op: 'remove', path: `members[value eq "${babs.id}"]` }),
    );
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual([mandy.id]);
    expect(await userRoleNames(babs.id)).toEqual([]);
    // Entra ID: remove members by value, and replace the name without a path.
    await scim(acme, 'PATCH', `/Groups/${created.body.id}`, patchOf({ op: 'Remove', path: 'members', value: [{ value: mandy.id }] }));
    expect(await userRoleNames(mandy.id)).toEqual([]);
    const renamed = await scim(acme, 'PATCH', `/Groups/${created.body.id}`, patchOf({ op: 'Replace', value: { displayName: 'Guides' } }));
    expect(renamed.body.displayName).toBe('Guides');
    const found = await scim(acme, 'GET', `/Groups?filter=${encodeURIComponent('displayName eq "guides"')}&excludedAttributes=members`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).not.toHaveProperty('members');
    const duplicate = await scim(acme, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Guides' });
    expectScimError(duplicate, 409, 'uniqueness');
    expect((await scim(acme, 'DELETE', `/Groups/${created.body.id}`)).status).toBe(204);
    expect((await scim(acme, 'GET', `/Groups/${created.body.id}`)).status).toBe(404);
  });

  /** A SCIM user given a password by an admin, with a refresh token and a browser session. */
  const signedInUser = async (userName: string) => {
    const user = await createUser(userName);
    const password = `pw-${randomBytes(12).toString('hex')}`;
    await domain.users.setPassword(await rootAdminActor(domain), user.id, password);
    const tokens = await passwordTokens(t.url, signInClient, userName, password, 'openid offline_access');
    const { token: session } = await domain.sessions.start((await domain.tenants.require('/acme')).id, user.id);
    return { id: user.id as string, refreshToken: tokens.refresh_token!, session };
  };
  const refresh = (refreshToken: string) =>
    postForm(`${t.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken }, clientHeaders(signInClient));
  const liveSessions = async (userId: string) =>
    (await sqlRows(t.databaseUrl, 'select 1 from browser_sessions where user_id = $1 and ended_at is null', [userId])).length;

  it('deactivates a user (Entra ID’s PATCH active "False"): disabled, its sessions ended and its refresh tokens revoked', async () => {
    const { id, refreshToken } = await signedInUser('leaver');
    expect(await liveSessions(id)).toBe(1);
    const res = await scim(acme, 'PATCH', `/Users/${id}`, patchOf({ op: 'Replace', path: 'active', value: 'False' }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await domain.users.findById(id))!.enabled).toBe(false);
    expect(await liveSessions(id)).toBe(0);
    expect((await refresh(refreshToken)).body.error).toBe('invalid_grant');
    // Okta's shape re-enables; the revoked refresh token stays revoked.
    const back = await scim(acme, 'PATCH', `/Users/${id}`, patchOf({ op: 'replace', value: { active: true } }));
    expect(back.body.active).toBe(true);
    expect((await refresh(refreshToken)).body.error).toBe('invalid_grant');
  });

  it('DELETE disables (tokens revoked, sessions ended) and deletes: 404 afterwards', async () => {
    const { id, refreshToken } = await signedInUser('deleted');
    expect((await scim(acme, 'DELETE', `/Users/${id}`)).status).toBe(204);
    expect(await liveSessions(id)).toBe(0);
    expect((await refresh(refreshToken)).body.error).toBe('invalid_grant');
    expectScimError(await scim(acme, 'GET', `/Users/${id}`), 404);
    expectScimError(await scim(acme, 'DELETE', `/Users/${id}`), 404);
  });

  it('answers bad input with SCIM errors and scimType', async () => {
    const user = await createUser('bad-input', { externalId: 'ext-bad' });
    expectScimError(await scim(acme, 'POST', '/Users', undefined, { raw: '{"schemas": [' }), 400, 'invalidSyntax');
    expectScimError(await scim(acme, 'POST', '/Users', undefined, { raw: 'userName=x', type: 'application/x-www-form-urlencoded' }), 415);
    expectScimError(await scim(acme, 'POST', '/Users', { schemas: [USER] }), 400, 'invalidValue');
    expectScimError(await scim(acme, 'POST', '/Users', { schemas: [USER], userName: 'BAD-INPUT' }), 409, 'uniqueness');
    expectScimError(
      await scim(acme, 'POST', '/Users', { schemas: [USER], userName: 'other-name', externalId: 'ext-bad' }),
      409,
      'uniqueness',
    );
    expectScimError(await scim(acme, 'GET', `/Users?filter=${encodeURIComponent('userName co "bad"')}`), 400, 'invalidFilter');
    expectScimError(await scim(acme, 'GET', `/Users?filter=${encodeURIComponent('nickName eq "bad"')}`), 400, 'invalidFilter');
    const patch = (...operations: Record<string, unknown>[]) => scim(acme, 'PATCH', `/Users/${user.id}`, patchOf(...operations));
    expectScimError(await patch({ op: 'replace', path: 'nickName', value: 'Babs' }), 400, 'invalidPath');
    expectScimError(await patch({ op: 'replace', path: 'emails[type eq "home"].value', value: 'x@example.test' }), 400, 'noTarget');
    expectScimError(await patch({ op: 'remove' }), 400, 'noTarget');
    expectScimError(await patch({ op: 'replace', path: 'id', value: 'mine' }), 400, 'mutability');
    expectScimError(await patch({ op: 'replace', path: 'active', value: 'maybe' }), 400, 'invalidValue');
    expectScimError(await patch({ op: 'move', path: 'active', value: false }), 400, 'invalidSyntax');
    expectScimError(await scim(acme, 'PATCH', `/Users/${user.id}`, { Operations: [] }), 400, 'invalidSyntax');
    // Nothing of a refused PATCH was written.
    expect((await scim(acme, 'GET', `/Users/${user.id}`)).body.active).toBe(true);
  });

  it('keeps tenants apart: a token works at its own tenant only; no token, a revoked one or another tenant’s is 401 with a Bearer challenge', async () => {
    const user = await createUser('acme-only');
    const none = await scim(acme, 'GET', '/Users', undefined, { token: null });
    expectScimError(none, 401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrongTenant = await scim(acme, 'GET', '/Users', undefined, { token: otherToken });
    expectScimError(wrongTenant, 401);
    expect(wrongTenant.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expectScimError(await scim(other, 'GET', `/Users/${user.id}`), 404);
    const listed = await scim(other, 'GET', `/Users?filter=${encodeURIComponent('userName eq "acme-only"')}`);
    expect(listed.body.totalResults).toBe(0);
    expectScimError(await scim(other, 'PATCH', `/Users/${user.id}`, patchOf({ op: 'replace', path: 'active', value: false })), 404);
    expectScimError(
      await scim(other, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Steal', members: [{ value: user.id }] }),
      400,
      'invalidValue',
    );
    const made = await sdk.createScimToken({ tenantPath: '/other', description: 'short-lived' });
    expect((await scim(other, 'GET', '/Users', undefined, { token: made.createScimToken.token })).status).toBe(200);
    await sdk.revokeScimToken({ id: made.createScimToken.scimToken.id });
    expectScimError(await scim(other, 'GET', '/Users', undefined, { token: made.createScimToken.token }), 401);
    // GraphQL keeps SCIM tokens to the admin's subtree: /other's admin neither makes, lists nor revokes /acme's.
    const otherAdmin = await createTestClient(domain, '/other', 'service', { allowedScopes: ['admin'] });
    const otherSdk = await clientSdk(t.url, otherAdmin.clientId, otherAdmin.clientSecret!);
    expect(await errorCode(otherSdk.createScimToken({ tenantPath: '/acme' }))).toBe('NOT_FOUND');
    expect(await errorCode(otherSdk.scimTokens({ tenantPath: '/acme' }))).toBe('NOT_FOUND');
    const [acmeOwn] = (await sdk.scimTokens({ tenantPath: '/acme' })).scimTokens;
    expect(await errorCode(otherSdk.revokeScimToken({ id: acmeOwn!.id }))).toBe('NOT_FOUND');
    expect((await otherSdk.scimTokens({})).scimTokens.map((token) => token.description)).toEqual(['short-lived', 'Entra ID']);
  });
});
