import { getIntrospectionQuery } from 'graphql';
import { rootAdminSdk, clientSdk } from '../support/admin-sdk';
import { clientCredentialsToken } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

interface RawResponse {
  status: number;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** OWASP GraphQL guard rails at `/graphql`: limits, introspection for admins only, no batching, 4xx for bad bodies. */
describe('GraphQL guard rails', () => {
  let t: TestServer;
  let adminToken: string;
  let plainToken: string;

  const post = async (body: string, token?: string): Promise<RawResponse> => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as RawResponse['body'] };
  };
  const query = (source: string, token?: string) => post(JSON.stringify({ query: source }), token);
  const codes = (response: RawResponse) => (response.body.errors ?? []).map((e) => e.extensions?.code);

  beforeAll(async () => {
    t = await startTestServer();
    adminToken = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    const root = await rootAdminSdk(t.url);
    const { createClient } = await root.createClient({
      input: { tenantPath: '/', name: 'plain service', grantTypes: ['client_credentials'], allowedScopes: ['openid'] },
    });
    plainToken = await clientCredentialsToken(t.url, createClient.client.clientId, createClient.clientSecret!);
    await clientSdk(t.url, createClient.client.clientId, createClient.clientSecret!);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses 1,000 aliases before executing anything', async () => {
    const response = await query(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: tenants { totalCount }`).join(' ')} }`, adminToken);
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(codes(response).length).toBeGreaterThan(0);
    expect(
      codes(response).every((code) => code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_USER_INPUT'),
    ).toBe(true);
  });

  it('allows 20 aliases and refuses 21', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { clientId }`).join(' ')} }`;
    const ok = await query(aliased(20), adminToken);
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body.data ?? {})).toHaveLength(20);
    const refused = await query(aliased(21), adminToken);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses a document deeper than the limit', async () => {
    const deep = `{ __typename ${'tenants { nodes { '.repeat(6)}id${' } }'.repeat(6)} }`;
    const response = await query(deep, adminToken);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses an oversized document by its token count with a small answer', async () => {
    const huge = `{ ${Array.from({ length: 2000 }, (_, i) => `s${i}: __schema { types { name } }`).join(' ')} }`;
    const response = await query(huge);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toMatch(/token limit/i);
    expect(response.text.length).toBeLessThan(2000);
  });

  it('answers schema introspection to admins only', async () => {
    const introspection = JSON.stringify({ query: getIntrospectionQuery() });
    const anonymous = await post(introspection);
    expect(anonymous.status).toBe(401);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.body.data).toBeUndefined();

    const plain = await post(introspection, plainToken);
    expect(plain.status).toBe(403);
    expect(codes(plain)).toEqual(['FORBIDDEN']);

    const admin = await post(introspection, adminToken);
    expect(admin.status).toBe(200);
    expect((admin.body.data?.__schema as { queryType: { name: string } }).queryType.name).toBe('Query');

    const typeQuery = await query('{ __type(name: "Client") { name } }');
    expect(codes(typeQuery)).toEqual(['UNAUTHENTICATED']);
  });

  it('still answers __typename to anyone', async () => {
    const response = await query('{ __typename }');
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ __typename: 'Query' });
  });

  it('does not suggest field names in errors', async () => {
    const response = await query('{ tenantz { totalCount } }', adminToken);
    expect(response.status).toBe(400);
    expect(response.text).not.toMatch(/Did you mean/);
  });

  it('refuses batched requests', async () => {
    const response = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]), adminToken);
    expect(response.status).toBe(400);
    expect(response.text).not.toContain('"__typename":"Query"');
  });

  it.each([
    ['invalid JSON', '{"query": "{ __typename }"', 400],
    ['a truncated JSON string', '{"query": "{ __typen', 400],
  ])('answers %s with 400 BAD_REQUEST, not a 5xx', async (_name, body, status) => {
    const response = await post(body, adminToken);
    expect(response.status).toBe(status);
    expect(codes(response)).toEqual(['BAD_REQUEST']);
  });

  it('answers an oversized JSON body with 413', async () => {
    const response = await post(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(300 * 1024) } }), adminToken);
    expect(response.status).toBe(413);
    expect(codes(response)).toEqual(['BAD_REQUEST']);
  });

  it('answers a browser GET with a JSON error, never a landing page (no HTML, no third-party script or font origin)', async () => {
    for (const path of ['/graphql', '/graphql?query=%7B__typename%7D']) {
      const response = await fetch(`${t.url}${path}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      const text = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(text).not.toMatch(/<(html|script|link|iframe)/i);
      expect(text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    }
  });
});
