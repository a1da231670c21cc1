import { decodeJwt } from 'jose';
import { verifyTenantToken } from '../../docs/examples/verify-tenant-token.mjs';
import { createTestClient, createTestTenant, requestTokens, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { startTestServer, type TestServer } from '../support/test-server';

const API = 'https://orders.example.test';

/**
 * Issue 20: a resource server of one tenant verifies that tenant's tokens with
 * the snippet docs/api.md shows ("Verifying a tenant's tokens in a resource
 * server"), run here from the very file the docs include. An API of `/a`
 * accepts `/a`'s tokens for it and refuses, for the same `aud`, tokens of the
 * sibling `/b`, of the parent `/` and of the child `/a/c`: each has its own
 * issuer and key. Before tenant issuers every token carried `iss` = ISSUER and
 * one JWKS held every key, so the same check accepted all four.
 */
describe('verifying a tenant’s tokens in a resource server (docs/examples/verify-tenant-token.mjs)', () => {
  let t: TestServer;
  const issuer: Record<'root' | 'a' | 'b' | 'c', string> = {} as never;
  const client: Record<'root' | 'a' | 'b' | 'c', TestClient> = {} as never;

  /** A client_credentials token for the API of that name (RFC 8707 `resource`). */
  const tokenFor = async (who: keyof typeof client, form: Record<string, string> = { resource: API }) =>
    (await requestTokens(t.url, client[who], { grant_type: 'client_credentials', ...form })).access_token;

  beforeAll(async () => {
    t = await startTestServer();
    const { domain } = t.server.app;
    for (const path of ['/a', '/b', '/a/c']) await createTestTenant(domain, path);
    const sdk = await rootAdminSdk(t.url);
    const permissions = [{ name: 'orders:read' }];
    // The API of /a (its children may use it), and an API of the same identifier in /b and in /:
    // the tokens of all four tenants then carry the same `aud`, and only issuer and key tell them apart.
    for (const [tenantPath, acceptsChildTenants] of [
      ['/a', true],
      ['/b', false],
      ['/', false],
    ] as const) {
      await sdk.createApi({ input: { tenantPath, identifier: API, name: 'Orders', permissions, acceptsChildTenants } });
    }
    for (const [who, tenantPath] of [
      ['root', '/'],
      ['a', '/a'],
      ['b', '/b'],
      ['c', '/a/c'],
    ] as const) {
      client[who] = await createTestClient(domain, tenantPath);
      const { createRole: role } = await sdk.createRole({
        input: { tenantPath, name: 'order-reader', permissions: [{ api: API, permission: 'orders:read' }] },
      });
      await sdk.assignRole({ roleId: role.id, clientId: client[who].clientId });
      issuer[who] = (await sdk.tenant({ path: tenantPath })).tenant!.issuer;
    }
    expect(issuer).toEqual({ root: t.issuer, a: `${t.issuer}/t/a`, b: `${t.issuer}/t/b`, c: `${t.issuer}/t/a.c` });
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts /a’s access token for the API: iss is /a’s issuer, aud the API', async () => {
    const claims = await verifyTenantToken(issuer.a, API, await tokenFor('a'));
    expect(claims).toMatchObject({ iss: issuer.a, aud: API, scope: 'orders:read', tenant: '/a', client_id: client.a.clientId });
  });

  it.each([
    ['the sibling /b', 'b'],
    ['the parent /', 'root'],
    ['the child /a/c', 'c'],
  ] as const)('refuses a token of %s for the same API, which verifies only at its own issuer', async (_, who) => {
    const token = await tokenFor(who);
    expect(decodeJwt(token)).toMatchObject({ iss: issuer[who], aud: API });
    await expect(verifyTenantToken(issuer.a, API, token)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_JW/) });
    await expect(verifyTenantToken(issuer[who], API, token)).resolves.toMatchObject({ iss: issuer[who] });
  });

  it('refuses /a’s token for another audience, and /a’s token asked for without `resource` (aud = ISSUER)', async () => {
    await expect(verifyTenantToken(issuer.a, 'https://billing.example.test', await tokenFor('a'))).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
    const plain = await tokenFor('a', {});
    expect(decodeJwt(plain).aud).toBe(t.issuer);
    await expect(verifyTenantToken(issuer.a, API, plain)).rejects.toMatchObject({ claim: 'aud' });
  });
});
