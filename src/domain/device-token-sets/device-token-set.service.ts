import { randomUUID } from 'node:crypto';
import { ADMIN_SCOPE, isAdmin, notFoundInScope, resolveInScope, tenantPathInScope, type Actor } from '../actor';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { randomToken, sha256 } from '../crypto/random';
import type { DomainDeps } from '../deps';
import { ensure, errors } from '../errors';
import type { Page, PageRequest } from '../pagination';
import type { RequestScope } from '../request-scope';
import type { RevocationService } from '../revocation/revocation.service';
import type { BruteForceGuard } from '../throttle/brute-force-guard';
import type { TenantService } from '../tenants/tenant.service';
import type { IdTokenService } from '../tokens/id-token.service';
import type { UserService } from '../users/user.service';
import { validateDisplayName } from '../validate-display-name';
import type { Device } from './device';
import type { DeviceStore } from './device-store';
import { DEVICE_TOKEN_LIFETIME_SECONDS, DEVICE_TOKENS_GRANT, type DeviceTokenSet } from './device-token-set';

/** Scopes a device set never carries: admin belongs to clients, offline access is implied. */
const NOT_FOR_DEVICES = new Set([ADMIN_SCOPE, 'offline_access']);

/**
 * Seed 002 devices: a user confirms their password and receives, once, an
 * IdToken (24 h, `device_id` claim), a refresh token that never expires and
 * is not rotated, and the DeviceId it is bound to. The set belongs to a
 * client that lists {@link DEVICE_TOKENS_GRANT} in its grant types: the
 * client of the user's access token (GraphQL `createDevice`), or the tenant's
 * account client (the /account page).
 */
export class DeviceTokenSetService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly store: DeviceStore,
    private readonly users: UserService,
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    private readonly idTokens: IdTokenService,
    private readonly revocation: RevocationService,
    private readonly guard: BruteForceGuard,
  ) {}

  /** GraphQL `createDevice`: for the user of the actor's token, on the token's client. */
  async createForActor(
    actor: Actor,
    name: string,
    password: string,
    scope?: Pick<RequestScope, 'clientIp' | 'requestId'>,
  ): Promise<DeviceTokenSet> {
    ensure(actor.userId, () => errors.forbidden('only a user’s own access token can create a device'));
    const client = await this.clients.findByClientId(actor.clientId);
    ensure(client?.enabled, () => errors.forbidden('the client is disabled'));
    return this.create(actor.userId, client, name, password, actor.scopes, scope);
  }

  /**
   * Creates a device set for `userId` on `client` once `password` is the
   * user's current password. The client must be enabled, in the user's tenant
   * and allowed {@link DEVICE_TOKENS_GRANT}. Wrong passwords are throttled
   * per account and client IP together like every password check (BruteForceGuard).
   */
  async create(
    userId: string,
    client: Client,
    rawName: string,
    password: string,
    scopes: readonly string[],
    scope?: Pick<RequestScope, 'clientIp' | 'requestId'>,
  ): Promise<DeviceTokenSet> {
    const name = validateDisplayName(rawName);
    ensure(client.enabled && client.grantTypes.includes(DEVICE_TOKENS_GRANT), () =>
      errors.forbidden(`client ${client.clientId} may not mint device tokens (grant type "${DEVICE_TOKENS_GRANT}")`),
    );
    const user = await this.users.findById(userId);
    ensure(user?.enabled && user.tenantId === client.tenantId, () => errors.forbidden('the user cannot create devices on this client'));
    const tenant = await this.tenants.findById(user.tenantId);
    ensure(tenant, () => errors.notFound('tenant'));
    const subject = {
      kind: 'account',
      tenantId: tenant.id,
      tenantPath: tenant.path,
      username: user.username,
      clientId: client.clientId,
    } as const;
    const confirmed = await this.guard.protect({ subject, scope, owed: 'validation_failed' }, () =>
      this.users.verifyCredentials(user.tenantId, user.username, password ?? ''),
    );
    ensure(confirmed, () => errors.validation('password', 'the password is incorrect'));
    const granted = [
      'openid',
      ...scopes.filter((scope) => scope !== 'openid' && !NOT_FOR_DEVICES.has(scope) && client.allowedScopes.includes(scope)),
    ];
    const refreshToken = randomToken(32);
    const now = this.deps.clock.now();
    const device = await this.store.createDeviceSet({
      deviceId: randomUUID(),
      familyId: randomUUID(),
      tenantId: user.tenantId,
      userId: user.id,
      clientId: client.clientId,
      name,
      scopes: granted,
      refreshTokenHash: sha256(refreshToken),
      now,
    });
    const idToken = await this.idTokens.issue({
      tenant,
      client,
      user,
      scopes: granted,
      authTime: now,
      lifetimeSeconds: DEVICE_TOKEN_LIFETIME_SECONDS,
      deviceId: device.id,
    });
    return { IdToken: idToken.token, RefreshToken: refreshToken, DeviceId: device.id, device };
  }

  /** The devices of `userId` (default: the actor's own user); admins see users of their subtree. */
  async list(actor: Actor, userId: string | null | undefined, request: PageRequest): Promise<Page<Device>> {
    const target = userId ?? actor.userId;
    ensure(target, () => errors.validation('userId', 'is required for a client token'));
    if (target !== actor.userId) await this.users.get(actor, target);
    return this.store.listByUser(target, request);
  }

  /**
   * The number of devices (revoked ones included, as `devices(userId).totalCount`) of each user,
   * in the order given, with one store query for the whole batch. Every user's tenant must be
   * managed by the actor (GraphQL `User.deviceCount`, batched per request).
   */
  async countForUsers(actor: Actor, users: readonly { id: string; tenantPath: string }[]): Promise<number[]> {
    for (const path of new Set(users.map((user) => user.tenantPath))) tenantPathInScope(actor, path);
    const counts = await this.store.countByUsers(users.map((user) => user.id));
    return users.map((user) => counts.get(user.id) ?? 0);
  }

  /** A user's own devices (the /account page). */
  listOwn(userId: string, request: PageRequest = {}): Promise<Page<Device>> {
    return this.store.listByUser(userId, request);
  }

  /**
   * Revokes a device: its refresh token and every access token issued from
   * it. The user themself, or an admin over the device's tenant; to anyone
   * else another user's device does not exist (`not_found`, as for an unknown
   * id). Returns the number of still-usable tokens it made inactive (0 when
   * already revoked).
   */
  async revoke(actor: Actor, id: string): Promise<number> {
    const device = await this.store.findById(id);
    if (device && device.userId === actor.userId) return this.revokeDevice(device);
    if (!isAdmin(actor)) throw notFoundInScope('device', id);
    return this.revokeDevice(await resolveInScope(actor, this.tenants, 'device', id, () => device));
  }

  /** Revokes one of the user's own devices (the /account page); not found for anyone else's. */
  async revokeOwn(userId: string, id: string): Promise<number> {
    const device = await this.store.findById(id);
    ensure(device && device.userId === userId, () => notFoundInScope('device', id));
    return this.revokeDevice(device);
  }

  private revokeDevice(device: Device): Promise<number> {
    return this.revocation.counted({ kind: 'device', deviceId: device.id }, null, () => this.revocation.revokeDevice(device.id));
  }
}
