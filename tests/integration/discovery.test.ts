import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { basic, postForm } from '../support/oauth';

type Metadata = Record<string, unknown>;

/** Endpoints answered with GET; everything else advertised is POST-only (RFC 6749 §3.2, RFC 7009, RFC 7662). */
const GET_ENDPOINTS = new Set(['authorization_endpoint', 'jwks_uri', 'userinfo_endpoint', 'end_session_endpoint']);

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
const CLIENT_AUTH_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'HS256',
  'HS384',
  'HS512',
];

describe('discovery metadata (OIDC Discovery 1.0, RFC 8414)', () => {
  let t: TestServer;
  let metadata: Metadata;

  beforeAll(async () => {
    t = await startTestServer();
    const res = await fetch(`${t.url}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    metadata = (await res.json()) as Metadata;
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the same document at both well-known locations, for our issuer', async () => {
    const rfc8414 = await fetch(`${t.url}/.well-known/oauth-authorization-server`);
    expect(rfc8414.status).toBe(200);
    expect(await rfc8414.json()).toEqual(metadata);
    expect(metadata.issuer).toBe(t.issuer);
  });

  it('has every field OIDC Discovery §3 and RFC 8414 §2 require, and no empty values', () => {
    for (const field of [
      'issuer',
      'token_endpoint',
      'jwks_uri',
      'response_types_supported',
      'subject_types_supported',
      'id_token_signing_alg_values_supported',
    ]) {
      expect(metadata).toHaveProperty(field);
    }
    for (const [field, value] of Object.entries(metadata)) {
      expect([field, value === null || value === undefined || value === '']).toEqual([field, false]);
    }
    expect(metadata).toMatchObject({
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      // RFC 8414 §2: what client assertions may be signed with; never none.
      token_endpoint_auth_signing_alg_values_supported: CLIENT_AUTH_ALGS,
      introspection_endpoint_auth_signing_alg_values_supported: CLIENT_AUTH_ALGS,
      revocation_endpoint_auth_signing_alg_values_supported: CLIENT_AUTH_ALGS,
      request_uri_parameter_supported: false,
    });
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'preferred_username']));
  });

  it('advertises exactly the grant types the token endpoint serves', () => {
    expect(metadata.grant_types_supported).toEqual(t.server.app.domain.grants.tokenGrantTypes);
    expect(metadata.grant_types_supported).toContain('client_credentials');
    // A client permission declared in the registry, not a grant_type of /token.
    expect(t.server.app.domain.grants.grantTypes).toContain('device_tokens');
    expect(metadata.grant_types_supported).not.toContain('device_tokens');
  });

  it('advertises the code flow, PKCE S256 and RFC 9207 iss together, or none of them', () => {
    if (metadata.authorization_endpoint) {
      expect(metadata).toMatchObject({
        response_types_supported: ['code'],
        response_modes_supported: ['query', 'form_post'],
        pushed_authorization_request_endpoint: `${t.issuer}/par`,
        require_pushed_authorization_requests: false,
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        // RFC 9101: request objects signed with the client's keys, never unsigned nor with a MAC.
        request_parameter_supported: true,
        request_object_signing_alg_values_supported: expect.arrayContaining(['RS256', 'PS256', 'ES256', 'EdDSA']),
      });
      expect(metadata.request_object_signing_alg_values_supported).not.toContain('none');
      expect(metadata.request_object_signing_alg_values_supported).not.toContain('HS256');
      expect(metadata.grant_types_supported).toContain('authorization_code');
    } else {
      expect(metadata.response_types_supported).toEqual([]);
      expect(metadata.request_parameter_supported).toBe(false);
      for (const field of [
        'request_object_signing_alg_values_supported',
        'response_modes_supported',
        'code_challenge_methods_supported',
        'authorization_response_iss_parameter_supported',
        'pushed_authorization_request_endpoint',
      ]) {
        expect(metadata).not.toHaveProperty(field);
      }
    }
  });

  it('advertises only endpoints that answer (no 404), all under the issuer', async () => {
    const endpoints = Object.entries(metadata).filter(([field]) => field.endsWith('_endpoint') || field === 'jwks_uri');
    expect(endpoints.map(([field]) => field)).toEqual(
      expect.arrayContaining(['token_endpoint', 'jwks_uri', 'introspection_endpoint', 'revocation_endpoint']),
    );
    for (const [field, value] of endpoints) {
      const url = String(value);
      expect(url.startsWith(`${t.issuer}/`)).toBe(true);
      const local = `${t.url}${url.slice(t.issuer.length)}`;
      const res = GET_ENDPOINTS.has(field)
        ? await fetch(local, { redirect: 'manual' })
        : await fetch(local, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      expect([field, res.status]).not.toEqual([field, 404]);
      await res.body?.cancel();
    }
  });

  it('advertises only grants that work: each one is understood by /token', async () => {
    for (const grantType of metadata.grant_types_supported as string[]) {
      const res = await postForm(
        `${t.url}/token`,
        { grant_type: grantType },
        { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
      );
      expect([grantType, res.body.error]).not.toEqual([grantType, 'unsupported_grant_type']);
    }
    const token = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
    );
    expect(token.status).toBe(200);
  });
});
