import { createAdminSdk, GraphQLRequestError, type AdminSdk } from '../../src/sdk/client';
import { clientSdk, errorCode, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { clientCredentialsToken } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

/** Pagination, validation, conflicts and authentication errors of the GraphQL admin API, through the generated SDK. */
describe('GraphQL admin API: pages and errors', () => {
  let t: TestServer;
  let root: AdminSdk;

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/acme' } });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('pagination', () => {
    it('walks clients with first/after: every client once, totalCount constant, hasNextPage false at the end', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) {
        created.push((await root.createClient({ input: { tenantPath: '/acme', name: `paged ${i}` } })).createClient.client.clientId);
      }
      const seen: string[] = [];
      const pages: number[] = [];
      let after: string | null = null;
      for (;;) {
        const { clients }: Awaited<ReturnType<AdminSdk['clients']>> = await root.clients({ tenantPath: '/acme', first: 2, after });
        expect(clients.totalCount).toBe(5);
        pages.push(clients.nodes.length);
        seen.push(...clients.nodes.map((c) => c.clientId));
        if (!clients.pageInfo.hasNextPage) break;
        expect(clients.pageInfo.endCursor).toEqual(expect.any(String));
        after = clients.pageInfo.endCursor;
      }
      expect(pages).toEqual([2, 2, 1]);
      expect(seen).toEqual(created);
      expect(new Set(seen).size).toBe(5);
    });

    it('walks users and tenants the same way', async () => {
      for (const name of ['u1', 'u2', 'u3'])
        await root.createUser({ input: { tenantPath: '/acme', username: name, password: 'password-123' } });
      const first = await root.users({ tenantPath: '/acme', first: 2 });
      expect(first.users).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
      const second = await root.users({ tenantPath: '/acme', first: 2, after: first.users.pageInfo.endCursor });
      expect(second.users).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false } });
      expect([...first.users.nodes, ...second.users.nodes].map((u) => u.username)).toEqual(['u1', 'u2', 'u3']);

      for (const path of ['/acme/a', '/acme/b']) await root.createTenant({ input: { path } });
      const tenantsFirst = await root.tenants({ first: 3 });
      expect(tenantsFirst.tenants).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
      const tenantsRest = await root.tenants({ first: 3, after: tenantsFirst.tenants.pageInfo.endCursor });
      expect([...tenantsFirst.tenants.nodes, ...tenantsRest.tenants.nodes].map((x) => x.path)).toEqual([
        '/',
        '/acme',
        '/acme/a',
        '/acme/b',
      ]);
      expect(tenantsRest.tenants.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    });

    it('refuses out-of-range page sizes and forged cursors with BAD_USER_INPUT', async () => {
      for (const first of [0, 101, -1]) {
        const error = await graphqlError(root.clients({ first }));
        expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
      }
      for (const after of ['not-a-cursor', Buffer.from('["x"]').toString('base64url')]) {
        const error = await graphqlError(root.users({ after }));
        expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    });

    // A forged cursor must be refused before it reaches PostgreSQL's uuid parser.
    it('refuses a cursor with a non-UUID id with BAD_USER_INPUT', async () => {
      const after = Buffer.from(JSON.stringify(['2020-01-01T00:00:00.000Z', 'not-a-uuid'])).toString('base64url');
      expect((await graphqlError(root.clients({ after }))).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      expect((await graphqlError(root.users({ after }))).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    });
  });

  describe('validation', () => {
    const cases: [string, (sdk: AdminSdk) => Promise<unknown>, string][] = [
      ['tenant path without a leading slash', (sdk) => sdk.createTenant({ input: { path: 'acme' } }), 'path'],
      ['tenant path with uppercase and punctuation', (sdk) => sdk.createTenant({ input: { path: '/ACME!' } }), 'path'],
      ['tenant path with dot segments', (sdk) => sdk.tenant({ path: '/acme/../beta' }), 'path'],
      ['tenant whose parent does not exist', (sdk) => sdk.createTenant({ input: { path: '/nowhere/child' } }), 'path'],
      [
        'supplied client secret under 20 characters',
        (sdk) => sdk.createClient({ input: { tenantPath: '/acme', name: 'short', clientSecret: 'too-short-secret' } }),
        'clientSecret',
      ],
      [
        'rotated client secret under 20 characters',
        (sdk) => sdk.rotateClientSecret({ clientId: 'admin', clientSecret: 'short' }),
        'clientSecret',
      ],
      [
        'http redirect URI on a non-loopback host',
        (sdk) =>
          sdk.createClient({
            input: {
              tenantPath: '/acme',
              name: 'web',
              grantTypes: ['authorization_code'],
              redirectUris: ['http://app.example.com/callback'],
            },
          }),
        'redirectUris[0]',
      ],
      [
        'redirect URI with a fragment',
        (sdk) => sdk.createClient({ input: { tenantPath: '/acme', name: 'web', redirectUris: ['https://app.example.com/cb#x'] } }),
        'redirectUris[0]',
      ],
      [
        'unknown grant type',
        (sdk) => sdk.createClient({ input: { tenantPath: '/acme', name: 'odd', grantTypes: ['implicit'] } }),
        'grantTypes',
      ],
      ['client name that is blank', (sdk) => sdk.createClient({ input: { tenantPath: '/acme', name: '   ' } }), 'name'],
      [
        'email that is not an address',
        (sdk) => sdk.createUser({ input: { tenantPath: '/acme', username: 'carol', password: 'password-123', email: 'not-an-email' } }),
        'email',
      ],
      [
        'password under 8 characters',
        (sdk) => sdk.createUser({ input: { tenantPath: '/acme', username: 'carol', password: 'short' } }),
        'password',
      ],
      [
        'username with spaces',
        (sdk) => sdk.createUser({ input: { tenantPath: '/acme', username: 'carol smith', password: 'password-123' } }),
        'username',
      ],
    ];

    it.each(cases)('refuses a %s with BAD_USER_INPUT naming the field', async (_name, call, field) => {
      const error = await graphqlError(call(root));
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(error.message).toContain(field);
    });

    it('refuses a short password on setUserPassword', async () => {
      const { createUser } = await root.createUser({ input: { tenantPath: '/acme', username: 'dave', password: 'password-123' } });
      const error = await graphqlError(root.setUserPassword({ id: createUser.id, password: 'short' }));
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
    });

    it('answers NOT_FOUND for missing tenants, clients and users', async () => {
      expect(await errorCode(root.tenant({ path: '/missing' }))).toBe('NOT_FOUND');
      expect(await errorCode(root.client({ clientId: 'no-such-client' }))).toBe('NOT_FOUND');
      expect(await errorCode(root.user({ id: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
      expect(await errorCode(root.user({ id: 'not-a-uuid' }))).toBe('NOT_FOUND');
    });
  });

  describe('conflicts', () => {
    it('refuses a duplicate tenant path with CONFLICT', async () => {
      expect(await errorCode(root.createTenant({ input: { path: '/acme' } }))).toBe('CONFLICT');
      expect(await errorCode(root.createTenant({ input: { path: '/acme/' } }))).toBe('CONFLICT');
      expect(await errorCode(root.createTenant({ input: { path: '/' } }))).toBe('CONFLICT');
    });

    it('refuses a duplicate username within a tenant with CONFLICT, but allows it in another tenant', async () => {
      await root.createUser({ input: { tenantPath: '/acme', username: 'erin', password: 'password-123' } });
      expect(await errorCode(root.createUser({ input: { tenantPath: '/acme', username: 'erin', password: 'other-password' } }))).toBe(
        'CONFLICT',
      );
      const { createUser } = await root.createUser({ input: { tenantPath: '/acme/a', username: 'erin', password: 'password-123' } });
      expect(createUser.tenantPath).toBe('/acme/a');
      const frank = await root.createUser({ input: { tenantPath: '/acme', username: 'frank', password: 'password-123' } });
      expect(await errorCode(root.updateUser({ id: frank.createUser.id, input: { username: 'erin' } }))).toBe('CONFLICT');
    });

    it('refuses a duplicate client_id with CONFLICT', async () => {
      await root.createClient({ input: { tenantPath: '/acme', clientId: 'fixed-id', name: 'one' } });
      expect(await errorCode(root.createClient({ input: { tenantPath: '/acme/a', clientId: 'fixed-id', name: 'two' } }))).toBe('CONFLICT');
    });
  });

  describe('authentication', () => {
    it('answers UNAUTHENTICATED without a token, for queries and mutations alike', async () => {
      const anonymous = createAdminSdk(t.url);
      expect(await errorCode(anonymous.me())).toBe('UNAUTHENTICATED');
      expect(await errorCode(anonymous.tenants())).toBe('UNAUTHENTICATED');
      expect(await errorCode(anonymous.createTenant({ input: { path: '/anon' } }))).toBe('UNAUTHENTICATED');
    });

    it('answers UNAUTHENTICATED for a garbage, malformed, truncated or tampered token', async () => {
      const { createClient } = await root.createClient({ input: { tenantPath: '/acme', name: 'low privilege', allowedScopes: [] } });
      const token = await clientCredentialsToken(t.url, createClient.client.clientId, createClient.clientSecret!);
      expect((await createAdminSdk(t.url, token).me()).me).toMatchObject({ tenantPath: '/acme', scopes: [] });
      const [header, payload, signature] = token.split('.') as [string, string, string];
      // Same signature, claims raised to a root admin.
      const raised = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), tenant: '/', scope: 'admin' }),
      ).toString('base64url');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${raised}.`;
      const bad = ['garbage', 'a.b.c', `${header}.${raised}.${signature}`, unsigned, token.slice(0, -4), 'not a token at all'];
      const outcomes = await Promise.all(bad.map(async (value) => [value, await errorCode(createAdminSdk(t.url, value).me())]));
      expect(outcomes).toEqual(bad.map((value) => [value, 'UNAUTHENTICATED']));
      await expect(createAdminSdk(t.url, 'garbage').tenants()).rejects.toBeInstanceOf(GraphQLRequestError);
    });

    it('lets a client without scope admin call me, and nothing else', async () => {
      const { createClient } = await root.createClient({ input: { tenantPath: '/acme', name: 'plain service', allowedScopes: [] } });
      const plain = await clientSdk(t.url, createClient.client.clientId, createClient.clientSecret!);
      expect((await plain.me()).me).toEqual({
        subject: createClient.client.clientId,
        clientId: createClient.client.clientId,
        tenantPath: '/acme',
        scopes: [],
        userId: null,
      });
      const adminOnly: [string, () => Promise<unknown>][] = [
        ['tenant', () => plain.tenant({ path: '/acme' })],
        ['tenants', () => plain.tenants()],
        ['clients', () => plain.clients()],
        ['client (itself)', () => plain.client({ clientId: createClient.client.clientId })],
        ['users', () => plain.users()],
        ['signingKeys', () => plain.signingKeys()],
        ['createTenant', () => plain.createTenant({ input: { path: '/acme/x' } })],
        ['createClient', () => plain.createClient({ input: { tenantPath: '/acme', name: 'x' } })],
        ['createUser', () => plain.createUser({ input: { tenantPath: '/acme', username: 'x', password: 'password-123' } })],
        ['rotateClientSecret (itself)', () => plain.rotateClientSecret({ clientId: createClient.client.clientId })],
        ['rotateSigningKey', () => plain.rotateSigningKey({ tenantPath: '/acme' })],
      ];
      const outcomes = await Promise.all(adminOnly.map(async ([operation, call]) => [operation, await errorCode(call())]));
      expect(outcomes).toEqual(adminOnly.map(([operation]) => [operation, 'FORBIDDEN']));
    });
  });

  describe('error shape', () => {
    it('keeps errors to message, locations, path and extensions.code (+field): no stack traces, no SQL', async () => {
      const conflict = await graphqlError(root.createTenant({ input: { path: '/acme' } }));
      expect(conflict).toEqual({
        message: expect.any(String),
        locations: expect.any(Array),
        path: ['createTenant'],
        extensions: { code: 'CONFLICT' },
      });

      const validation = await graphqlError(root.createTenant({ input: { path: 'acme' } }));
      expect(validation).toEqual({
        message: expect.stringContaining('path'),
        locations: expect.any(Array),
        path: ['createTenant'],
        extensions: { code: 'BAD_USER_INPUT', field: 'path' },
      });

      const unauthenticated = await graphqlError(createAdminSdk(t.url).tenant({ path: '/' }));
      expect(unauthenticated).toEqual({
        message: expect.any(String),
        locations: expect.any(Array),
        path: ['tenant'],
        extensions: { code: 'UNAUTHENTICATED' },
      });
    });
  });
});
