import { mapMaybePromise, type MaybePromise } from '../../util/maybe-promise';
import { TtlCache } from '../../cache/ttl-cache';
import type { AccessTokenClaims } from '../../tokens/access-token-claims';
import type { DomainDeps } from '../../deps';
import { isUuid } from '../../ids';
import { RevocationStateSync } from './revocation-state-sync';
import type { RevocationStore } from '../revocation-store';
import type { AccessTokenState } from '../../tokens/access-token.service';
import type { User } from '../../users/user';

/**
 * Whether a verified access token is still active, for every endpoint: its
 * `jti`, refresh family and device not revoked (RFC 7009, RFC 9700 §4.14.2),
 * no user or client cutoff after it, its user present and enabled. Read from
 * the in-memory {@link RevocationStateSync} while it is current (bus
 * connected, no reload pending), else from the database. The revocations
 * themselves are written by `RevocationService` (revocation.service.ts).
 */
export class RevocationCheck {
  readonly sync: RevocationStateSync;
  /** The users of user tokens (claims of /userinfo, /api), invalidated by the bus's `user` topic and the change log. */
  private readonly cachedUsers: TtlCache<User | null>;
  /** {@link TokenIds} per claims object (verified tokens' claims are cached and frozen). */
  private readonly ids = new WeakMap<AccessTokenClaims, TokenIds>();

  constructor(
    private readonly deps: Pick<DomainDeps, 'bus' | 'clock' | 'log'>,
    private readonly revocations: RevocationStore,
  ) {
    this.cachedUsers = new TtlCache<User | null>({
      ttlMs: USER_TTL_MS,
      maxEntries: 100_000,
      skip: (user) => user === null,
      trusted: () => deps.bus.live,
    });
    deps.bus.subscribe((event) => {
      if (event.topic === 'user') this.cachedUsers.invalidate(event.key);
      // Deleting a tenant deletes its users (cascade).
      else if (event.topic === 'tenant' && event.kind === 'deleted') this.cachedUsers.clear();
    });
    deps.bus.onResync(() => this.cachedUsers.clear());
    this.sync = new RevocationStateSync(
      deps.bus,
      () => revocations.loadRevocationSnapshot(),
      () => Math.floor(deps.clock.now().getTime() / 1000),
      (error, what) =>
        deps.log.warn(
          { err: error },
          what === 'changes'
            ? 'revocation state: reading the change log failed; verifying against the database if it goes on for 30 s'
            : 'revocation state: load failed; verifying against the database',
        ),
      {
        changes: (since) => revocations.revocationChanges(since),
        loaded: (info) => deps.log.info(info, 'revocation state loaded'),
      },
    );
  }

  /**
   * {@link AccessTokenStateLookup}: whether an access token that verified
   * cryptographically is still active (its jti not revoked, its family and
   * device, if any, not revoked, no user or client cutoff after `iat`, its
   * user, if any, present and enabled), and that user. Answered at once from
   * the in-memory state while it is current and the user's row is cached;
   * else by one prepared statement.
   */
  accessTokenState(claims: AccessTokenClaims): MaybePromise<AccessTokenState> {
    const { jti, userId, familyId } = this.idsOf(claims);
    if (!jti) return INACTIVE;
    if (!this.sync.current) return this.accessTokenStateFromDatabase(claims, jti, familyId, userId);
    const state = this.sync.state;
    const now = Math.floor(this.deps.clock.now().getTime() / 1000);
    if (
      state.isJtiRevoked(jti, now) ||
      (familyId && state.isFamilyRevoked(familyId)) ||
      (claims.device_id && state.isDeviceRevoked(claims.device_id))
    )
      return INACTIVE;
    const cutoff = state.cutoffMs(userId, claims.client_id);
    if (cutoff !== null && claims.iat * 1000 < cutoff) return INACTIVE;
    if (claims.sub === claims.client_id) return CLIENT_TOKEN;
    if (!userId) return INACTIVE;
    return mapMaybePromise(
      this.cachedUsers.get(userId, () => this.loadUser(userId)),
      (user) => (user?.enabled ? { active: true, user } : INACTIVE),
    );
  }

  private async accessTokenStateFromDatabase(
    claims: AccessTokenClaims,
    jti: string,
    familyId: string | null,
    userId: string | null,
  ): Promise<AccessTokenState> {
    const state = await this.revocations.accessTokenState(jti, familyId, userId, claims.client_id);
    if (!state || state.jtiRevoked) return INACTIVE;
    // A user or client cutoff (revokeUserTokens, revokeClientTokens) after `iat`.
    if (state.cutoffMs !== null && claims.iat * 1000 < state.cutoffMs) return INACTIVE;
    if (familyId && state.familyRevoked !== false) return INACTIVE;
    if (claims.sub !== claims.client_id) {
      // A user token: its user must exist and be enabled.
      if (!userId || !state.user?.enabled) return INACTIVE;
      return { active: true, user: state.user };
    }
    return CLIENT_TOKEN;
  }

  private loadUser(userId: string): Promise<User | null> {
    return this.revocations.findUser(userId);
  }

  /**
   * The claims' ids checked for shape once per claims object: a verified
   * token's claims are one frozen object, reused on every presentation.
   */
  private idsOf(claims: AccessTokenClaims): TokenIds {
    let ids = this.ids.get(claims);
    if (!ids) {
      ids = {
        jti: isUuid(claims.jti) ? claims.jti : null,
        userId: claims.sub !== claims.client_id && isUuid(claims.sub) ? claims.sub : null,
        familyId: claims.sid && isUuid(claims.sid) ? claims.sid : null,
      };
      this.ids.set(claims, ids);
    }
    return ids;
  }
}

/** The ids of an access token's claims that the revocation state is keyed by; null when absent or malformed. */
interface TokenIds {
  readonly jti: string | null;
  readonly userId: string | null;
  readonly familyId: string | null;
}

const USER_TTL_MS = 5 * 60_000;
const INACTIVE: AccessTokenState = Object.freeze({ active: false, user: null });
const CLIENT_TOKEN: AccessTokenState = Object.freeze({ active: true, user: null });
