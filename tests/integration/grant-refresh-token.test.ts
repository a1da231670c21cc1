import { decodeJwt } from 'jose';
import type { Domain } from '../../src/composition/create-domain';
import type { Tenant } from '../../src/domain/tenants/tenant';
import type { User } from '../../src/domain/users/user';
import { createAuthorizationCode } from '../fixtures/authorization-code';
import { pkcePair } from '../fixtures/pkce';
import { createClient, createUser, ensureTenant, setClientEnabled, setUserEnabled, type ClientFixture } from '../fixtures/grant-setup';
import { TestClock } from '../fixtures/test-clock';
import { expectedAtHash, verifyIdToken } from '../support/id-token';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

const REDIRECT = 'https://app.example.com/cb';
const SCOPES = ['openid', 'email', 'offline_access'];

type TokenBody = { access_token: string; expires_in: number; scope: string; refresh_token?: string; id_token?: string; error?: string };

describe('POST /token grant_type=refresh_token (RFC 6749 §6, RFC 9700 §4.14.2)', () => {
  const clock = new TestClock();
  let t: TestServer;
  let domain: Domain;
  let tenant: Tenant;
  let user: User;
  let client: ClientFixture;

  beforeAll(async () => {
    t = await startTestServer({ clock });
    domain = t.server.app.domain;
    tenant = await ensureTenant(domain, '/acme');
    user = await createUser(domain, '/acme');
    client = await createClient(domain, {
      tenantPath: '/acme',
      redirectUris: [REDIRECT],
      allowedScopes: ['openid', 'profile', 'email', 'offline_access'],
      grantTypes: ['authorization_code', 'refresh_token'],
      refreshTokenLifetime: 600,
    });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => clock.reset());

  /** A code redemption's tokens, for `who` (default: the shared user and client). */
  async function signIn(who: { user?: User; client?: ClientFixture; authTime?: Date } = {}): Promise<TokenBody> {
    const owner = who.client ?? client;
    const pkce = pkcePair();
    const code = await createAuthorizationCode(domain, t.server.orm, {
      tenantId: tenant.id,
      clientId: owner.clientId,
      userId: (who.user ?? user).id,
      redirectUri: REDIRECT,
      scopes: SCOPES,
      nonce: 'original-nonce',
      authTime: who.authTime,
      codeChallenge: pkce.challenge,
    });
    const auth: Record<string, string> = owner.clientSecret === null ? {} : { authorization: basic(owner.clientId, owner.clientSecret) };
    const extra: Record<string, string> = owner.clientSecret === null ? { client_id: owner.clientId } : {};
    const res = await postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce.verifier, ...extra },
      auth,
    );
    expect(res.status).toBe(200);
    return res.body;
  }

  const refresh = (refreshToken: string, extra: Record<string, string> = {}, as: ClientFixture = client) =>
    postForm<TokenBody>(
      `${t.url}/token`,
      {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        ...extra,
        ...(as.clientSecret === null ? { client_id: as.clientId } : {}),
      },
      as.clientSecret === null ? {} : { authorization: basic(as.clientId, as.clientSecret) },
    );

  it('rotates: a new refresh token and access token in the same family, and a fresh ID Token', async () => {
    const authTime = new Date(clock.now().getTime() - 120_000);
    const first = await signIn({ authTime });
    const res = await refresh(first.refresh_token!);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: SCOPES.join(' ') });
    expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(res.body.access_token).sid).toBe(decodeJwt(first.access_token).sid);
    expect((await domain.accessTokens.inspect(res.body.access_token))?.claims).toMatchObject({ sub: user.id, client_id: client.clientId });

    const { payload } = await verifyIdToken(t.url, `${t.issuer}/t/acme`, res.body.id_token!, client.clientId);
    expect(payload).toMatchObject({
      sub: user.id,
      aud: client.clientId,
      azp: client.clientId,
      auth_time: Math.floor(authTime.getTime() / 1000),
    });
    expect(payload).not.toHaveProperty('nonce'); // OIDC Core §12.2
    expect(payload.at_hash).toBe(expectedAtHash(res.body.access_token, 'RS256'));

    // The successor works too.
    expect((await refresh(res.body.refresh_token!)).status).toBe(200);
  });

  it('treats reuse of a rotated refresh token as theft: refuses it and revokes the whole family', async () => {
    const first = await signIn();
    const second = await refresh(first.refresh_token!);
    const third = await refresh(second.body.refresh_token!);
    expect(third.status).toBe(200);

    const reuse = await refresh(first.refresh_token!);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');

    const newest = await refresh(third.body.refresh_token!);
    expect(newest.status).toBe(400);
    expect(newest.body.error).toBe('invalid_grant');
    for (const access of [first.access_token, second.body.access_token, third.body.access_token]) {
      expect(await domain.accessTokens.inspect(access)).toBeNull();
    }
    expect(await domain.refreshTokens.inspect(third.body.refresh_token!)).toBeNull();
    expect(await domain.refreshTokens.findRefreshToken(third.body.refresh_token!)).toMatchObject({
      clientId: client.clientId,
      tenantId: tenant.id,
      familyRevokedAt: expect.any(Date),
    });
  });

  it('lets only one of two concurrent uses of a refresh token succeed, and then revokes the family', async () => {
    const first = await signIn();
    const results = await Promise.all([refresh(first.refresh_token!), refresh(first.refresh_token!)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await refresh(winner.body.refresh_token!)).status).toBe(400);
  });

  it('narrows scope on request, keeps the full grant for the next refresh, and drops the ID Token without openid', async () => {
    const first = await signIn();
    const narrow = await refresh(first.refresh_token!, { scope: 'email' });
    expect(narrow.status).toBe(200);
    expect(narrow.body.scope).toBe('email');
    expect(narrow.body.id_token).toBeUndefined();
    expect(decodeJwt(narrow.body.access_token).scope).toBe('email');

    const full = await refresh(narrow.body.refresh_token!);
    expect(full.body.scope).toBe(SCOPES.join(' '));
  });

  it('refuses scope escalation with invalid_scope without spending the token', async () => {
    const first = await signIn();
    const escalate = await refresh(first.refresh_token!, { scope: 'openid profile' });
    expect(escalate.status).toBe(400);
    expect(escalate.body.error).toBe('invalid_scope');
    expect((await refresh(first.refresh_token!)).status).toBe(200);
  });

  it("refuses another client's refresh token without spending it", async () => {
    const first = await signIn();
    const other = await createClient(domain, {
      tenantPath: '/acme',
      redirectUris: [REDIRECT],
      allowedScopes: SCOPES,
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    const stolen = await refresh(first.refresh_token!, {}, other);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await refresh(first.refresh_token!)).status).toBe(200);
  });

  it('refuses an expired refresh token (client refreshTokenLifetime) and unknown or missing ones', async () => {
    const first = await signIn();
    clock.advance(601);
    const expired = await refresh(first.refresh_token!);
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe('invalid_grant');
    clock.reset();

    expect((await refresh('unknown-refresh-token')).body.error).toBe('invalid_grant');
    const missing = await postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'refresh_token' },
      { authorization: basic(client.clientId, client.clientSecret!) },
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it('slides the expiry: each rotation lives refreshTokenLifetime from its own issue', async () => {
    const first = await signIn();
    clock.advance(400);
    const second = await refresh(first.refresh_token!);
    expect(second.status).toBe(200);
    clock.advance(400);
    expect((await refresh(second.body.refresh_token!)).status).toBe(200);
  });

  it('refuses tokens of a disabled user (invalid_grant) and of a disabled client (invalid_client)', async () => {
    const other = await createUser(domain, '/acme');
    const tokens = await signIn({ user: other });
    await setUserEnabled(domain, other.id, false);
    const disabledUser = await refresh(tokens.refresh_token!);
    expect(disabledUser.status).toBe(400);
    expect(disabledUser.body.error).toBe('invalid_grant');
    // Disabling revoked what the user held: enabling again brings none of it back.
    await setUserEnabled(domain, other.id, true);
    const reEnabled = await refresh(tokens.refresh_token!);
    expect(reEnabled.status).toBe(400);
    expect(reEnabled.body.error).toBe('invalid_grant');
    expect((await refresh((await signIn({ user: other })).refresh_token!)).status).toBe(200);

    const soon = await createClient(domain, {
      tenantPath: '/acme',
      redirectUris: [REDIRECT],
      allowedScopes: SCOPES,
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    const soonTokens = await signIn({ client: soon });
    await setClientEnabled(domain, soon.clientId, false);
    const disabledClient = await refresh(soonTokens.refresh_token!, {}, soon);
    expect(disabledClient.status).toBe(401);
    expect(disabledClient.body.error).toBe('invalid_client');
  });

  it('refuses tokens of a revoked family and tokens issued before a tenant cutoff', async () => {
    const first = await signIn();
    await domain.revocation.revokeFamily(decodeJwt(first.access_token).sid as string);
    expect((await refresh(first.refresh_token!)).body.error).toBe('invalid_grant');

    const cutTenant = await ensureTenant(domain, '/cut');
    const cutUser = await createUser(domain, '/cut');
    const cutClient = await createClient(domain, {
      tenantPath: '/cut',
      redirectUris: [REDIRECT],
      allowedScopes: SCOPES,
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    const code = await createAuthorizationCode(domain, t.server.orm, {
      tenantId: cutTenant.id,
      clientId: cutClient.clientId,
      userId: cutUser.id,
      redirectUri: REDIRECT,
      scopes: SCOPES,
    });
    const issued = await postForm<TokenBody>(
      `${t.url}/token`,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
      { authorization: basic(cutClient.clientId, cutClient.clientSecret!) },
    );
    clock.advance(5);
    await t.server.orm.em
      .fork()
      .getConnection()
      .execute('update tenants set tokens_revoked_before = ? where id = ?', [clock.now(), cutTenant.id]);
    await t.server.changeBus.publish({ topic: 'tenant', kind: 'updated', key: cutTenant.id });
    const cut = await refresh(issued.body.refresh_token!, {}, cutClient);
    expect(cut.status).toBe(400);
    expect(cut.body.error).toBe('invalid_grant');
  });

  it('serves public clients without a secret, with rotation', async () => {
    const publicClient = await createClient(domain, {
      tenantPath: '/acme',
      isPublic: true,
      redirectUris: [REDIRECT],
      allowedScopes: SCOPES,
    });
    const tokens = await signIn({ client: publicClient });
    const res = await refresh(tokens.refresh_token!, {}, publicClient);
    expect(res.status).toBe(200);
    expect((await refresh(tokens.refresh_token!, {}, publicClient)).status).toBe(400);
  });
});
