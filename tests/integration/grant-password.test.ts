import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Domain } from '../../src/composition/create-domain';
import type { User } from '../../src/domain/users/user';
import {
  createClient,
  createUser,
  ensureTenant,
  setClientEnabled,
  setUserEnabled,
  USER_PASSWORD,
  type ClientFixture,
} from '../fixtures/grant-setup';
import { expectedAtHash, verifyIdToken } from '../support/id-token';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

type TokenBody = {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  error?: string;
};

describe('POST /token grant_type=password (RFC 6749 §4.3, seed 003)', () => {
  let t: TestServer;
  let domain: Domain;
  let alice: User;
  let euUser: User;
  let client: ClientFixture;
  let oidcClient: ClientFixture;

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    await ensureTenant(domain, '/acme/eu');
    await ensureTenant(domain, '/other');
    alice = await createUser(domain, '/acme', 'alice');
    euUser = await createUser(domain, '/acme/eu', 'alice'); // same username, another tenant
    client = await createClient(domain, {
      tenantPath: '/acme',
      grantTypes: ['password', 'refresh_token'],
      allowedScopes: ['username', 'email'],
      accessTokenLifetime: 1800,
    });
    oidcClient = await createClient(domain, {
      tenantPath: '/acme',
      grantTypes: ['password'],
      allowedScopes: ['openid', 'profile', 'email'],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const passwordGrant = (form: Record<string, string>, as: ClientFixture = client, secret = as.clientSecret!) =>
    postForm<TokenBody>(
      `${t.url}/connect/token`,
      { grant_type: 'password', username: 'alice', password: USER_PASSWORD, ...form },
      { authorization: basic(as.clientId, secret) },
    );

  it('issues tokens for every allowed scope when none is requested, with a usable refresh token', async () => {
    const res = await passwordGrant({});
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 1800, scope: 'username email' });
    expect(res.body.id_token).toBeUndefined();
    expect((await domain.accessTokens.inspect(res.body.access_token))?.claims).toMatchObject({
      sub: alice.id,
      client_id: client.clientId,
      tenant: '/acme',
      scope: 'username email',
    });

    const refreshed = await postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'refresh_token', refresh_token: res.body.refresh_token! },
      { authorization: basic(client.clientId, client.clientSecret!) },
    );
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token).sid).toBe(decodeJwt(res.body.access_token).sid);
  });

  it('grants a requested subset and refuses scopes the client is not allowed', async () => {
    const subset = await passwordGrant({ scope: 'email' });
    expect(subset.body.scope).toBe('email');
    const refused = await passwordGrant({ scope: 'email admin' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_scope');
  });

  it('honours a lower access-token-lifetime and clamps a higher one to the client maximum', async () => {
    const lower = await passwordGrant({ 'access-token-lifetime': '120' });
    expect(lower.body.expires_in).toBe(120);
    const { exp, iat } = decodeJwt(lower.body.access_token);
    expect(exp! - iat!).toBe(120);
    expect((await passwordGrant({ 'access-token-lifetime': '999999' })).body.expires_in).toBe(1800);
    expect((await passwordGrant({ 'access-token-lifetime': 'forever' })).body.error).toBe('invalid_request');
  });

  it('signs a user of a descendant tenant in through tenant_path, with that tenant in the token', async () => {
    const res = await passwordGrant({ tenant_path: '/acme/eu' });
    expect(res.status).toBe(200);
    expect((await domain.accessTokens.inspect(res.body.access_token))?.claims).toMatchObject({ sub: euUser.id, tenant: '/acme/eu' });
    const own = await passwordGrant({ tenant_path: '/acme/' });
    expect(decodeJwt(own.body.access_token).sub).toBe(alice.id);
  });

  it('refuses tenant_path outside the client tenant (invalid_request), malformed (invalid_request) or unknown (invalid_grant)', async () => {
    for (const tenant_path of ['/other', '/', 'acme', '/Acme']) {
      const res = await passwordGrant({ tenant_path });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
    const unknown = await passwordGrant({ tenant_path: '/acme/nowhere' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_grant');
  });

  it('refuses wrong passwords, unknown users and disabled users alike with invalid_grant', async () => {
    const bob = await createUser(domain, '/acme', 'bob');
    await setUserEnabled(domain, bob.id, false);
    for (const form of [{ password: 'wrong password!' }, { username: 'nobody' }, { username: 'bob' }, { password: '' }] as Record<
      string,
      string
    >[]) {
      const res = await passwordGrant(form);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'invalid username or password' });
    }
    const missing = await postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'password', password: USER_PASSWORD },
      { authorization: basic(client.clientId, client.clientSecret!) },
    );
    expect(missing.body.error).toBe('invalid_request');
  });

  it('answers invalid_client for a wrong secret and a disabled client, unauthorized_client for other clients', async () => {
    const wrong = await passwordGrant({}, client, 'not-the-secret-not-the-secret');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');

    const disabled = await createClient(domain, { tenantPath: '/acme', grantTypes: ['password'], allowedScopes: ['email'] });
    await setClientEnabled(domain, disabled.clientId, false);
    expect((await passwordGrant({}, disabled)).body.error).toBe('invalid_client');

    const machine = await createClient(domain, { tenantPath: '/acme', grantTypes: ['client_credentials'], allowedScopes: ['email'] });
    expect((await passwordGrant({}, machine)).body.error).toBe('unauthorized_client');

    // A public client cannot be given the password grant; one stored with it before that rule is still refused at /token.
    await expect(
      createClient(domain, { tenantPath: '/acme', isPublic: true, grantTypes: ['password'], allowedScopes: ['email'] }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    const publicClient = await createClient(domain, {
      tenantPath: '/acme',
      isPublic: true,
      grantTypes: ['authorization_code'],
      redirectUris: ['https://app.example/cb'],
      allowedScopes: ['email'],
    });
    await t.server.orm.em
      .fork()
      .getConnection()
      .execute(`update clients set grant_types = '{password}' where client_id = ?`, [publicClient.clientId]);
    await t.server.changeBus.publish({ topic: 'client', kind: 'updated', key: publicClient.clientId });
    const res = await postForm<TokenBody>(`${t.url}/token`, {
      grant_type: 'password',
      client_id: publicClient.clientId,
      username: 'alice',
      password: USER_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('adds an ID Token with profile claims when openid is granted, and no refresh token for a client without that grant', async () => {
    const res = await passwordGrant({ scope: 'openid profile email' }, oidcClient);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    const { payload, protectedHeader } = await verifyIdToken(t.url, `${t.issuer}/t/acme`, res.body.id_token!, oidcClient.clientId);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      sub: alice.id,
      aud: oidcClient.clientId,
      azp: oidcClient.clientId,
      tenant: '/acme',
      preferred_username: 'alice',
      given_name: 'Ada',
      email: alice.email,
    });
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.auth_time).toBeGreaterThanOrEqual(payload.iat! - 1);
    expect(payload.at_hash).toBe(expectedAtHash(res.body.access_token, 'RS256'));
  });

  it('signs EdDSA tenants with Ed25519 and a SHA-512 at_hash', async () => {
    await ensureTenant(domain, '/ed', 'EdDSA');
    const edUser = await createUser(domain, '/ed', 'eve');
    const edClient = await createClient(domain, { tenantPath: '/ed', grantTypes: ['password'], allowedScopes: ['openid'] });
    const res = await passwordGrant({ username: 'eve' }, edClient);
    expect(res.status).toBe(200);
    expect(decodeProtectedHeader(res.body.access_token).alg).toBe('EdDSA');
    const { payload, protectedHeader } = await verifyIdToken(t.url, `${t.issuer}/t/ed`, res.body.id_token!, edClient.clientId);
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload.sub).toBe(edUser.id);
    expect(payload.at_hash).toBe(expectedAtHash(res.body.access_token, 'EdDSA'));
    expect(payload.at_hash).toHaveLength(43);
  });
});
