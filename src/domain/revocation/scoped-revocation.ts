import { requireAdmin, withinActorSubtree, type Actor } from '../actor';
import type { ClientService } from '../clients/client.service';
import type { Clock } from '../clock';
import { ensure, errors } from '../errors';
import type { TenantService } from '../tenants/tenant.service';
import type { TokenFinder } from '../tokens/token-finder';
import type { UserRef } from '../users/user.service';
import type { RevocationService } from './revocation.service';

/**
 * Revocation by scope without knowing the tokens (docs/contract.md "Tokens":
 * revocation is enforced), on behalf of an actor: one token, everything of a
 * user, of a client, or of a tenant subtree issued before a time. Each
 * authorises, then applies the scope's one operation in {@link RevocationService}
 * and returns how many still-unexpired tokens (access, refresh, device) it made
 * inactive ({@link RevocationService.counted}).
 */
export class ScopedRevocation {
  constructor(
    private readonly clock: Clock,
    private readonly tenants: TenantService,
    private readonly clients: ClientService,
    private readonly finder: TokenFinder,
    private readonly revocation: RevocationService,
  ) {}

  /**
   * Every token of a user issued until now, without an actor check: UserService calls it, after
   * resolving the user in the actor's subtree (`revokeUserTokens`) or when disabling the user on
   * any path. The cutoff also ends every browser session the user began before it (BrowserSessionService).
   */
  async revokeAllOf(user: UserRef): Promise<number> {
    const now = this.clock.now();
    return this.revocation.counted({ kind: 'user', userId: user.id }, now, () => this.revocation.revokeUser(user, now));
  }

  /** Every token of a client issued until now, its users' tokens included (`revokeClientTokens`, and disabling the client). */
  async revokeClientTokens(actor: Actor, clientId: string): Promise<number> {
    const client = await this.clients.get(actor, clientId);
    const now = this.clock.now();
    return this.revocation.counted({ kind: 'client', clientId: client.clientId }, now, () => this.revocation.revokeClient(client, now));
  }

  /**
   * Seed 003 batch revocation and `revokeTokensIssuedBefore`: every token of
   * the tenant at `tenantPath` and its subtree issued before `before`. A time
   * in the future is taken as now: tokens issued later stay valid.
   */
  async revokeIssuedBefore(actor: Actor, tenantPath: string, before: Date): Promise<number> {
    ensure(!Number.isNaN(before.getTime()), () => errors.validation('before', 'must be an ISO-8601 date-time'));
    const tenant = await this.tenants.get(actor, tenantPath);
    const now = this.clock.now();
    const cutoff = before.getTime() > now.getTime() ? now : before;
    return this.revocation.counted({ kind: 'tenant-subtree', tenantPath: tenant.path }, cutoff, () =>
      this.revocation.revokeTenantSubtree(tenant, cutoff),
    );
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
    if (found.kind === 'refresh_token')
      return this.revocation.counted({ kind: 'family', familyId: found.record.familyId }, null, () => this.revocation.revokeFound(found));
    await this.revocation.revokeFound(found);
    return 1;
  }
}
