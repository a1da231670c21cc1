import { ClientsDocument, TenantDashboardDocument, TenantDocument, UsersDocument } from '../../src/sdk/generated';
import { clientSdk, rootAdminSdk } from '../support/admin-sdk';
import { clientCredentialsToken } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

/**
 * A query document runs on graphql-js the first time and as a graphql-jit function from
 * its second use on (src/graphql/jit-gateway.ts). The same request must get the same
 * answer either way: data, errors with their extensions.code and field, and HTTP status.
 */
describe('GraphQL executor parity: graphql-js (first use) and graphql-jit (later uses)', () => {
  let t: TestServer;
  let rootToken: string;
  let sideToken: string;

  beforeAll(async () => {
    t = await startTestServer();
    rootToken = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    const root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/parity' } });
    await root.createTenant({ input: { path: '/parity-side' } });
    for (let i = 0; i < 3; i++) await root.createClient({ input: { tenantPath: '/parity', clientId: `parity-${i}`, name: `Parity ${i}` } });
    await root.createUser({
      input: { tenantPath: '/parity', username: 'pat', password: 'parity-password-1', email: 'pat@parity.example' },
    });
    const side = (await root.createClient({ input: { tenantPath: '/parity-side', name: 'side admin', allowedScopes: ['admin'] } }))
      .createClient;
    await clientSdk(t.url, side.client.clientId, side.clientSecret!);
    sideToken = await clientCredentialsToken(t.url, side.client.clientId, side.clientSecret!);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = async (token: string | null, query: string, variables: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] } };
  };

  const cases: [string, () => string | null, string, Record<string, unknown>][] = [
    ['a page of clients', () => rootToken, String(ClientsDocument), { tenantPath: '/parity', first: 2 }],
    ['the dashboard', () => rootToken, String(TenantDashboardDocument), { path: '/parity', first: 50 }],
    ['a search', () => rootToken, String(UsersDocument), { tenantPath: '/parity', search: 'PAT@' }],
    ['NOT_FOUND', () => rootToken, String(TenantDocument), { path: '/parity/missing' }],
    ['outside the subtree (NOT_FOUND)', () => sideToken, String(TenantDashboardDocument), { path: '/parity', first: 5 }],
    ['UNAUTHENTICATED', () => null, String(ClientsDocument), { tenantPath: '/parity' }],
    ['BAD_USER_INPUT from the domain', () => rootToken, String(ClientsDocument), { tenantPath: '/parity', first: 1000 }],
    ['a forged cursor', () => rootToken, String(UsersDocument), { tenantPath: '/parity', after: 'not-a-cursor' }],
    ['variables refused before execution', () => rootToken, String(ClientsDocument), { tenantPath: '/parity', first: 'ten' }],
  ];

  it.each(cases)('%s: the same answer on first and later uses', async (_name, token, query, variables) => {
    const first = await post(token(), query, variables);
    const second = await post(token(), query, variables);
    const third = await post(token(), query, variables);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(first.body.data !== undefined || first.body.errors !== undefined).toBe(true);
  });

  it('answers the expected codes (so the parity above compares real outcomes)', async () => {
    const code = async (token: string | null, query: string, variables: Record<string, unknown>) =>
      (await post(token, query, variables)).body.errors?.[0]?.extensions.code;
    expect(await code(rootToken, String(TenantDocument), { path: '/parity/missing' })).toBe('NOT_FOUND');
    expect(await code(sideToken, String(TenantDashboardDocument), { path: '/parity', first: 5 })).toBe('NOT_FOUND');
    expect(await code(null, String(ClientsDocument), { tenantPath: '/parity' })).toBe('UNAUTHENTICATED');
    expect(await code(rootToken, String(ClientsDocument), { tenantPath: '/parity', first: 1000 })).toBe('BAD_USER_INPUT');
    const refused = await post(rootToken, String(ClientsDocument), { tenantPath: '/parity', first: 'ten' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const dashboard = (await post(rootToken, String(TenantDashboardDocument), { path: '/parity', first: 50 })).body.data as {
      tenant: { clients: { totalCount: number } };
    };
    expect(dashboard.tenant.clients.totalCount).toBe(3);
  });
});
