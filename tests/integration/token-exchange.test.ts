import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Domain } from '../../src/composition/create-domain';
import type { TokenExchangeInput } from '../../src/domain/clients/token-exchange-policy';
import { rootAdminActor } from '../fixtures/admin-actor';
import { TestClock } from '../fixtures/test-clock';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, createTestTenant, passwordTokens, serviceToken, type TestClient } from '../fixtures/token-clients';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(60_000);

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const ORDERS = 'https://orders.example.test/tx';
const OTHER_API = 'https://other.example.test/api';

type Params = Record<string, string>;

/**
 * Issue 21 item 8: RFC 8693 token exchange at a tenant issuer, driven by openid-client 6
 * `genericGrantRequest`. A client the tenant admin allowed impersonation and delegation trades
 * a user's access token for one of the same user (narrower scope, another API of the tenant) or,
 * with an actor token, for one that names the actor in `act`; the issued token verifies against
 * the tenant's JWKS. Every refusal is the RFC error: a client not allowed, a wider scope, another
 * tenant's or a revoked or expired subject token, unsupported token types, missing parameters,
 * the wrong mode for the client's allowance, a resource outside the tenant.
 */
describe('token exchange (RFC 8693) at a tenant issuer', () => {
  let t: TestServer;
  let domain: Domain;
  const clock = new TestClock();
  let issuer: string;
  let base: string;
  let userClient: TestClient;
  let actorService: TestClient;
  let alice: Awaited<ReturnType<typeof createTestUser>>;
  let aliceToken: string;
  const configs: Record<string, oidc.Configuration> = {};

  const discover = (client: TestClient, at = issuer) =>
    oidc.discovery(new URL(at), client.clientId, client.clientSecret!, oidc.ClientSecretBasic(client.clientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });

  /** A confidential client of `tenantPath` holding the token-exchange grant (unless `grantTypes` says otherwise) with `tokenExchange`. */
  async function exchanger(name: string, tokenExchange: TokenExchangeInput, tenantPath = '/tx', grantTypes = [TOKEN_EXCHANGE]) {
    const client = await createTestClient(domain, tenantPath, 'service', {
      grantTypes,
      allowedScopes: ['openid', 'email', 'profile', 'orders:read'],
      tokenExchange: grantTypes.includes(TOKEN_EXCHANGE) ? tokenExchange : null,
    });
    configs[name] = await discover(client, tenantPath === '/tx' ? issuer : `${t.issuer}/t/${tenantPath.slice(1).replace(/\//g, '.')}`);
    return client;
  }

  const exchange = (name: string, params: Params) => oidc.genericGrantRequest(configs[name]!, TOKEN_EXCHANGE, params);
  const subject = (token: string, extra: Params = {}): Params => ({ subject_token: token, subject_token_type: ACCESS_TOKEN, ...extra });

  /** The RFC 6749 §5.2 error openid-client reports for a refused exchange. */
  async function refusal(name: string, params: Params): Promise<{ status: number; error: string; description?: string }> {
    const error: unknown = await exchange(name, params).then(
      () => new Error('the exchange was not refused'),
      (e: unknown) => e,
    );
    if (!(error instanceof oidc.ResponseBodyError)) throw error;
    expect(error.error_description ?? '').not.toMatch(/["\\]/);
    return { status: error.status, error: error.error, description: error.error_description };
  }

  beforeAll(async () => {
    t = await startTestServer({ clock });
    domain = t.server.app.domain;
    issuer = `${t.issuer}/t/tx`;
    base = `${t.url}/t/tx`;
    const admin = await rootAdminActor(domain);
    await createTestTenant(domain, '/tx');
    await createTestTenant(domain, '/tx/child');
    await createTestTenant(domain, '/other');
    await domain.apis.create(admin, {
      tenantPath: '/tx',
      identifier: ORDERS,
      name: 'Orders',
      permissions: [{ name: 'orders:read' }, { name: 'orders:write' }],
      accessTokenLifetime: 900,
    });
    await domain.apis.create(admin, { tenantPath: '/other', identifier: OTHER_API, name: 'Other', permissions: [{ name: 'x' }] });
    const reader = await domain.roles.create(admin, {
      tenantPath: '/tx',
      name: 'reader',
      permissions: [
        { api: ORDERS, permission: 'orders:read' },
        { api: ORDERS, permission: 'orders:write' },
      ],
    });
    userClient = await createTestClient(domain, '/tx', 'user', {
      allowedScopes: ['openid', 'email', 'profile', 'orders:read', 'orders:write'],
    });
    alice = await createTestUser(domain, '/tx');
    await domain.roles.assign(admin, reader.id, { userId: alice.user.id });
    aliceToken = (await passwordTokens(base, userClient, alice.username, alice.password, 'openid email profile')).access_token;
    actorService = await createTestClient(domain, '/tx', 'service');
    await exchanger('both', { impersonation: true, delegation: true });
    await exchanger('impersonationOnly', { impersonation: true });
    await exchanger('delegationOnly', { delegation: true });
    await exchanger('subtree', { impersonation: true, subtree: true });
    await exchanger('notAllowed', {}, '/tx', ['client_credentials']);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the grant in the tenant issuer’s discovery', () => {
    expect(configs.both!.serverMetadata().grant_types_supported).toContain(TOKEN_EXCHANGE);
  });

  it('impersonation: a token of the same user, narrower scope, verified against the tenant JWKS', async () => {
    const response = await exchange('impersonationOnly', subject(aliceToken, { scope: 'openid email' }));
    expect(response).toMatchObject({ issued_token_type: ACCESS_TOKEN, token_type: 'bearer', scope: 'openid email' });
    expect(response.refresh_token).toBeUndefined();
    expect(response.expires_in).toBeGreaterThan(0);
    const { payload, protectedHeader } = await jwtVerify(
      response.access_token,
      createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`)),
      {
        issuer,
        typ: 'at+jwt',
      },
    );
    expect(protectedHeader.typ).toBe('at+jwt');
    const subjectClaims = decodeJwt(aliceToken);
    expect(payload).toMatchObject({ sub: alice.user.id, iss: issuer, scope: 'openid email', tenant: '/tx', aud: t.issuer });
    expect(payload.client_id).toBe(configs.impersonationOnly!.clientMetadata().client_id);
    expect(payload.act).toBeUndefined();
    expect(payload.exp).toBeLessThanOrEqual(subjectClaims.exp!);
  });

  it('impersonation for an API of the tenant (resource): aud is the API, scope within the subject token’s and the client’s', async () => {
    const apiToken = await passwordTokens(base, userClient, alice.username, alice.password, 'email orders:read orders:write', {
      resource: ORDERS,
    });
    expect(decodeJwt(apiToken.access_token)).toMatchObject({ aud: ORDERS, scope: 'email orders:read orders:write' });
    const response = await exchange('both', subject(apiToken.access_token, { resource: ORDERS }));
    // orders:write is the subject token's, but not a scope the exchanging client may have.
    expect(decodeJwt(response.access_token)).toMatchObject({ aud: ORDERS, sub: alice.user.id, scope: 'email orders:read' });
    expect(response.scope).toBe('email orders:read');
    // `audience` (RFC 8693) names an API just as `resource` does.
    const byAudience = await exchange('both', subject(apiToken.access_token, { audience: ORDERS, scope: 'orders:read' }));
    expect(decodeJwt(byAudience.access_token)).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
    expect(await refusal('both', subject(apiToken.access_token, { resource: ORDERS, scope: 'orders:write' }))).toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('never outlives the subject token', async () => {
    const shortLived = await passwordTokens(base, userClient, alice.username, alice.password, 'email', { 'access-token-lifetime': '90' });
    const response = await exchange('both', subject(shortLived.access_token));
    expect(response.expires_in).toBeLessThanOrEqual(90);
    expect(decodeJwt(response.access_token).exp).toBeLessThanOrEqual(decodeJwt(shortLived.access_token).exp!);
  });

  it('delegation: act names the actor (sub, client_id), nested over an earlier act; introspection shows it', async () => {
    const actorToken = await serviceToken(base, actorService);
    const response = await exchange(
      'both',
      subject(aliceToken, { actor_token: actorToken, actor_token_type: ACCESS_TOKEN, scope: 'email' }),
    );
    expect(response).toMatchObject({ issued_token_type: ACCESS_TOKEN, scope: 'email' });
    const { payload } = await jwtVerify(response.access_token, createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`)), { issuer });
    expect(payload).toMatchObject({
      sub: alice.user.id,
      iss: issuer,
      aud: t.issuer,
      scope: 'email',
      act: { sub: actorService.clientId, client_id: actorService.clientId },
    });

    const introspected = await oidc.tokenIntrospection(configs.both!, response.access_token);
    expect(introspected).toMatchObject({
      active: true,
      sub: alice.user.id,
      act: { sub: actorService.clientId, client_id: actorService.clientId },
    });

    // The delegated token exchanged again, with the user client's own token as actor: the earlier actor is nested inside.
    const secondActor = aliceToken;
    const again = await exchange('both', subject(response.access_token, { actor_token: secondActor, actor_token_type: ACCESS_TOKEN }));
    expect(decodeJwt(again.access_token).act).toEqual({
      sub: alice.user.id,
      client_id: userClient.clientId,
      act: { sub: actorService.clientId, client_id: actorService.clientId },
    });
    // Impersonating with a delegated token keeps its act: a delegated token never becomes a plain one.
    const kept = await exchange('both', subject(response.access_token));
    expect(decodeJwt(kept.access_token).act).toEqual({ sub: actorService.clientId, client_id: actorService.clientId });
  });

  it('subtree: a client allowed it exchanges a descendant tenant’s token; one without does not', async () => {
    const childClient = await createTestClient(domain, '/tx/child', 'user', { allowedScopes: ['email'] });
    const bob = await createTestUser(domain, '/tx/child');
    const bobToken = (await passwordTokens(`${t.url}/t/tx.child`, childClient, bob.username, bob.password, 'email')).access_token;
    const response = await exchange('subtree', subject(bobToken));
    expect(decodeJwt(response.access_token)).toMatchObject({ sub: bob.user.id, iss: issuer, tenant: '/tx/child', scope: 'email' });
    // The issued token is active (verified like any other).
    expect(await oidc.tokenIntrospection(configs.subtree!, response.access_token)).toMatchObject({ active: true, tenant: '/tx/child' });
    expect(await refusal('both', subject(bobToken))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('unauthorized_client for a client that does not hold the grant', async () => {
    expect(await refusal('notAllowed', subject(aliceToken))).toMatchObject({ status: 400, error: 'unauthorized_client' });
  });

  it('invalid_scope for a scope the subject token does not hold, one the client may not have, and admin', async () => {
    expect(await refusal('both', subject(aliceToken, { scope: 'email phone' }))).toMatchObject({ status: 400, error: 'invalid_scope' });
    const narrow = await passwordTokens(base, userClient, alice.username, alice.password, 'email');
    expect(await refusal('both', subject(narrow.access_token, { scope: 'email profile' }))).toMatchObject({ error: 'invalid_scope' });
    expect(await refusal('both', subject(aliceToken, { scope: 'orders:write' }))).toMatchObject({ error: 'invalid_scope' });
    expect(await refusal('both', subject(aliceToken, { scope: 'admin' }))).toMatchObject({ error: 'invalid_scope' });
  });

  it('invalid_grant for another tenant’s subject token, and for another tenant’s actor token', async () => {
    const otherClient = await createTestClient(domain, '/other', 'user', { allowedScopes: ['email'] });
    const carol = await createTestUser(domain, '/other');
    const carolToken = (await passwordTokens(`${t.url}/t/other`, otherClient, carol.username, carol.password, 'email')).access_token;
    expect(await refusal('both', subject(carolToken))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await refusal('both', subject(aliceToken, { actor_token: carolToken, actor_token_type: ACCESS_TOKEN }))).toMatchObject({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('invalid_grant for a subject token that is a client’s own, revoked, expired or not a token at all', async () => {
    expect(await refusal('both', subject(await serviceToken(base, actorService)))).toMatchObject({ error: 'invalid_grant' });
    const revoked = await passwordTokens(base, userClient, alice.username, alice.password, 'email');
    await oidc.tokenRevocation(await discover(userClient), revoked.access_token);
    expect(await refusal('both', subject(revoked.access_token))).toMatchObject({ status: 400, error: 'invalid_grant' });
    const expiring = await passwordTokens(base, userClient, alice.username, alice.password, 'email', { 'access-token-lifetime': '30' });
    clock.advance(31);
    try {
      expect(await refusal('both', subject(expiring.access_token))).toMatchObject({ status: 400, error: 'invalid_grant' });
    } finally {
      clock.reset();
    }
    expect(await refusal('both', subject('not-a-token'))).toMatchObject({ error: 'invalid_grant' });
  });

  it('invalid_request for a missing subject_token or type, and unsupported token types', async () => {
    expect(await refusal('both', { subject_token_type: ACCESS_TOKEN })).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(await refusal('both', { subject_token: aliceToken })).toMatchObject({ error: 'invalid_request' });
    expect(await refusal('both', subject(aliceToken, { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }))).toMatchObject({
      error: 'invalid_request',
    });
    expect(
      await refusal('both', subject(aliceToken, { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' })),
    ).toMatchObject({
      error: 'invalid_request',
    });
    expect(await refusal('both', subject(aliceToken, { requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' }))).toMatchObject(
      {
        error: 'invalid_request',
      },
    );
    expect(await refusal('both', subject(aliceToken, { actor_token: aliceToken }))).toMatchObject({ error: 'invalid_request' });
    // An explicit access token as requested_token_type is fine.
    await expect(exchange('both', subject(aliceToken, { requested_token_type: ACCESS_TOKEN }))).resolves.toMatchObject({
      issued_token_type: ACCESS_TOKEN,
    });
  });

  it('invalid_request for the mode the client is not allowed: delegation-only without actor_token, impersonation-only with one', async () => {
    expect(await refusal('delegationOnly', subject(aliceToken))).toMatchObject({ status: 400, error: 'invalid_request' });
    const actorToken = await serviceToken(base, actorService);
    expect(
      await refusal('impersonationOnly', subject(aliceToken, { actor_token: actorToken, actor_token_type: ACCESS_TOKEN })),
    ).toMatchObject({ status: 400, error: 'invalid_request' });
    await expect(
      exchange('delegationOnly', subject(aliceToken, { actor_token: actorToken, actor_token_type: ACCESS_TOKEN })),
    ).resolves.toMatchObject({
      issued_token_type: ACCESS_TOKEN,
    });
  });

  it('invalid_target for an unknown resource, another tenant’s API, and an unknown audience', async () => {
    expect(await refusal('both', subject(aliceToken, { resource: 'https://nowhere.example.test' }))).toMatchObject({
      status: 400,
      error: 'invalid_target',
    });
    expect(await refusal('both', subject(aliceToken, { resource: OTHER_API }))).toMatchObject({ error: 'invalid_target' });
    expect(await refusal('both', subject(aliceToken, { audience: OTHER_API }))).toMatchObject({ error: 'invalid_target' });
  });

  it('the allowance goes with the grant type: dropping the grant type clears it', async () => {
    const admin = await rootAdminActor(domain);
    const clientId = configs.subtree!.clientMetadata().client_id;
    const updated = await domain.clients.update(admin, clientId, { grantTypes: ['client_credentials'] });
    expect(updated.tokenExchange).toEqual({ impersonation: false, delegation: false, subtree: false });
    await expect(domain.clients.update(admin, clientId, { grantTypes: [TOKEN_EXCHANGE] })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});
