import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { clientSdk, errorCode, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { basic, clientCredentialsToken, postForm } from '../support/oauth';
import { TestClock } from '../fixtures/test-clock';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

/** Secrets, enablement, deletion and key rotation through the generated SDK, checked where they take effect: /token, JWKS and GraphQL. */
describe('GraphQL admin API: lifecycle of clients, users, tenants and keys', () => {
  const clock = new TestClock();
  let t: TestServer;
  let root: AdminSdk;

  beforeAll(async () => {
    t = await startTestServer({ clock });
    root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/acme' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const tokenStatus = async (clientId: string, clientSecret: string): Promise<number> =>
    (await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId, clientSecret) })).status;

  const jwksKids = async (): Promise<string[]> => {
    const response = await fetch(`${t.url}/.well-known/jwks.json`);
    return ((await response.json()) as JSONWebKeySet).keys.map((key) => key.kid!);
  };

  const newClient = async (tenantPath: string, extra: { allowedScopes?: string[] } = {}) => {
    const { createClient } = await root.createClient({ input: { tenantPath, name: `client of ${tenantPath}`, ...extra } });
    return { clientId: createClient.client.clientId, clientSecret: createClient.clientSecret! };
  };

  it('rotateClientSecret: the old secret fails at /token with 401, the new one works', async () => {
    const client = await newClient('/acme');
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(200);

    const { rotateClientSecret } = await root.rotateClientSecret({ clientId: client.clientId });
    expect(rotateClientSecret.client.clientId).toBe(client.clientId);
    expect(rotateClientSecret.clientSecret).toEqual(expect.any(String));
    expect(rotateClientSecret.clientSecret).not.toBe(client.clientSecret);
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(401);
    expect(await tokenStatus(client.clientId, rotateClientSecret.clientSecret!)).toBe(200);

    const supplied = 'a-supplied-secret-of-32-characters';
    const second = await root.rotateClientSecret({ clientId: client.clientId, clientSecret: supplied });
    expect(second.rotateClientSecret.clientSecret).toBe(supplied);
    expect(await tokenStatus(client.clientId, rotateClientSecret.clientSecret!)).toBe(401);
    expect(await tokenStatus(client.clientId, supplied)).toBe(200);
  });

  it('updateClient enabled:false: no new token (401), and a token issued before is UNAUTHENTICATED at GraphQL', async () => {
    const client = await newClient('/acme', { allowedScopes: ['admin'] });
    const before = createAdminSdk(t.url, await clientCredentialsToken(t.url, client.clientId, client.clientSecret));
    expect((await before.tenant({ path: '/acme' })).tenant.path).toBe('/acme');

    const { updateClient } = await root.updateClient({ clientId: client.clientId, input: { enabled: false, name: 'switched off' } });
    expect(updateClient).toMatchObject({ enabled: false, name: 'switched off', allowedScopes: ['admin'] });
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(401);
    expect(await errorCode(before.me())).toBe('UNAUTHENTICATED');
    expect(await errorCode(before.tenant({ path: '/acme' }))).toBe('UNAUTHENTICATED');
  });

  it('updateClient validates the merged settings and keeps what was not sent', async () => {
    const client = await newClient('/acme');
    const { updateClient } = await root.updateClient({
      clientId: client.clientId,
      input: {
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://app.example.com/cb', 'http://127.0.0.1:8080/cb'],
        accessTokenLifetime: 600,
        firstParty: true,
      },
    });
    expect(updateClient).toMatchObject({
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://app.example.com/cb', 'http://127.0.0.1:8080/cb'],
      accessTokenLifetime: 600,
      firstParty: true,
      enabled: true,
      name: 'client of /acme',
    });
    const error = await graphqlError(root.updateClient({ clientId: client.clientId, input: { redirectUris: [] } }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'redirectUris' });
    expect((await root.client({ clientId: client.clientId })).client.redirectUris).toHaveLength(2);
  });

  it('createClient and updateClient refuse a redirect URI that is not exactly a strict absolute URI, naming redirectUris[i]', async () => {
    const client = await newClient('/acme');
    const good = ['https://app.example/cb', 'http://127.0.0.1:8080/cb'];
    await root.updateClient({ clientId: client.clientId, input: { grantTypes: ['authorization_code'], redirectUris: good } });
    const bad = [
      'https:/app.example/cb',
      'https://app.example/c b',
      'https://user:pw@app.example/cb',
      'https://*.example/cb',
      'https://APP.example/cb',
      'https://app.example',
      'https://app.example/cb#frag',
      'https://app.example/"cb"',
      'https://app.example\\cb',
      'https://app.example/<cb>',
      'http://app.example/cb',
    ];
    for (const uri of bad) {
      const updated = await graphqlError(root.updateClient({ clientId: client.clientId, input: { redirectUris: [...good, uri] } }));
      expect({ uri, extensions: updated.extensions }).toEqual({ uri, extensions: { code: 'BAD_USER_INPUT', field: 'redirectUris[2]' } });
      const created = await graphqlError(
        root.createClient({ input: { tenantPath: '/acme', name: 'strict', grantTypes: ['authorization_code'], redirectUris: [uri] } }),
      );
      expect({ uri, extensions: created.extensions }).toEqual({ uri, extensions: { code: 'BAD_USER_INPUT', field: 'redirectUris[0]' } });
    }
    expect((await root.client({ clientId: client.clientId })).client.redirectUris).toEqual(good);
  });

  it('keeps a stored redirect URI the rules now refuse when an update does not set redirectUris, so the client can still be disabled', async () => {
    const client = await newClient('/acme');
    await sqlRows(
      t.databaseUrl,
      `update clients set grant_types = '{authorization_code}', redirect_uris = '{https:/app.example/cb}' where client_id = $1`,
      [client.clientId],
    );
    const { updateClient } = await root.updateClient({ clientId: client.clientId, input: { enabled: false } });
    expect(updateClient).toMatchObject({ enabled: false, redirectUris: ['https:/app.example/cb'] });
    const replaced = await graphqlError(
      root.updateClient({ clientId: client.clientId, input: { redirectUris: ['https:/app.example/cb'] } }),
    );
    expect(replaced.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'redirectUris[0]' });
  });

  it('deleteClient: the client can no longer authenticate and its tokens stop working; a client cannot delete itself', async () => {
    const client = await newClient('/acme', { allowedScopes: ['admin'] });
    const self = await clientSdk(t.url, client.clientId, client.clientSecret);
    expect(await errorCode(self.deleteClient({ clientId: client.clientId }))).toBe('FORBIDDEN');

    const { deleteClient } = await root.deleteClient({ clientId: client.clientId });
    expect(deleteClient.clientId).toBe(client.clientId);
    expect(await tokenStatus(client.clientId, client.clientSecret)).toBe(401);
    expect(await errorCode(self.me())).toBe('UNAUTHENTICATED');
    expect(await errorCode(root.client({ clientId: client.clientId }))).toBe('NOT_FOUND');
  });

  it('updateUser, setUserPassword and deleteUser', async () => {
    const { createUser } = await root.createUser({
      input: { tenantPath: '/acme', username: 'grace', password: 'password-123', email: 'grace@acme.example', phone: '+1 555 0100' },
    });
    const { updateUser } = await root.updateUser({
      id: createUser.id,
      input: { email: '', lastname: 'Hopper', username: 'ghopper', enabled: false },
    });
    expect(updateUser).toMatchObject({
      id: createUser.id,
      username: 'ghopper',
      email: null,
      phone: '+1 555 0100',
      lastname: 'Hopper',
      enabled: false,
    });
    expect((await graphqlError(root.updateUser({ id: createUser.id, input: { phone: 'call me' } }))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'phone',
    });

    const { setUserPassword } = await root.setUserPassword({ id: createUser.id, password: 'a brand new password' });
    expect(setUserPassword.id).toBe(createUser.id);

    const { deleteUser } = await root.deleteUser({ id: createUser.id });
    expect(deleteUser.username).toBe('ghopper');
    expect(await errorCode(root.user({ id: createUser.id }))).toBe('NOT_FOUND');
    expect(await errorCode(root.deleteUser({ id: createUser.id }))).toBe('NOT_FOUND');
  });

  it('deleteTenant removes the subtree: clients can no longer authenticate, tokens, users and keys are gone', async () => {
    await root.createTenant({ input: { path: '/gamma' } });
    await root.createTenant({ input: { path: '/gamma/sub' } });
    await root.createTenant({ input: { path: '/gammaray' } });
    const top = await newClient('/gamma', { allowedScopes: ['admin'] });
    const sub = await newClient('/gamma/sub');
    const sibling = await newClient('/gammaray');
    const topToken = await clientCredentialsToken(t.url, top.clientId, top.clientSecret);
    const subToken = await clientCredentialsToken(t.url, sub.clientId, sub.clientSecret);
    const user = (await root.createUser({ input: { tenantPath: '/gamma/sub', username: 'heidi', password: 'password-123' } })).createUser;
    const gammaKids = [decodeProtectedHeader(topToken).kid!, decodeProtectedHeader(subToken).kid!];
    expect(await jwksKids()).toEqual(expect.arrayContaining(gammaKids));

    const { deleteTenant } = await root.deleteTenant({ path: '/gamma' });
    expect(deleteTenant.path).toBe('/gamma');

    expect(await tokenStatus(top.clientId, top.clientSecret)).toBe(401);
    expect(await tokenStatus(sub.clientId, sub.clientSecret)).toBe(401);
    expect(await errorCode(createAdminSdk(t.url, topToken).me())).toBe('UNAUTHENTICATED');
    expect(await errorCode(createAdminSdk(t.url, subToken).me())).toBe('UNAUTHENTICATED');
    expect(await errorCode(root.tenant({ path: '/gamma' }))).toBe('NOT_FOUND');
    expect(await errorCode(root.tenant({ path: '/gamma/sub' }))).toBe('NOT_FOUND');
    expect(await errorCode(root.client({ clientId: sub.clientId }))).toBe('NOT_FOUND');
    expect(await errorCode(root.user({ id: user.id }))).toBe('NOT_FOUND');
    expect(await jwksKids()).not.toEqual(expect.arrayContaining([gammaKids[0]]));

    // A sibling whose path merely starts with the same letters is untouched.
    expect((await root.tenant({ path: '/gammaray' })).tenant.path).toBe('/gammaray');
    expect(await tokenStatus(sibling.clientId, sibling.clientSecret)).toBe(200);
  });

  it('rotateSigningKey: the JWKS publishes both kids and a token issued before rotation still verifies at GraphQL', async () => {
    const admin = await newClient('/acme', { allowedScopes: ['admin'] });
    const oldToken = await clientCredentialsToken(t.url, admin.clientId, admin.clientSecret);
    const oldKid = decodeProtectedHeader(oldToken).kid!;
    const acme = createAdminSdk(t.url, oldToken);

    const before = (await acme.signingKeys({})).signingKeys;
    expect(before).toEqual([
      expect.objectContaining({ kid: oldKid, status: 'active', algorithm: 'RS256', retiredAt: null, publishUntil: null }),
    ]);
    expect(before[0]!.publicJwk).toMatchObject({ kid: oldKid, kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(Object.keys(before[0]!.publicJwk)).not.toEqual(expect.arrayContaining(['d']));

    const { rotateSigningKey } = await acme.rotateSigningKey({ tenantPath: '/acme' });
    expect(rotateSigningKey).toMatchObject({ status: 'pending', algorithm: 'RS256', retiredAt: null });
    const newKid = rotateSigningKey.kid;
    expect(newKid).not.toBe(oldKid);

    expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, newKid]));
    const pending = (await acme.signingKeys({ tenantPath: '/acme' })).signingKeys;
    expect(pending.map((key) => [key.kid, key.status])).toEqual([
      [newKid, 'pending'],
      [oldKid, 'active'],
    ]);
    // The new key signs once its publication window has passed.
    clock.advance((Date.parse(rotateSigningKey.activatesAt) - clock.now().getTime()) / 1000 + 1);
    const after = (await acme.signingKeys({ tenantPath: '/acme' })).signingKeys;
    expect(after.map((key) => [key.kid, key.status])).toEqual([
      [newKid, 'active'],
      [oldKid, 'retired'],
    ]);
    expect(Date.parse(after[1]!.publishUntil!)).toBeGreaterThan(Date.parse(rotateSigningKey.activatesAt) + 3000 * 1000);

    expect((await acme.me()).me.clientId).toBe(admin.clientId);
    const newToken = await clientCredentialsToken(t.url, admin.clientId, admin.clientSecret);
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    expect((await createAdminSdk(t.url, newToken).me()).me.tenantPath).toBe('/acme');

    const jwks = createLocalJWKSet((await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
    for (const token of [oldToken, newToken]) {
      await expect(
        jwtVerify(token, jwks, { issuer: `${t.issuer}/t/acme`, typ: 'at+jwt', currentDate: clock.now() }),
      ).resolves.toBeDefined();
    }
    clock.reset();
  });

  it('updateTenant switches the signing algorithm; new tokens use it', async () => {
    await root.createTenant({ input: { path: '/acme/ec' } });
    const client = await newClient('/acme/ec');
    expect(decodeProtectedHeader(await clientCredentialsToken(t.url, client.clientId, client.clientSecret)).alg).toBe('RS256');
    const { updateTenant } = await root.updateTenant({ path: '/acme/ec', input: { signingAlgorithm: 'EdDSA' } });
    expect(updateTenant.signingAlgorithm).toBe('EdDSA');
    // The next token schedules a key of the new algorithm, published before it signs (key-publication.test.ts).
    expect(decodeProtectedHeader(await clientCredentialsToken(t.url, client.clientId, client.clientSecret)).alg).toBe('RS256');
    const [pending] = (await root.signingKeys({ tenantPath: '/acme/ec' })).signingKeys;
    expect(pending).toMatchObject({ algorithm: 'EdDSA', status: 'pending' });
    clock.advance((Date.parse(pending!.activatesAt) - clock.now().getTime()) / 1000 + 1);
    const token = await clientCredentialsToken(t.url, client.clientId, client.clientSecret);
    expect(decodeProtectedHeader(token).alg).toBe('EdDSA');
    expect((await createAdminSdk(t.url, token).me()).me.tenantPath).toBe('/acme/ec');
    const keys = (await root.signingKeys({ tenantPath: '/acme/ec' })).signingKeys;
    expect(keys.map((key) => [key.algorithm, key.status])).toEqual([
      ['EdDSA', 'active'],
      ['RS256', 'retired'],
    ]);
    clock.reset();
  });
});
