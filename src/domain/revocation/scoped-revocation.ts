import { requireAdmin, withinActorSubtree, type Actor } from '../actor';
import type { ClientService } from '../clients/client.service';
import type { DomainDeps } from '../deps';
import { ensure, errors } from '../errors';
import type { TenantService } from '../tenants/tenant.service';
import type { UserRef, UserService } from '../users/user.service';
import type { TokenFinder } from '../tokens/token-finder';
import type { IssuanceCounter } from './state/issuance-counter';
import { revocationEvent } from './state/revocation-state';
import type { RevocationScope, RevocationStore } from './revocation-store';
import type { RevocationService } from './revocation.service';

/**
 * Revocation by scope without knowing the tokens (docs/contract.md "Tokens":
 * revocation is enforced): one token, a refresh family or device, everything of a user,
 * of a client, or of a tenant subtree issued before a time. Each returns how
 * many still-unexpired tokens (access, refresh, device) it made inactive:
 * access tokens are counted from the issuance counters ({@link IssuanceCounter},
 * flushed first), refresh tokens from their rows.
 */
export class ScopedRevocation {
  constructor(
    private readonly deps: DomainDeps,
    private readonly store: RevocationStore,
    private readonly counter: IssuanceCounter,
    private readonly tenants: TenantService,
    private readonly clients: ClientService,
    private readonly users: UserService,
    private readonly finder: TokenFinder,
    private readonly revocation: RevocationService,
  ) {}

  /**
   * Counts what `scope` still holds issued before `before` (null: any time),
   * then applies the revocation (read from the database on every use: no cache to tell).
   */
  async counted(scope: RevocationScope, before: Date | null, apply: () => Promise<unknown>): Promise<number> {
    await this.counter.flush();
    const count = await this.store.countActive(scope, before, this.deps.clock.now());
    await apply();
    // Tell every process's in-memory revocation state (families publish from RevocationService; tenants through the tenant topic).
    if ((scope.kind === 'user' || scope.kind === 'client') && before) {
      await this.deps.bus.publish(revocationEvent.cutoff(scope.kind, scope.kind === 'user' ? scope.userId : scope.clientId, before.getTime()));
    } else if (scope.kind === 'device') {
      await this.deps.bus.publish(revocationEvent.device(scope.deviceId));
    }
    return count;
  }

  /**
   * Every token of a user issued until now (`revokeUserTokens`). The cutoff
   * also ends every browser session the user began before it (BrowserSessionService).
   */
  async revokeUserTokens(actor: Actor, userId: string): Promise<number> {
    return this.revokeAllOf(await this.users.get(actor, userId));
  }

  /** {@link revokeUserTokens} without an actor check (disabling the user, on any path: UserService). */
  async revokeAllOf(user: UserRef): Promise<number> {
    const now = this.deps.clock.now();
    return this.counted({ kind: 'user', userId: user.id }, now, () => this.store.setCutoff('user', user.id, user.tenantId, now));
  }

  /** Every token of a client issued until now, its users' tokens included (`revokeClientTokens`, and disabling the client). */
  async revokeClientTokens(actor: Actor, clientId: string): Promise<number> {
    const client = await this.clients.get(actor, clientId);
    const now = this.deps.clock.now();
    return this.counted({ kind: 'client', clientId: client.clientId }, now, () => this.store.setCutoff('client', client.clientId, client.tenantId, now));
  }

  /**
   * Seed 003 batch revocation and `revokeTokensIssuedBefore`: every token of
   * the tenant at `tenantPath` and its subtree issued before `before`. A time
   * in the future is taken as now: tokens issued later stay valid.
   */
  async revokeIssuedBefore(actor: Actor, tenantPath: string, before: Date): Promise<number> {
    ensure(!Number.isNaN(before.getTime()), () => errors.validation('before', 'must be an ISO-8601 date-time'));
    const tenant = await this.tenants.get(actor, tenantPath);
    const now = this.deps.clock.now();
    const cutoff = before.getTime() > now.getTime() ? now : before;
    const count = await this.counted({ kind: 'tenant-subtree', tenantPath: tenant.path }, cutoff, () => this.store.setTenantCutoff(tenant.id, cutoff));
    await this.deps.bus.publish({ topic: 'tenant', kind: 'updated', key: tenant.id });
    return count;
  }

  /**
   * `revokeToken` with a count: 1 for an active access token, the live
   * refresh and access tokens of a refresh token's family, 0 for anything
   * unknown or already inactive, and for a token outside the actor's subtree
   * (untouched). Same authorisation as `TokenRevoker.revokeAsAdmin`.
   */
  async revokeToken(actor: Actor, token: string, hint?: string | null): Promise<number> {
    requireAdmin(actor);
    const found = await this.finder.find(token, hint ?? undefined);
    if (!found || !withinActorSubtree(actor, found.tenant.path)) return 0;
    if (found.kind === 'refresh_token') {
      return this.counted({ kind: 'family', familyId: found.record.familyId }, null, () => this.revocation.revokeFamily(found.record.familyId));
    }
    const { claims } = found;
    await this.revocation.revokeAccessToken(claims, found.tenant.id);
    // Take it out of the issuance counters, so a later scoped revocation does not count it again.
    await this.store.addIssuance([
      { tenantId: found.tenant.id, clientId: claims.client_id, userId: found.user?.id ?? null, familyId: claims.sid ?? null, issuedAt: claims.iat, expiresAt: claims.exp, count: -1 },
    ]);
    return 1;
  }
}
