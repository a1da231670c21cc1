import { ServerSecret } from '../../src/domain/crypto/server-secret';
import { isPromise } from '../../src/domain/util/maybe-promise';
import {
  AuditEventsDocument,
  ClientDocument,
  ClientsDocument,
  CreateClientDocument,
  CreateTenantDocument,
  CreateUserDocument,
  DeleteClientDocument,
  DeleteTenantDocument,
  DeleteUserDocument,
  DevicesDocument,
  RevokeClientTokensDocument,
  RevokeDeviceDocument,
  RevokeTokenCountDocument,
  RevokeTokenDocument,
  RevokeTokensIssuedBeforeDocument,
  RevokeUserTokensDocument,
  RotateClientSecretDocument,
  RotateSigningKeyDocument,
  SetUserPasswordDocument,
  SigningKeysDocument,
  TenantDashboardDocument,
  TenantDocument,
  UpdateClientDocument,
  UpdateTenantDocument,
  UpdateUserDocument,
  UserDocument,
  UsersDocument,
} from '../../src/sdk/generated';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { deviceWorld, userTokens } from '../fixtures/device-setup';
import { seed001Client } from '../fixtures/seed001';
import { createTestClient, createTestTenant, serviceToken, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { basic, clientCredentialsToken } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

/** An answer as the caller sees it: status, the headers that describe it, the body's bytes. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers that differ per request whatever is asked. */
const PER_REQUEST = new Set(['date', 'x-request-id', 'keep-alive', 'connection']);

async function answerOf(response: Response): Promise<Answer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!PER_REQUEST.has(name)) headers[name] = value;
  });
  return { status: response.status, headers, body: await response.text() };
}

/**
 * The answer with what the caller asked for replaced by a placeholder (the
 * message may name it; nothing else may differ): its quoted form when the body
 * has one, else every occurrence. Length and ETag follow the body.
 */
function withoutAsked(answer: Answer, asked: string): Answer {
  const quoted = `\\"${asked}\\"`;
  // error_description quotes the value with ' (RFC 6749 §5.2 allows no "), seed 001's message with ".
  const singleQuoted = `'${asked}'`;
  const body =
    answer.body.includes(quoted) || answer.body.includes(singleQuoted)
      ? answer.body.split(quoted).join('<asked>').split(singleQuoted).join('<asked>')
      : answer.body.split(asked).join('<asked>');
  const { etag: _etag, ...headers } = answer.headers;
  return { ...answer, body, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } };
}

const MISSING_UUID = '00000000-0000-4000-8000-00000000abcd';

/**
 * Security finding "errors say what exists in other tenants": an admin of
 * /north asking about anything of /south (a sibling) gets exactly the answer it
 * gets for something that does not exist; client authentication fails alike
 * for unknown and known clients; /authorize shows one page for an unknown
 * client and an unregistered redirect URI. Each case compares the two answers
 * byte for byte (after replacing the id or path the caller itself sent).
 */
