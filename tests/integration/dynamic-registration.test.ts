import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/domain/device-authorization/device-authorization';
import { createTestClient, createTestTenant } from '../fixtures/token-clients';
import { basic, clientCredentialsToken, postForm } from '../support/oauth';
import { sqlRows } from '../support/sql';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * Issue 21 item 1: dynamic client registration (RFC 7591, OIDC Registration 1.0) and its
 * management (RFC 7592) at every issuer. A relying party registers itself at a tenant issuer
 * with openid-client's `dynamicClientRegistration` and an initial access token a tenant admin
 * issued, then uses the client; it reads, updates and deletes its registration with the
 * registration access token. Before this change `{I}/register` did not exist (404).
 */
describe('dynamic client registration', () => {
  let t: TestServer;
  let adminToken: string;
  const issuerOf = (segment: string) => `${t.issuer}/t/${segment}`;

  async function graphql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  }

  async function initialAccessToken(tenantPath: string, input: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
    const data = await graphql<{ createInitialAccessToken: { token: string; initialAccessToken: { id: string } } }>(
      `mutation ($input: CreateInitialAccessTokenInput!) {
         createInitialAccessToken(input: $input) { token initialAccessToken { id tenantPath uses } }
       }`,
      { input: { tenantPath, ...input } },
    );
    return { id: data.createInitialAccessToken.initialAccessToken.id, token: data.createInitialAccessToken.token };
  }

  /** A request to a registration URL (an issuer URL is turned into the server's local URL). */
  async function call(method: string, url: string, init: { token?: string; json?: unknown; raw?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.json !== undefined || init.raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${t.url}${url.startsWith(t.issuer) ? url.slice(t.issuer.length) : url}`, {
      method,
      headers,
      body: init.raw ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const register = (segment: string, json: unknown, token?: string) => call('POST', `/t/${segment}/register`, { json, token });

  function expectRefused(answer: Answer, status: number, error: string) {
    expect([answer.status, answer.body.error]).toEqual([status, error]);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    // RFC 6749 §5.2: error_description holds no `"` and nothing outside printable ASCII.
    expect(String(answer.body.error_description)).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
    if (status === 401) expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  }

  const service: Record<string, unknown> = {
    client_name: 'Reporting job',
    grant_types: ['client_credentials'],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'email',
  };
  const webApp = (redirect = 'https://app.example.com/cb'): Record<string, unknown> => ({
    client_name: 'Web app',
    redirect_uris: [redirect],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid email',
  });

  beforeAll(async () => {
    t = await startTestServer();
    for (const path of ['/dcra', '/dcrb', '/dcropen']) await createTestTenant(t.server.app.domain, path);
    adminToken = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists registration_endpoint in the discovery of the root and of each tenant issuer', async () => {
    const root = await call('GET', '/.well-known/openid-configuration');
    expect(root.body.registration_endpoint).toBe(`${t.issuer}/register`);
    const tenant = await call('GET', '/t/dcra/.well-known/openid-configuration');
    expect(tenant.body.registration_endpoint).toBe(`${issuerOf('dcra')}/register`);
  });

  it('registers with openid-client and an initial access token, and the client gets tokens; RFC 7592 read, update, delete', async () => {
    const iat = await initialAccessToken('/dcra', { description: 'reporting', maxUses: 5, expiresIn: 3600 });
    const config = await oidc.dynamicClientRegistration(new URL(issuerOf('dcra')), { ...service, unknown_field: 'kept out' }, undefined, {
      initialAccessToken: iat.token,
      execute: [oidc.allowInsecureRequests],
    });
    const registered = config.clientMetadata() as Record<string, unknown>;
    expect(registered).toMatchObject({
      client_name: 'Reporting job',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret_expires_at: 0,
      scope: 'email',
      registration_client_uri: `${issuerOf('dcra')}/register/${registered.client_id as string}`,
    });
    expect(typeof registered.client_secret).toBe('string');
    expect(typeof registered.registration_access_token).toBe('string');
    expect(typeof registered.client_id_issued_at).toBe('number');
    expect(registered).not.toHaveProperty('unknown_field');

    // The registered client is a client like any other: client_credentials at its issuer, listed in GraphQL.
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'email' });
    expect(tokens.scope).toBe('email');
    const clientId = registered.client_id as string;
    const listed = await graphql<{ clients: { nodes: { clientId: string; name: string; firstParty: boolean }[] } }>(
      `query { clients(tenantPath: "/dcra", first: 50) { nodes { clientId name firstParty } } }`,
    );
    expect(listed.clients.nodes).toContainEqual({ clientId, name: 'Reporting job', firstParty: false });
    const used = await graphql<{ initialAccessTokens: { id: string; uses: number }[] }>(
      `query { initialAccessTokens(tenantPath: "/dcra") { id uses } }`,
    );
    expect(used.initialAccessTokens).toContainEqual({ id: iat.id, uses: 1 });

    // Unknown metadata is neither answered nor stored.
    const stored = await sqlRows<{ metadata: Record<string, unknown> }>(
      t.databaseUrl,
      'select metadata from client_registrations where client_id = $1',
      [clientId],
    );
    expect(JSON.stringify(stored)).not.toContain('unknown_field');

    const uri = registered.registration_client_uri as string;
    const rat = registered.registration_access_token as string;
    const read = await call('GET', uri, { token: rat });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ client_id: clientId, client_name: 'Reporting job', scope: 'email' });
    expect(read.body).not.toHaveProperty('client_secret');
    // Express serves the same row (a query string leaves the fast path).
    expect((await call('GET', `${uri}?via=express`, { token: rat })).body).toEqual(read.body);
    expectRefused(await call('GET', uri, { token: `${rat}x` }), 401, 'invalid_token');
    expectRefused(await call('GET', uri), 401, 'invalid_token');
    // The same client and token at another issuer is unknown there.
    expectRefused(await call('GET', `/t/dcrb/register/${clientId}`, { token: rat }), 401, 'invalid_token');

    // PUT replaces the metadata (client_id must match, client_secret if sent must match) and rotates the token.
    const renamed = { ...service, client_id: clientId, client_name: 'Reporting job v2' };
    expectRefused(await call('PUT', uri, { token: rat, json: { ...renamed, client_id: 'other' } }), 400, 'invalid_client_metadata');
    expectRefused(
      await call('PUT', uri, { token: rat, json: { ...renamed, client_secret: 'wrong-secret-0123456789' } }),
      400,
      'invalid_client_metadata',
    );
    const updated = await call('PUT', uri, { token: rat, json: { ...renamed, client_secret: registered.client_secret } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ client_id: clientId, client_name: 'Reporting job v2' });
    const newRat = updated.body.registration_access_token as string;
    expect(newRat).not.toBe(rat);
    expectRefused(await call('GET', uri, { token: rat }), 401, 'invalid_token');

    // A token the client holds is active until the client is deleted (introspected by another client of the tenant).
    const resourceServer = await createTestClient(t.server.app.domain, '/dcra');
    const introspect = async () =>
      (
        await postForm(
          `${t.url}/t/dcra/introspect`,
          { token: tokens.access_token },
          {
            authorization: basic(resourceServer.clientId, resourceServer.clientSecret!),
          },
        )
      ).body.active;
    expect(await introspect()).toBe(true);
    const deleted = await call('DELETE', uri, { token: newRat });
    expect(deleted.status).toBe(204);
    expect(await introspect()).toBe(false);
    expectRefused(await call('GET', uri, { token: newRat }), 401, 'invalid_token');
    await expect(oidc.clientCredentialsGrant(config)).rejects.toMatchObject({ status: 401 });
  });

  it('deleting a registered client through GraphQL revokes its registration access token', async () => {
    const iat = await initialAccessToken('/dcra');
    const created = await register('dcra', service, iat.token);
    expect(created.status).toBe(201);
    const uri = created.body.registration_client_uri as string;
    expect((await call('GET', uri, { token: created.body.registration_access_token as string })).status).toBe(200);
    await graphql(`mutation ($id: String!) { deleteClient(clientId: $id) { clientId } }`, { id: created.body.client_id });
    expectRefused(await call('GET', uri, { token: created.body.registration_access_token as string }), 401, 'invalid_token');
  });

  it('registers at the root issuer with a token of the root tenant', async () => {
    const iat = await initialAccessToken('/');
    const created = await call('POST', '/register', { json: service, token: iat.token });
    expect(created.status).toBe(201);
    expect(created.body.registration_client_uri).toBe(`${t.issuer}/register/${created.body.client_id as string}`);
    const read = await call('GET', created.body.registration_client_uri as string, {
      token: created.body.registration_access_token as string,
    });
    expect(read.status).toBe(200);
  });

  it('refuses a missing, wrong, foreign, used-up, expired or revoked initial access token with 401 invalid_token', async () => {
    expectRefused(await register('dcra', service), 401, 'invalid_token');
    expectRefused(await register('dcra', service, 'not-a-token'), 401, 'invalid_token');
    const ofA = await initialAccessToken('/dcra', { maxUses: 1 });
    expectRefused(await register('dcrb', service, ofA.token), 401, 'invalid_token');
    expect((await register('dcra', service, ofA.token)).status).toBe(201);
    expectRefused(await register('dcra', service, ofA.token), 401, 'invalid_token');
    const expiring = await initialAccessToken('/dcra', { expiresIn: 3600 });
    await sqlRows(t.databaseUrl, `update initial_access_tokens set expires_at = now() - interval '1 second' where id = $1`, [expiring.id]);
    expectRefused(await register('dcra', service, expiring.token), 401, 'invalid_token');
    const revoked = await initialAccessToken('/dcra');
    await graphql(`mutation ($id: ID!) { revokeInitialAccessToken(id: $id) { revokedAt } }`, { id: revoked.id });
    expectRefused(await register('dcra', service, revoked.token), 401, 'invalid_token');
  });

  it('holds registrations to the token policy and the RFC 7591 rules', async () => {
    const { token } = await initialAccessToken('/dcrb', {
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUriRule: 'HTTPS',
      scopes: ['openid', 'email'],
    });
    expectRefused(await register('dcrb', webApp('http://127.0.0.1:8080/cb'), token), 400, 'invalid_redirect_uri');
    expectRefused(await register('dcrb', webApp('https://app.example.com/cb#x'), token), 400, 'invalid_redirect_uri');
    expectRefused(
      await register('dcrb', { ...webApp(), grant_types: ['client_credentials'], response_types: [] }, token),
      400,
      'invalid_client_metadata',
    );
    expectRefused(await register('dcrb', { ...webApp(), scope: 'openid phone' }, token), 400, 'invalid_client_metadata');
    expectRefused(await register('dcrb', { ...webApp(), scope: 'openid admin' }, token), 400, 'invalid_client_metadata');
    expectRefused(await register('dcrb', { ...webApp(), response_types: ['token'] }, token), 400, 'invalid_client_metadata');
    expectRefused(await register('dcrb', { ...webApp(), response_types: [] }, token), 400, 'invalid_client_metadata');
    expectRefused(
      await register('dcrb', { ...webApp(), token_endpoint_auth_method: 'private_key_jwt' }, token),
      400,
      'invalid_client_metadata',
    );
    expectRefused(await register('dcrb', { ...webApp(), jwks_uri: 'https://10.0.0.7/jwks' }, token), 400, 'invalid_client_metadata');
    expectRefused(
      await register('dcrb', { ...webApp(), software_statement: 'eyJhbGciOiJub25lIn0.e30.' }, token),
      400,
      'invalid_software_statement',
    );
    expectRefused(await call('POST', '/t/dcrb/register', { token, raw: '{"redirect_uris": [' }), 400, 'invalid_client_metadata');
    expectRefused(await call('POST', '/t/dcrb/register', { token, raw: '["a"]' }), 400, 'invalid_client_metadata');
    // Within the policy: registered, with the narrowed scopes.
    const created = await register('dcrb', webApp(), token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'openid email',
    });
  });

  it('open registration: 401 while off; on, accepted under the conservative policy and throttled per IP with 429', async () => {
    const nativeApp = {
      client_name: 'Native app',
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1:7777/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    };
    expectRefused(await register('dcropen', nativeApp), 401, 'invalid_token');
    await graphql(
      `mutation { updateTenant(path: "/dcropen", input: { allowOpenClientRegistration: true }) { allowOpenClientRegistration } }`,
    );
    const created = await register('dcropen', nativeApp);
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('client_secret');
    expect(created.body.scope).toBe('openid profile email phone offline_access');
    // No client_credentials, no admin scope without an initial access token.
    expectRefused(await register('dcropen', service), 400, 'invalid_client_metadata');
    expectRefused(await register('dcropen', { ...nativeApp, scope: 'openid admin' }), 400, 'invalid_client_metadata');
    // 20 attempts per hour per IP and tenant: 3 counted above (not the one while off), 17 more, then 429.
    let answer: Answer | undefined;
    for (let attempt = 0; attempt < 25; attempt++) {
      answer = await register('dcropen', { ...nativeApp, grant_types: 'authorization_code' });
      if (answer.status === 429) break;
      expect(answer.body.error).toBe('invalid_client_metadata');
    }
    expect(answer!.status).toBe(429);
    expect(Number(answer!.headers.get('retry-after'))).toBeGreaterThan(0);
    // A tenant with open registration off is not throttled into answering anything but 401.
    expectRefused(await register('dcrb', nativeApp), 401, 'invalid_token');
  });
  describe('RFC 7591 metadata of the newer features', () => {
    interface Keys {
      privateKey: CryptoKey;
      publicJwk: JWK;
    }
    const keyPair = async (): Promise<Keys> => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: 'dcr-key', alg: 'ES256', use: 'sig' } };
    };
    const keyService = (keys: Keys): Record<string, unknown> => ({
      ...service,
      client_name: 'Key service',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [keys.publicJwk] },
    });
    const insecure = { execute: [oidc.allowInsecureRequests] };
    const configFor = (segment: string, clientId: string, auth: oidc.ClientAuth) =>
      oidc.discovery(new URL(issuerOf(segment)), clientId, undefined, auth, insecure);
    const basicToken = (segment: string, clientId: string, secret: string) =>
      postForm(`${t.url}/t/${segment}/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) });

    it('registers a private_key_jwt client with jwks through openid-client, which then authenticates with its key', async () => {
      const keys = await keyPair();
      const iat = await initialAccessToken('/dcra');
      const config = await oidc.dynamicClientRegistration(
        new URL(issuerOf('dcra')),
        { ...keyService(keys), token_endpoint_auth_signing_alg: 'ES256' },
        oidc.PrivateKeyJwt({ key: keys.privateKey, kid: 'dcr-key' }),
        { initialAccessToken: iat.token, ...insecure },
      );
      const registered = config.clientMetadata() as Record<string, unknown>;
      expect(registered).toMatchObject({
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [keys.publicJwk] },
        dpop_bound_access_tokens: false,
        require_pushed_authorization_requests: false,
        require_signed_request_object: false,
      });
      // A private_key_jwt client holds no secret.
      expect(registered).not.toHaveProperty('client_secret');
      expect(registered).not.toHaveProperty('client_secret_expires_at');
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'email' });
      expect(tokens.scope).toBe('email');
      const read = await call('GET', registered.registration_client_uri as string, {
        token: registered.registration_access_token as string,
      });
      expect(read.body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keys.publicJwk] } });
      // No secret authenticates it.
      expect((await basicToken('dcra', registered.client_id as string, 'some-guessed-secret-0123456789')).status).toBe(401);
    });

    it('registers a DPoP-bound client (RFC 9449 section 5.2): a token request without a proof is refused, one with a proof served', async () => {
      const iat = await initialAccessToken('/dcra');
      const config = await oidc.dynamicClientRegistration(
        new URL(issuerOf('dcra')),
        { ...service, dpop_bound_access_tokens: true },
        undefined,
        { initialAccessToken: iat.token, ...insecure },
      );
      const registered = config.clientMetadata() as Record<string, unknown>;
      expect(registered.dpop_bound_access_tokens).toBe(true);
      const refused = await basicToken('dcra', registered.client_id as string, registered.client_secret as string);
      expect([refused.status, refused.body.error]).toEqual([400, 'invalid_request']);
      const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'email' }, { DPoP: dpop });
      expect(tokens.token_type.toLowerCase()).toBe('dpop');
    });

    it('registers require_pushed_authorization_requests and echoes it', async () => {
      const iat = await initialAccessToken('/dcra');
      const created = await register('dcra', { ...webApp(), require_pushed_authorization_requests: true }, iat.token);
      expect(created.status).toBe(201);
      expect(created.body.require_pushed_authorization_requests).toBe(true);
      expectRefused(
        await register('dcra', { ...webApp(), require_pushed_authorization_requests: 'yes' }, iat.token),
        400,
        'invalid_client_metadata',
      );
    });

    it('registers require_signed_request_object (RFC 9101) for a client with keys, and refuses it for one without', async () => {
      const keys = await keyPair();
      const iat = await initialAccessToken('/dcra');
      const withKeys = await register(
        'dcra',
        { ...webApp(), jwks: { keys: [keys.publicJwk] }, require_signed_request_object: true },
        iat.token,
      );
      expect(withKeys.status).toBe(201);
      expect(withKeys.body.require_signed_request_object).toBe(true);
      const client = await t.server.app.domain.clients.findByClientId(withKeys.body.client_id as string);
      expect(client?.requireSignedRequestObject).toBe(true);
      const withoutKeys = await register('dcra', { ...webApp(), require_signed_request_object: true }, iat.token);
      expectRefused(withoutKeys, 400, 'invalid_client_metadata');
      expect(withoutKeys.body.error_description).toContain('require_signed_request_object');
    });

    it('refuses invalid key metadata with invalid_client_metadata, under the rules the admin API applies', async () => {
      const keys = await keyPair();
      const { token } = await initialAccessToken('/dcrb');
      const privateJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
      const refusals: [string, Record<string, unknown>][] = [
        ['a private key in jwks', { ...keyService(keys), jwks: { keys: [privateJwk] } }],
        ['a symmetric key', { ...keyService(keys), jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }],
        ['jwks and jwks_uri together', { ...keyService(keys), jwks_uri: 'https://keys.example.com/jwks.json' }],
        ['jwks as text', { ...keyService(keys), jwks: JSON.stringify({ keys: [keys.publicJwk] }) }],
        ['private_key_jwt without keys', { ...keyService(keys), jwks: undefined }],
        [
          'keys for a public client',
          { ...webApp(), application_type: 'native', token_endpoint_auth_method: 'none', jwks: { keys: [keys.publicJwk] } },
        ],
        ['an HMAC signing alg for private_key_jwt', { ...keyService(keys), token_endpoint_auth_signing_alg: 'HS256' }],
        ['alg none', { ...keyService(keys), token_endpoint_auth_signing_alg: 'none' }],
        ['a signing alg for client_secret_basic', { ...service, token_endpoint_auth_signing_alg: 'ES256' }],
        ['a private address as jwks_uri', { ...keyService(keys), jwks: undefined, jwks_uri: 'https://10.1.2.3/jwks.json' }],
        ['the metadata address as jwks_uri', { ...keyService(keys), jwks: undefined, jwks_uri: 'https://169.254.169.254/latest' }],
        ['a unique local IPv6 jwks_uri', { ...keyService(keys), jwks: undefined, jwks_uri: 'https://[fd00::1]/jwks.json' }],
        ['an IPv4-mapped private jwks_uri', { ...keyService(keys), jwks: undefined, jwks_uri: 'https://[::ffff:10.0.0.1]/jwks.json' }],
        ['an http jwks_uri off loopback', { ...keyService(keys), jwks: undefined, jwks_uri: 'http://keys.example.com/jwks.json' }],
        ['a jwks_uri with credentials', { ...keyService(keys), jwks: undefined, jwks_uri: 'https://user:pw@keys.example.com/jwks.json' }],
        ['token exchange', { ...service, grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'] }],
        ['client_credentials for a public client', { ...service, token_endpoint_auth_method: 'none' }],
      ];
      for (const [label, metadata] of refusals) {
        const answer = await register('dcrb', metadata, token);
        expect([label, answer.status, answer.body.error]).toEqual([label, 400, 'invalid_client_metadata']);
        expectRefused(answer, 400, 'invalid_client_metadata');
      }
      // A public jwks_uri is taken as given (fetched when the client authenticates), and echoed; so is loopback while ISSUER is.
      for (const jwksUri of ['https://keys.example.com/jwks.json', 'http://127.0.0.1:9/jwks.json']) {
        const created = await register('dcrb', { ...keyService(keys), jwks: undefined, jwks_uri: jwksUri }, token);
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ jwks_uri: jwksUri, token_endpoint_auth_method: 'private_key_jwt' });
        expect(created.body).not.toHaveProperty('jwks');
      }
    });

    it('an initial access token may restrict the authentication methods', async () => {
      const keys = await keyPair();
      const data = await graphql<{
        createInitialAccessToken: { token: string; initialAccessToken: { policy: { tokenEndpointAuthMethods: string[] } } };
      }>(
        `mutation ($input: CreateInitialAccessTokenInput!) {
           createInitialAccessToken(input: $input) { token initialAccessToken { policy { tokenEndpointAuthMethods } } }
         }`,
        { input: { tenantPath: '/dcrb', tokenEndpointAuthMethods: ['private_key_jwt'] } },
      );
      expect(data.createInitialAccessToken.initialAccessToken.policy.tokenEndpointAuthMethods).toEqual(['private_key_jwt']);
      const token = data.createInitialAccessToken.token;
      expectRefused(await register('dcrb', service, token), 400, 'invalid_client_metadata');
      expectRefused(await register('dcrb', { ...service, token_endpoint_auth_method: undefined }, token), 400, 'invalid_client_metadata');
      expectRefused(
        await register('dcrb', { ...service, token_endpoint_auth_method: 'client_secret_jwt' }, token),
        400,
        'invalid_client_metadata',
      );
      const created = await register('dcrb', keyService(keys), token);
      expect(created.status).toBe(201);
      // An update is held to the same policy.
      const uri = created.body.registration_client_uri as string;
      expectRefused(
        await call('PUT', uri, {
          token: created.body.registration_access_token as string,
          json: { ...service, client_id: created.body.client_id },
        }),
        400,
        'invalid_client_metadata',
      );
      await expect(
        graphql(`mutation { createInitialAccessToken(input: { tokenEndpointAuthMethods: ["tls_client_auth"] }) { token } }`),
      ).rejects.toThrow(/tokenEndpointAuthMethods/);
    });

    it('RFC 7592 PUT switches a secret client to private_key_jwt (its secret stops working), then to client_secret_jwt (a new secret, kept sealed)', async () => {
      const keys = await keyPair();
      const { token } = await initialAccessToken('/dcra');
      const created = await register('dcra', service, token);
      const clientId = created.body.client_id as string;
      const secret = created.body.client_secret as string;
      const uri = created.body.registration_client_uri as string;
      expect((await basicToken('dcra', clientId, secret)).status).toBe(200);

      const switched = await call('PUT', uri, {
        token: created.body.registration_access_token as string,
        json: { ...keyService(keys), client_id: clientId },
      });
      expect(switched.status).toBe(200);
      expect(switched.body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keys.publicJwk] } });
      expect(switched.body).not.toHaveProperty('client_secret');
      expect((await basicToken('dcra', clientId, secret)).status).toBe(401);
      const keyConfig = await configFor('dcra', clientId, oidc.PrivateKeyJwt(keys.privateKey));
      expect((await oidc.clientCredentialsGrant(keyConfig)).access_token).toEqual(expect.any(String));

      // To client_secret_jwt: a new secret, answered once; the MAC verifies with it, so it is kept sealed. The keys go (PUT replaces).
      const hmac = await call('PUT', uri, {
        token: switched.body.registration_access_token as string,
        json: {
          ...service,
          client_id: clientId,
          token_endpoint_auth_method: 'client_secret_jwt',
          token_endpoint_auth_signing_alg: 'HS256',
        },
      });
      expect(hmac.status).toBe(200);
      expect(hmac.body).toMatchObject({ token_endpoint_auth_method: 'client_secret_jwt', client_secret_expires_at: 0 });
      expect(hmac.body).not.toHaveProperty('jwks');
      const newSecret = hmac.body.client_secret as string;
      expect(typeof newSecret).toBe('string');
      const hmacConfig = await configFor('dcra', clientId, oidc.ClientSecretJwt(newSecret));
      expect((await oidc.clientCredentialsGrant(hmacConfig)).access_token).toEqual(expect.any(String));
      await expect(oidc.clientCredentialsGrant(keyConfig)).rejects.toMatchObject({ status: 401 });
      // Read back: the method and no keys.
      const read = await call('GET', uri, { token: hmac.body.registration_access_token as string });
      expect(read.body).toMatchObject({ token_endpoint_auth_method: 'client_secret_jwt' });
      expect(read.body).not.toHaveProperty('client_secret');
    });

    it('registers a device-code client (public), which starts the device flow at its issuer', async () => {
      const iat = await initialAccessToken('/dcra');
      const config = await oidc.dynamicClientRegistration(
        new URL(issuerOf('dcra')),
        {
          client_name: 'Living room TV',
          grant_types: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
          response_types: [],
          token_endpoint_auth_method: 'none',
          scope: 'openid offline_access',
        },
        oidc.None(),
        { initialAccessToken: iat.token, ...insecure },
      );
      const registered = config.clientMetadata() as Record<string, unknown>;
      expect(registered).toMatchObject({ grant_types: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'], token_endpoint_auth_method: 'none' });
      expect(registered).not.toHaveProperty('client_secret');
      const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
      expect(started).toMatchObject({ device_code: expect.any(String), user_code: expect.any(String) });
      const raw = await postForm(`${t.url}/t/dcra/device_authorization`, { client_id: registered.client_id as string, scope: 'openid' });
      expect(raw.status).toBe(200);
    });
  });
});
