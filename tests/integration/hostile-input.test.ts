import type { AdminSdk } from '../../src/sdk/client';
import { errorCode, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

/** Known hostile inputs (issue 12 item 2): a 4xx naming the field, never a 5xx. */
describe('hostile input', () => {
  let t: TestServer;
  let root: AdminSdk;
  const NUL = '\u0000';

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/hostile' } });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('form endpoints refuse control characters with invalid_request naming the parameter', () => {
    it.each([
      ['username', { grant_type: 'password', username: `a${NUL}b`, password: 'whatever-123', client_id: 'x' }],
      ['client_id', { grant_type: 'client_credentials', client_id: `adm${NUL}in`, client_secret: 'x' }],
      ['scope', { grant_type: 'client_credentials', client_id: 'admin', client_secret: 'x', scope: 'a\nb' }],
    ])('/token with a control character in %s', async (field, form) => {
      const res = await postForm(`${t.url}/token`, form);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request' });
      expect(String(res.body.error_description)).toContain(field);
    });

    it('a NUL in a Basic client_id is invalid_client or invalid_request, never 500', async () => {
      const res = await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(`adm${NUL}in`, 'secret') });
      expect([400, 401]).toContain(res.status);
      expect(res.body.error).toMatch(/^invalid_(client|request)$/);
    });

    it('/introspect and /revoke refuse a NUL in the token', async () => {
      for (const path of ['/introspect', '/revoke']) {
        const res = await postForm(`${t.url}${path}`, { token: `a${NUL}b` }, { authorization: basic('admin', 'x') });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ error: 'invalid_request' });
      }
    });
  });

  it('/authorize with a NUL in client_id answers 400, not an HTML 500', async () => {
    const res = await fetch(`${t.url}/authorize?response_type=code&client_id=a%00b&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
  });

  describe('GraphQL', () => {
    it('createUser with a NUL in the username is BAD_USER_INPUT naming the field', async () => {
      const error = await graphqlError(
        root.createUser({ input: { tenantPath: '/hostile', username: `a${NUL}b`, password: 'password-123' } }),
      );
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.message).toContain('username');
    });

    it('createClient with a NUL in the name, a 10,000-character scope or a NUL secret is BAD_USER_INPUT', async () => {
      expect(await errorCode(root.createClient({ input: { tenantPath: '/hostile', name: `a${NUL}b` } }))).toBe('BAD_USER_INPUT');
      const longScope = await graphqlError(
        root.createClient({ input: { tenantPath: '/hostile', name: 'long scope', allowedScopes: ['s'.repeat(10_000)] } }),
      );
      expect(longScope.extensions.code).toBe('BAD_USER_INPUT');
      expect(longScope.message).toContain('allowedScopes');
      const longToken = await graphqlError(
        root.createClient({ input: { tenantPath: '/hostile', name: 'long token', allowedScopes: ['s'.repeat(200)] } }),
      );
      expect(longToken.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'allowedScopes' });
      const nulSecret = await graphqlError(
        root.createClient({ input: { tenantPath: '/hostile', name: 'nul secret', clientSecret: NUL.repeat(32) } }),
      );
      expect(nulSecret.extensions.code).toBe('BAD_USER_INPUT');
      expect(nulSecret.message).toContain('clientSecret');
      const sameChar = await graphqlError(
        root.createClient({ input: { tenantPath: '/hostile', name: 'weak secret', clientSecret: 'a'.repeat(32) } }),
      );
      expect(sameChar.extensions.code).toBe('BAD_USER_INPUT');
    });

    it('client(clientId) with a NUL is not found or BAD_USER_INPUT, never INTERNAL_SERVER_ERROR', async () => {
      const code = await errorCode(root.client({ clientId: `a${NUL}b` }));
      expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(code);
    });
  });
});