describe('answers that do not reveal what exists elsewhere', () => {
  let t: TestServer;
  let northToken: string;
  let southUserId: string;
  let southDeviceId: string;
  let southToken: string;
  let southWeb: TestClient;

  beforeAll(async () => {
    // Requests come through a "proxy" so each authentication case can use an IP of its own (the IP throttle stays out of the way).
    t = await startTestServer({ env: { TRUST_PROXY: 'loopback' } });
    const { domain } = t.server.app;
    await createTestTenant(domain, '/north');
    const world = await deviceWorld(domain, '/south');
    southUserId = world.userId;
    southDeviceId = (await userTokens(t.url, world)).deviceId;
    southWeb = await createTestClient(domain, '/south', 'service', { clientId: 'south-web' });
    southToken = await serviceToken(t.url, southWeb);
    await createTestClient(domain, '/north', 'service', { clientId: 'north-web' });
    const northAdmin = await createTestClient(domain, '/north', 'service', { allowedScopes: ['admin'] });
    northToken = await clientCredentialsToken(t.url, northAdmin.clientId, northAdmin.clientSecret!);
  });
  afterAll(async () => {
    await t.close();
  });

  const graphql = async (document: unknown, variables: Record<string, unknown>): Promise<Answer> =>
    answerOf(
      await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${northToken}` },
        body: JSON.stringify({ query: String(document), variables }),
      }),
    );

  type Case = [
    name: string,
    document: unknown,
    vars: (asked: string) => Record<string, unknown>,
    outside: string,
    missing: string,
    expected: string,
  ];
  const clientId = (asked: string) => ({ clientId: asked });
  const userId = (asked: string) => ({ id: asked });
  const path = (asked: string) => ({ path: asked });
  const tenantPath = (asked: string) => ({ tenantPath: asked });
  // The missing ones are inside /north, where the caller may look: outside must answer as they do.
  const cases = (): Case[] => [
    ['client', ClientDocument, clientId, 'south-web', 'no-such-client', 'NOT_FOUND'],
    [
      'updateClient',
      UpdateClientDocument,
      (asked) => ({ clientId: asked, input: { name: 'taken over' } }),
      'south-web',
      'no-such-client',
      'NOT_FOUND',
    ],
    [
      'updateClient (disable)',
      UpdateClientDocument,
      (asked) => ({ clientId: asked, input: { enabled: false } }),
      'south-web',
      'no-such-client',
      'NOT_FOUND',
    ],
    ['rotateClientSecret', RotateClientSecretDocument, clientId, 'south-web', 'no-such-client', 'NOT_FOUND'],
    ['deleteClient', DeleteClientDocument, clientId, 'south-web', 'no-such-client', 'NOT_FOUND'],
    ['revokeClientTokens', RevokeClientTokensDocument, clientId, 'south-web', 'no-such-client', 'NOT_FOUND'],
    [
      'createClient with a taken clientId',
      CreateClientDocument,
      (asked) => ({ input: { tenantPath: '/north', clientId: asked, name: 'copy' } }),
      'south-web',
      'north-web',
      'CONFLICT',
    ],
    ['user', UserDocument, userId, southUserId, MISSING_UUID, 'NOT_FOUND'],
    ['user (not a uuid)', UserDocument, userId, southUserId, 'not-a-uuid', 'NOT_FOUND'],
    ['updateUser', UpdateUserDocument, (asked) => ({ id: asked, input: { admin: true } }), southUserId, MISSING_UUID, 'NOT_FOUND'],
    [
      'setUserPassword',
      SetUserPasswordDocument,
      (asked) => ({ id: asked, password: 'taken-over-password' }),
      southUserId,
      MISSING_UUID,
      'NOT_FOUND',
    ],
    ['deleteUser', DeleteUserDocument, userId, southUserId, MISSING_UUID, 'NOT_FOUND'],
    ['revokeUserTokens', RevokeUserTokensDocument, (asked) => ({ userId: asked }), southUserId, MISSING_UUID, 'NOT_FOUND'],
    ['devices', DevicesDocument, (asked) => ({ userId: asked, first: 5 }), southUserId, MISSING_UUID, 'NOT_FOUND'],
    ['revokeDevice', RevokeDeviceDocument, userId, southDeviceId, MISSING_UUID, 'NOT_FOUND'],
    ['tenant', TenantDocument, path, '/south', '/north/nowhere', 'NOT_FOUND'],
    ['tenant (the root)', TenantDocument, path, '/', '/north/nowhere', 'NOT_FOUND'],
    ['tenantDashboard', TenantDashboardDocument, (asked) => ({ path: asked, first: 5 }), '/south', '/north/nowhere', 'NOT_FOUND'],
    ['clients', ClientsDocument, tenantPath, '/south', '/north/nowhere', 'NOT_FOUND'],
    ['users', UsersDocument, tenantPath, '/south', '/north/nowhere', 'NOT_FOUND'],
    ['signingKeys', SigningKeysDocument, tenantPath, '/south', '/north/nowhere', 'NOT_FOUND'],
    ['rotateSigningKey', RotateSigningKeyDocument, tenantPath, '/south', '/north/nowhere', 'NOT_FOUND'],
    [
      'createClient',
      CreateClientDocument,
      (asked) => ({ input: { tenantPath: asked, name: 'sneaky' } }),
      '/south',
      '/north/nowhere',
      'NOT_FOUND',
    ],
    [
      'createUser',
      CreateUserDocument,
      (asked) => ({ input: { tenantPath: asked, username: 'mallory', password: 'mallory-password' } }),
      '/south',
      '/north/nowhere',
      'NOT_FOUND',
    ],
    ['createTenant', CreateTenantDocument, (asked) => ({ input: { path: `${asked}/x` } }), '/south', '/north/nowhere', 'BAD_USER_INPUT'],
    ['updateTenant', UpdateTenantDocument, (asked) => ({ path: asked, input: { name: 'owned' } }), '/south', '/north/nowhere', 'NOT_FOUND'],
    ['deleteTenant', DeleteTenantDocument, path, '/south', '/north/nowhere', 'NOT_FOUND'],
    [
      'revokeTokensIssuedBefore',
      RevokeTokensIssuedBeforeDocument,
      (asked) => ({ tenantPath: asked, before: '2030-01-01T00:00:00Z' }),
      '/south',
      '/north/nowhere',
      'NOT_FOUND',
    ],
  ];

  it.each(cases().map(([name]) => name))('GraphQL %s: the same answer outside the subtree as for one that does not exist', async (name) => {
    // The table is built again here: ids of /south are known only once beforeAll ran.
    const [, document, vars, outside, missingKey, expected] = cases().find(([n]) => n === name)!;
    const outsideAnswer = await graphql(document, vars(outside));
    const missingAnswer = await graphql(document, vars(missingKey));
    expect(withoutAsked(outsideAnswer, outside)).toEqual(withoutAsked(missingAnswer, missingKey));
    const error = (JSON.parse(outsideAnswer.body) as { errors: { message: string; extensions: { code: string } }[] }).errors[0]!;
    expect(error.extensions.code).toBe(expected);
    expect(error.message.split(outside).join('')).not.toMatch(/south|outside|caller/);
  });

  // Audit events of a path inside the subtree are listed even for a tenant deleted since; a path outside is refused
  // from the path alone (the same not_found as every tenant path argument), whether a tenant lives there or not.
  it('GraphQL auditEvents: a path outside is refused alike whether a tenant exists there or not', async () => {
    const outside = await graphql(AuditEventsDocument, { tenantPath: '/south' });
    expect(withoutAsked(outside, '/south')).toEqual(
      withoutAsked(await graphql(AuditEventsDocument, { tenantPath: '/nowhere' }), '/nowhere'),
    );
    expect(JSON.parse(outside.body)).toMatchObject({
      errors: [{ message: 'tenant "/south" not found', extensions: { code: 'NOT_FOUND' } }],
    });
  });

  it('names only what was asked: client "south-web" not found, clientId "south-web" is not available', async () => {
    const notFound = JSON.parse((await graphql(ClientDocument, { clientId: 'south-web' })).body) as { errors: { message: string }[] };
    expect(notFound.errors[0]!.message).toBe('client "south-web" not found');
    const taken = JSON.parse(
      (await graphql(CreateClientDocument, { input: { tenantPath: '/north', clientId: 'south-web', name: 'copy' } })).body,
    ) as {
      errors: { message: string; extensions: unknown }[];
    };
    expect(taken.errors[0]).toMatchObject({
      message: 'clientId "south-web" is not available',
      extensions: { code: 'CONFLICT', field: 'clientId' },
    });
  });

  it('revokeToken / revokeTokenCount: a token of /south is answered as an unknown token, and stays active', async () => {
    for (const document of [RevokeTokenDocument, RevokeTokenCountDocument]) {
      expect(await graphql(document, { token: southToken })).toEqual(await graphql(document, { token: 'no-such-token' }));
    }
    const introspected = await fetch(`${t.url}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(southWeb.clientId, southWeb.clientSecret!) },
      body: new URLSearchParams({ token: southToken }).toString(),
    });
    expect(((await introspected.json()) as { active: boolean }).active).toBe(true);
  });

  it('changed nothing in /south', async () => {
    const root = await rootAdminSdk(t.url);
    expect((await root.client({ clientId: 'south-web' })).client).toMatchObject({ enabled: true, name: 'test service client' });
    expect((await root.user({ id: southUserId })).user).toMatchObject({ enabled: true, admin: false });
    expect((await root.tenant({ path: '/south' })).tenant.name).toBe('south');
    expect((await root.devices({ userId: southUserId })).devices.nodes[0]!.revokedAt).toBeNull();
    expect((await root.tenants({})).tenants.nodes.map((tenant) => tenant.path)).toEqual(['/', '/north', '/south']);
  });

  describe('seed 001 registration', () => {
    const post = async (path: string, form: Record<string, string>): Promise<Answer> =>
      answerOf(
        await fetch(`${t.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${northToken}` },
          body: new URLSearchParams(form).toString(),
        }),
      );

    it('/register_client: a tenant_path outside answers as one that does not exist (404)', async () => {
      const outside = await post('/register_client', { ...seed001Client('http://127.0.0.1:9/cb'), tenant_path: '/south' });
      const missing = await post('/register_client', { ...seed001Client('http://127.0.0.1:9/cb'), tenant_path: '/north/nowhere' });
      expect(outside.status).toBe(404);
      expect(withoutAsked(outside, '/south')).toEqual(withoutAsked(missing, '/north/nowhere'));
    });

    it('/register_client: a client_id taken in another tenant answers as one taken in the caller’s own (409)', async () => {
      const elsewhere = await post('/register_client', { ...seed001Client('http://127.0.0.1:9/cb'), client_id: 'south-web' });
      const own = await post('/register_client', { ...seed001Client('http://127.0.0.1:9/cb'), client_id: 'north-web' });
      expect(elsewhere.status).toBe(409);
      expect(JSON.parse(elsewhere.body)).toMatchObject({ status: 'FAILED', message: 'client_id "south-web" is not available' });
      expect(withoutAsked(elsewhere, 'south-web')).toEqual(withoutAsked(own, 'north-web'));
    });

    it('/register_user: a tenant_path outside answers as one that does not exist (404)', async () => {
      const user = { username: 'mallory', password: 'mallory-password-1' };
      const outside = await post('/register_user', { ...user, tenant_path: '/south' });
      const missing = await post('/register_user', { ...user, tenant_path: '/north/nowhere' });
      expect(outside.status).toBe(404);
      expect(withoutAsked(outside, '/south')).toEqual(withoutAsked(missing, '/north/nowhere'));
    });
  });

  describe('client authentication', () => {
    let ip = 0;
    const ENDPOINTS: [string, Record<string, string>, Record<string, string>][] = [
      ['/token', { grant_type: 'client_credentials' }, {}],
      ['/connect/token', { grant_type: 'client_credentials' }, {}],
      ['/introspect', { token: 'x' }, {}],
      ['/revoke', { token: 'x' }, {}],
      ['/connect/revocation', { token: 'x' }, {}],
      ['/client/login', {}, {}],
      ['/token/revoke', {}, { accesstoken: 'x' }],
    ];

    /** One attempt from an IP of its own: form credentials (`id` and optional `secret`) or a Basic header. */
    const attempt = async (
      path: string,
      form: Record<string, string>,
      headers: Record<string, string>,
      credentials: { id: string; secret?: string; basic?: boolean },
    ): Promise<Answer> => {
      const auth: Record<string, string> = credentials.basic ? { authorization: basic(credentials.id, credentials.secret ?? '') } : {};
      const fields = credentials.basic
        ? {}
        : { client_id: credentials.id, ...(credentials.secret !== undefined ? { client_secret: credentials.secret } : {}) };
      const response = await fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${++ip}`, ...headers, ...auth },
        body: new URLSearchParams({ ...form, ...fields }).toString(),
      });
      return answerOf(response);
    };

    it.each(ENDPOINTS.map(([path]) => path))(
      '%s: an unknown client, a missing, wrong or misplaced secret and a disabled client get the identical 401',
      async (path) => {
        const [, form, headers] = ENDPOINTS.find(([p]) => p === path)!;
        const { domain } = t.server.app;
        // Clients of their own per endpoint, so no client reaches its failure threshold.
        const known = await createTestClient(domain, '/south');
        const disabled = await createTestClient(domain, '/south');
        await domain.clients.update(await rootAdminActor(domain), disabled.clientId, { enabled: false });
        const publicClient = await createTestClient(domain, '/south', 'public');
        const unknownId = `ghost-${ip}`;

        const reference = await attempt(path, form, headers, { id: unknownId, secret: 'some-secret-0123456789' });
        expect(reference.status).toBe(401);
        expect(JSON.parse(reference.body)).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
        expect(reference.headers['www-authenticate']).toBe('Basic realm="token", charset="UTF-8"');
        const others: [string, Answer][] = [
          ['unknown client without a secret', await attempt(path, form, headers, { id: `${unknownId}-b` })],
          ['known client without a secret', await attempt(path, form, headers, { id: known.clientId })],
          [
            'known client with a wrong secret',
            await attempt(path, form, headers, { id: known.clientId, secret: 'some-secret-0123456789' }),
          ],
          [
            'disabled client with its right secret',
            await attempt(path, form, headers, { id: disabled.clientId, secret: disabled.clientSecret! }),
          ],
          [
            'public client presenting a secret',
            await attempt(path, form, headers, { id: publicClient.clientId, secret: 'some-secret-0123456789' }),
          ],
          [
            'unknown client in a Basic header',
            await attempt(path, form, headers, { id: `${unknownId}-c`, secret: 'some-secret-0123456789', basic: true }),
          ],
          [
            'known client with a wrong secret in a Basic header',
            await attempt(path, form, headers, { id: known.clientId, secret: 'some-secret-0123456789', basic: true }),
          ],
        ];
        for (const [name, answer] of others) expect({ name, answer }).toEqual({ name, answer: reference });
      },
    );

    it('does the work of a wrong secret for an unknown client, and answers an unknown id from the cache the next time', async () => {
      const { domain } = t.server.app;
      const known = await createTestClient(domain, '/south');
      const verify = jest.spyOn(ServerSecret.prototype, 'verifyDigest');
      const fingerprint = jest.spyOn(ServerSecret.prototype, 'fingerprint');
      try {
        const work = async (id: string, secret: string | undefined) => {
          verify.mockClear();
          fingerprint.mockClear();
          await expect(
            Promise.resolve().then(() =>
              domain.clients.authenticate({ clientId: id, clientSecret: secret, method: 'client_secret_basic' }),
            ),
          ).rejects.toMatchObject({
            code: 'invalid_client',
            description: 'client authentication failed',
          });
          return { digests: verify.mock.calls.length, fingerprints: fingerprint.mock.calls.length };
        };
        const wrongSecret = await work(known.clientId, 'some-secret-0123456789');
        expect(wrongSecret).toEqual({ digests: 1, fingerprints: 1 });
        expect(await work('ghost-timing', 'some-secret-0123456789')).toEqual(wrongSecret);
        expect(await work('ghost-timing', undefined)).toEqual(wrongSecret);
        expect(await work(known.clientId, undefined)).toEqual(wrongSecret);
      } finally {
        verify.mockRestore();
        fingerprint.mockRestore();
      }
      // Both now answer from the cache, without a database round trip.
      expect(isPromise(domain.clients.findByClientId(known.clientId))).toBe(false);
      expect(isPromise(domain.clients.findByClientId('ghost-timing'))).toBe(false);
    });
  });

  describe('/authorize', () => {
    let app: CodeFlowClient;
    let several: CodeFlowClient;

    beforeAll(async () => {
      app = await createCodeFlowClient(t.server.app.domain);
      several = await createCodeFlowClient(t.server.app.domain, { redirectUris: ['http://127.0.0.1:9/one', 'http://127.0.0.1:9/two'] });
    });

    const authorize = async (params: Record<string, string>): Promise<Answer> =>
      answerOf(
        await fetch(`${t.url}/authorize?${new URLSearchParams({ response_type: 'code', scope: 'openid', state: 's', ...params })}`, {
          redirect: 'manual',
        }),
      );

    it('shows one page, never a redirect, for an unknown client and for an unregistered redirect URI', async () => {
      const unknown = await authorize({ client_id: 'nobody-here', redirect_uri: 'http://127.0.0.1:9/evil' });
      expect(unknown.status).toBe(400);
      expect(unknown.headers.location).toBeUndefined();
      expect(unknown.body).toContain('This application&#39;s sign-in link is not valid.');
      const unregistered = await authorize({ client_id: app.clientId, redirect_uri: 'http://127.0.0.1:9/evil' });
      expect(unregistered).toEqual(unknown);
      expect(await authorize({ client_id: several.clientId })).toEqual(unknown);
      expect(await authorize({ client_id: 'nobody-here' })).toEqual(unknown);
    });
  });
});
