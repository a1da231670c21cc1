import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { createTestTenant } from '../fixtures/token-clients';
import { rootAdminActor } from '../fixtures/admin-actor';
import { graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { basic, postForm, type FormResponse } from '../support/oauth';
import { startServerPair } from '../support/server-pair';
import { startTestServer, type TestServer } from '../support/test-server';
import type { Domain } from '../../src/composition/create-domain';
import type { CreateClientInput } from '../../src/domain/clients/client.service';

jest.setTimeout(120_000);

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function keyPair(alg = 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: randomUUID(), alg, use: 'sig' } };
}

/** A client assertion (RFC 7523 §3) with sane defaults; `claims` override or remove (undefined) any of them. */
async function assertion(
  clientId: string,
  aud: string | string[],
  key: CryptoKey | Uint8Array,
  options: { alg?: string; kid?: string; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: clientId,
    sub: clientId,
    aud,
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'ES256', ...(options.kid ? { kid: options.kid } : {}) }).sign(key);
}

const assertionForm = (jwt: string, extra: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_assertion_type: ASSERTION_TYPE,
  client_assertion: jwt,
  ...extra,
});

/** Every refusal of client authentication: 401 invalid_client with the one description and a challenge. */
function expectInvalidClient(response: FormResponse): void {
  expect(response.status).toBe(401);
  expect(response.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
}

async function createClient(domain: Domain, tenantPath: string, input: Partial<CreateClientInput>) {
  return domain.clients.create(await rootAdminActor(domain), {
    tenantPath,
    clientId: `jwt-${randomBytes(5).toString('hex')}`,
    name: 'jwt client',
    grantTypes: ['client_credentials'],
    allowedScopes: ['email'],
    ...input,
  });
}

/** A loopback HTTP server answering every request with `handler`. */
async function startKeyServer(handler: http.RequestListener): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('JWT client authentication (RFC 7523, OIDC Core §9)', () => {
  let t: TestServer;
  let domain: Domain;
  let issuer: string;
  let tokenUrl: string;
  let keys: KeyPair;
  let keyClientId: string;

  /** A fresh private_key_jwt client of `/jwt` (failures count per client and source: each test gets its own). */
  async function keyClient(): Promise<{ clientId: string; keys: KeyPair }> {
    const pair = await keyPair();
    const { client } = await createClient(domain, '/jwt', {
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [pair.publicJwk] }),
    });
    return { clientId: client.clientId, keys: pair };
  }

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    await createTestTenant(domain, '/jwt');
    issuer = `${t.issuer}/t/jwt`;
    tokenUrl = `${issuer}/token`;
    keys = await keyPair();
    const { client } = await createClient(domain, '/jwt', {
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [keys.publicJwk] }),
    });
    keyClientId = client.clientId;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('with openid-client 6 at a tenant issuer', () => {
    it('private_key_jwt (registered jwks): client_credentials, introspection and revocation', async () => {
      const config = await oidc.discovery(
        new URL(issuer),
        keyClientId,
        {},
        oidc.PrivateKeyJwt({ key: keys.privateKey, kid: keys.publicJwk.kid! }),
        {
          execute: [oidc.allowInsecureRequests],
        },
      );
      const metadata = config.serverMetadata();
      expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_jwt']));
      expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256', 'HS256']));
      expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
      expect(metadata.introspection_endpoint_auth_methods_supported).toContain('private_key_jwt');
      expect(metadata.revocation_endpoint_auth_signing_alg_values_supported).toContain('ES256');

      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'email' });
      expect(tokens.token_type).toBe('bearer');
      const active = await oidc.tokenIntrospection(config, tokens.access_token);
      expect(active).toMatchObject({ active: true, client_id: keyClientId, iss: issuer });
      await oidc.tokenRevocation(config, tokens.access_token);
      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    });

    it('client_secret_jwt: the secret is kept sealed, so the MAC verifies', async () => {
      const { client, clientSecret } = await createClient(domain, '/jwt', { tokenEndpointAuthMethod: 'client_secret_jwt' });
      expect(clientSecret).toEqual(expect.any(String));
      const config = await oidc.discovery(new URL(issuer), client.clientId, {}, oidc.ClientSecretJwt(clientSecret!), {
        execute: [oidc.allowInsecureRequests],
      });
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'email' });
      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, client_id: client.clientId });
      // The registered method is enforced: its secret in Basic is refused.
      expectInvalidClient(
        await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, clientSecret!) }),
      );
    });
  });

  it('a warm private_key_jwt client_credentials request makes one query: the replay guard insert', async () => {
    const { clientId, keys: own } = await keyClient();
    const tokenQueries = async (): Promise<number> => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return [...text.matchAll(/^db_queries_total\{route="\/t\/:issuer\/token"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const request = async () =>
      expect((await postForm(tokenUrl, assertionForm(await assertion(clientId, issuer, own.privateKey)))).status).toBe(200);
    await request(); // warms the client, tenant and key caches
    const before = await tokenQueries();
    for (let i = 0; i < 5; i++) await request();
    expect((await tokenQueries()) - before).toBe(5);
  });

  describe('assertion rules (each refusal is invalid_client)', () => {
    it('accepts the token endpoint URL or the URL of the endpoint called as aud, and client_id beside the assertion', async () => {
      const { clientId: keyClientId, keys } = await keyClient();
      const ok = await postForm(
        tokenUrl,
        assertionForm(await assertion(keyClientId, tokenUrl, keys.privateKey), { client_id: keyClientId }),
      );
      expect(ok.status).toBe(200);
      const introspected = await postForm(`${issuer}/introspect`, {
        token: (ok.body as { access_token: string }).access_token,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(keyClientId, `${issuer}/introspect`, keys.privateKey),
      });
      expect(introspected.body).toMatchObject({ active: true });
    });

    it('refuses a replayed assertion (same jti)', async () => {
      const { clientId: keyClientId, keys } = await keyClient();
      const jwt = await assertion(keyClientId, issuer, keys.privateKey);
      expect((await postForm(tokenUrl, assertionForm(jwt))).status).toBe(200);
      expectInvalidClient(await postForm(tokenUrl, assertionForm(jwt)));
      // A new assertion reusing the jti is refused too.
      const jti = randomUUID();
      expect(
        (await postForm(tokenUrl, assertionForm(await assertion(keyClientId, issuer, keys.privateKey, { claims: { jti } })))).status,
      ).toBe(200);
      expectInvalidClient(
        await postForm(tokenUrl, assertionForm(await assertion(keyClientId, issuer, keys.privateKey, { claims: { jti } }))),
      );
    });

    it.each([
      ['another audience', { aud: 'https://other.example/token' }],
      ['the root issuer as audience for a tenant client', { aud: 'ROOT' }],
      ['expired', { exp: Math.floor(Date.now() / 1000) - 120 }],
      ['exp too far ahead', { exp: Math.floor(Date.now() / 1000) + 3600 }],
      ['no exp', { exp: undefined }],
      ['no jti', { jti: undefined }],
      ['not yet valid (nbf)', { nbf: Math.floor(Date.now() / 1000) + 600 }],
      ['iat in the future', { iat: Math.floor(Date.now() / 1000) + 600 }],
      ['iss other than the client', { iss: 'someone-else' }],
    ])('refuses %s', async (_, claims: Record<string, unknown>) => {
      const { clientId: keyClientId, keys } = await keyClient();
      const fixed = claims.aud === 'ROOT' ? { ...claims, aud: t.issuer } : claims;
      expectInvalidClient(
        await postForm(tokenUrl, assertionForm(await assertion(keyClientId, issuer, keys.privateKey, { claims: fixed }))),
      );
    });

    it('refuses alg none', async () => {
      const { clientId: keyClientId } = await keyClient();
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${part({ alg: 'none' })}.${part({ iss: keyClientId, sub: keyClientId, aud: issuer, jti: randomUUID(), exp: now + 60 })}.`;
      expectInvalidClient(await postForm(tokenUrl, assertionForm(unsigned)));
    });

    it('refuses an HS256 assertion from a private_key_jwt client, and a signature by an unknown key', async () => {
      const { clientId: keyClientId, keys } = await keyClient();
      expectInvalidClient(await postForm(tokenUrl, assertionForm(await assertion(keyClientId, issuer, randomBytes(32), { alg: 'HS256' }))));
      const stranger = await keyPair();
      expectInvalidClient(await postForm(tokenUrl, assertionForm(await assertion(keyClientId, issuer, stranger.privateKey))));
      expectInvalidClient(
        await postForm(tokenUrl, assertionForm(await assertion(keyClientId, issuer, stranger.privateKey, { kid: keys.publicJwk.kid }))),
      );
    });

    it('refuses a secret from a private_key_jwt client, a client_id naming another client, and two methods at once', async () => {
      const { clientId: keyClientId, keys } = await keyClient();
      expectInvalidClient(
        await postForm(tokenUrl, {
          grant_type: 'client_credentials',
          client_id: keyClientId,
          client_secret: 'x'.repeat(10) + 'y'.repeat(30),
        }),
      );
      expectInvalidClient(
        await postForm(tokenUrl, assertionForm(await assertion(keyClientId, issuer, keys.privateKey), { client_id: 'someone-else' })),
      );
      const twice = await postForm(tokenUrl, assertionForm(await assertion(keyClientId, issuer, keys.privateKey)), {
        authorization: basic(keyClientId, 'secret'),
      });
      expect(twice.status).toBe(400);
      expect(twice.body).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses an assertion for a client_secret_basic client', async () => {
      const { client, clientSecret } = await createClient(domain, '/jwt', {});
      const hmac = new TextEncoder().encode(clientSecret!);
      expectInvalidClient(await postForm(tokenUrl, assertionForm(await assertion(client.clientId, issuer, hmac, { alg: 'HS256' }))));
    });

    it('counts failures in the brute-force guard like wrong secrets', async () => {
      const { clientId, keys: own } = await keyClient();
      const stranger = await keyPair();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push((await postForm(tokenUrl, assertionForm(await assertion(clientId, issuer, stranger.privateKey)))).status);
      }
      expect(statuses).toContain(429);
      const locked = await postForm(tokenUrl, assertionForm(await assertion(clientId, issuer, own.privateKey)));
      expect(locked.status).toBe(429);
      expect(locked.body).toMatchObject({ error: 'invalid_client' });
    });

    it('answers at the root issuer too, with the root issuer as audience', async () => {
      const root = await keyPair('RS256');
      const { client } = await createClient(domain, '/', {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [root.publicJwk] }),
      });
      const ok = await postForm(
        `${t.url}/token`,
        assertionForm(await assertion(client.clientId, t.issuer, root.privateKey, { alg: 'RS256' })),
      );
      expect(ok.status).toBe(200);
      // A root client at a tenant issuer fails as an unknown one.
      expectInvalidClient(
        await postForm(tokenUrl, assertionForm(await assertion(client.clientId, issuer, root.privateKey, { alg: 'RS256' }))),
      );
    });
  });

  describe('jwks_uri', () => {
    const servers: { close(): Promise<void> }[] = [];
    afterAll(async () => {
      await Promise.all(servers.map((server) => server.close()));
    });
    const keyServer = async (handler: http.RequestListener) => {
      const server = await startKeyServer(handler);
      servers.push(server);
      return server;
    };

    it('fetches the key set from a loopback server (ISSUER is loopback) and caches it', async () => {
      const remote = await keyPair();
      const server = await keyServer((_, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [remote.publicJwk] }));
      });
      const { client } = await createClient(domain, '/jwt', { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: server.url });
      for (let i = 0; i < 3; i++) {
        const response = await postForm(tokenUrl, assertionForm(await assertion(client.clientId, issuer, remote.privateKey)));
        expect(response.status).toBe(200);
      }
      expect(server.hits()).toBe(1);
    });

    it('a jwks_uri that never answers fails within the timeout, and other clients are served meanwhile', async () => {
      const remote = await keyPair();
      const server = await keyServer(() => undefined);
      const { client } = await createClient(domain, '/jwt', { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: server.url });
      const fast = await keyClient();
      const started = Date.now();
      const slow = postForm(tokenUrl, assertionForm(await assertion(client.clientId, issuer, remote.privateKey)));
      const other = await postForm(tokenUrl, assertionForm(await assertion(fast.clientId, issuer, fast.keys.privateKey)));
      expect(other.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_500);
      expectInvalidClient(await slow);
      expect(Date.now() - started).toBeLessThan(6_000);
    });

    it.each([
      [
        'a body over 64 KB',
        (res: http.ServerResponse) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ keys: [], padding: 'x'.repeat(100 * 1024) }));
        },
      ],
      [
        'a body that is not JSON',
        (res: http.ServerResponse) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html></html>');
        },
      ],
      [
        'a JSON body that is no key set',
        (res: http.ServerResponse) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"keys": "no"}');
        },
      ],
    ])('refuses %s', async (_, answer) => {
      const remote = await keyPair();
      const server = await keyServer((__, res) => answer(res));
      const { client } = await createClient(domain, '/jwt', { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: server.url });
      expectInvalidClient(await postForm(tokenUrl, assertionForm(await assertion(client.clientId, issuer, remote.privateKey))));
      expect(server.hits()).toBe(1);
    });

    it.each(['https://10.0.0.1/jwks.json', 'https://169.254.169.254/latest/meta-data', 'https://[fd00::1]/jwks.json'])(
      'never fetches a private address: %s',
      async (jwksUri) => {
        const remote = await keyPair();
        const { client } = await createClient(domain, '/jwt', { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri });
        const started = Date.now();
        expectInvalidClient(await postForm(tokenUrl, assertionForm(await assertion(client.clientId, issuer, remote.privateKey))));
        expect(Date.now() - started).toBeLessThan(1_000);
      },
    );
  });

  describe('GraphQL validation of keys', () => {
    it.each([
      [
        'private key material',
        async () => ({
          jwks: JSON.stringify({ keys: [await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)] }),
        }),
      ],
      ['a symmetric key', async () => ({ jwks: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }) })],
      [
        'both jwks and jwksUri',
        async () => ({ jwks: JSON.stringify({ keys: [keys.publicJwk] }), jwksUri: 'https://keys.example/jwks.json' }),
      ],
      ['private_key_jwt without keys', async () => ({})],
      ['more than 20 keys', async () => ({ jwks: JSON.stringify({ keys: Array(21).fill(keys.publicJwk) }) })],
      ['an http jwks_uri off loopback', async () => ({ jwksUri: 'http://keys.example/jwks.json' })],
    ])('refuses %s', async (_, input) => {
      const sdk = await rootAdminSdk(t.url);
      const error = await graphqlError(
        sdk.createClient({
          input: { tenantPath: '/jwt', name: 'bad keys', tokenEndpointAuthMethod: 'private_key_jwt', ...(await input()) },
        }),
      );
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
    });

    it('shows the method and keys, and a private_key_jwt client has no secret', async () => {
      const sdk = await rootAdminSdk(t.url);
      const { createClient: created } = await sdk.createClient({
        input: {
          tenantPath: '/jwt',
          name: 'key client',
          tokenEndpointAuthMethod: 'private_key_jwt',
          jwks: JSON.stringify({ keys: [keys.publicJwk] }),
        },
      });
      expect(created.clientSecret).toBeNull();
      expect(created.client).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: null });
      expect(JSON.parse(created.client.jwks!)).toEqual({ keys: [keys.publicJwk] });
    });
  });
});

describe('a client assertion is single use across server processes', () => {
  it('the second process refuses an assertion the first accepted', async () => {
    const { first, second } = await startServerPair();
    try {
      const domain = first.server.app.domain;
      const pair = await keyPair();
      const { client } = await createClient(domain, '/', {
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [pair.publicJwk] }),
      });
      const jwt = await assertion(client.clientId, 'https://idp.example.test', pair.privateKey);
      expect((await postForm(`${first.url}/token`, assertionForm(jwt))).status).toBe(200);
      expectInvalidClient(await postForm(`${second.url}/token`, assertionForm(jwt)));
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
