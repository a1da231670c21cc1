import type { Client } from '../clients/client';
import type { DomainDeps } from '../deps';
import type { DeviceStore } from '../device-token-sets/device-store';
import type { Tenant } from '../tenants/tenant';
import type { AccessTokenClaims } from '../tokens/access-token-claims';
import type { FoundToken } from '../tokens/token-finder';
import type { User } from '../users/user';
import type { RevocationScope, RevocationStore } from './revocation-store';
import { issuanceBucket, type IssuanceCounter } from './state/issuance-counter';
import { revocationEvent } from './state/revocation-state-sync';

/** Up to this many families revoked at once are notified one by one; more are left to the change log. */
const NOTIFIED_FAMILIES_MAX = 16;

/** An access token to revoke: `jti` and `exp` always; with the rest of its claims it is also taken out of the issuance counters. */
export type RevokedAccessToken = Pick<AccessTokenClaims, 'jti' | 'exp'> &
  Partial<Pick<AccessTokenClaims, 'client_id' | 'sub' | 'sid' | 'iat'>>;

/**
 * The revoke operations, one per scope: an access token, a refresh family, a
 * seed 002 device, a user, a client, a tenant subtree. Each writes its
 * revocation and tells every process (the change bus; the change log records
 * the same keys), and every path that revokes calls it: RFC 7009 and
 * `revokeToken` ({@link revokeFound}), refresh-token reuse and code replay
 * (family, access token), the scoped mutations and seed 003 batch revocation
 * (`ScopedRevocation`), device revocation (`DeviceTokenSetService`), disabling a user
 * or client. None checks an actor: the callers authorise.
 *
 * {@link counted} tells how many still-usable tokens a revocation makes
 * inactive (counted before it is applied).
 */
export class RevocationService {
  constructor(
    private readonly deps: Pick<DomainDeps, 'bus' | 'clock'>,
    private readonly store: RevocationStore,
    private readonly counter: IssuanceCounter,
    private readonly devices: Pick<DeviceStore, 'revoke'>,
  ) {}

  /**
   * Counts what `scope` still holds issued before `before` (null: any time),
   * then runs `revoke`; the count of still-unexpired tokens (access, refresh,
   * device) it made inactive. Access tokens are counted from the issuance
   * counters ({@link IssuanceCounter}, flushed first), refresh tokens from
   * their rows (read from the database on every use: no cache to tell).
   */
  async counted(scope: RevocationScope, before: Date | null, revoke: () => Promise<unknown>): Promise<number> {
    await this.counter.flush();
    const count = await this.store.countActive(scope, before, this.deps.clock.now());
    await revoke();
    return count;
  }

  /** A found token: an access token by its `jti`, a refresh token with its whole family (RFC 7009 §2.1). */
  async revokeFound(found: FoundToken): Promise<void> {
    if (found.kind === 'access_token') await this.revokeAccessToken(found.claims, found.tenant.id);
    else await this.revokeFamily(found.record.familyId);
  }

  /** Revokes one access token until it would have expired anyway. Idempotent. */
  async revokeAccessToken(token: RevokedAccessToken, tenantId: string): Promise<void> {
    await this.store.insertRevokedToken(token.jti, tenantId, new Date(token.exp * 1000));
    await this.deps.bus.publish(revocationEvent.jti(token.jti, token.exp));
    const { client_id, sub, iat } = token;
    // Take it out of the issuance counters, so a later scoped revocation does not count it again.
    if (client_id !== undefined && sub !== undefined && iat !== undefined) {
      await this.store.addIssuance([issuanceBucket({ ...token, client_id, sub, iat }, tenantId, -1)]);
    }
  }

  /** Revokes a refresh family: its refresh tokens and every access token carrying its id. Idempotent. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.store.revokeFamily(familyId);
    await this.deps.bus.publish(revocationEvent.family(familyId));
  }

  /**
   * Families a set-based write has already revoked in the database (ending browser sessions): this
   * process applies them at once; a few are also notified to the others, many are left to the change
   * log (recorded by trigger, read by every process within 750 ms, CHANGE_POLL_INTERVAL_MS), so ending
   * hundreds of sessions does not cost a notification round trip per family, and they reach this
   * process's listeners as one event (not one per family).
   */
  async familiesRevoked(familyIds: readonly string[]): Promise<void> {
    if (familyIds.length <= NOTIFIED_FAMILIES_MAX) {
      await Promise.all(familyIds.map((id) => this.deps.bus.publish(revocationEvent.family(id))));
      return;
    }
    this.deps.bus.replay(revocationEvent.families(familyIds));
  }

  /** Revokes a seed 002 device: its refresh family and every access token carrying its `device_id`. False when it was already revoked or is unknown. */
  async revokeDevice(deviceId: string): Promise<boolean> {
    const revoked = await this.devices.revoke(deviceId, this.deps.clock.now());
    await this.deps.bus.publish(revocationEvent.device(deviceId));
    return revoked;
  }

  /** Every token of the user issued before `at` (a cutoff, never lowered); also ends the browser sessions begun before it. */
  async revokeUser(user: Pick<User, 'id' | 'tenantId'>, at: Date): Promise<void> {
    await this.store.setCutoff('user', user.id, user.tenantId, at);
    await this.deps.bus.publish(revocationEvent.cutoff('user', user.id, at.getTime()));
  }

  /** Every token of the client issued before `at`, its users' tokens included (a cutoff, never lowered). */
  async revokeClient(client: Pick<Client, 'clientId' | 'tenantId'>, at: Date): Promise<void> {
    await this.store.setCutoff('client', client.clientId, client.tenantId, at);
    await this.deps.bus.publish(revocationEvent.cutoff('client', client.clientId, at.getTime()));
  }

  /** Every token of the tenant and its subtree issued before `at` (`tokens_revoked_before`, never lowered; told through the tenant topic). */
  async revokeTenantSubtree(tenant: Pick<Tenant, 'id'>, at: Date): Promise<void> {
    await this.store.setTenantCutoff(tenant.id, at);
    await this.deps.bus.publish({ topic: 'tenant', kind: 'updated', key: tenant.id });
  }
}
