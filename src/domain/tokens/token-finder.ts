import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { AccessTokenClaims } from './access-token-claims';
import type { AccessTokenService } from './access-token.service';
import type { RefreshTokenRecord } from './refresh-token-record';
import type { User } from '../users/user';
import type { RefreshTokenLookup } from './refresh-token-lookup';

interface Found {
  /** The client the token was issued to. */
  readonly clientId: string;
  readonly tenant: Tenant;
  /** Usable right now: for access tokens always true (inactive ones are not found). */
  readonly active: boolean;
}

export type FoundToken =
  | (Found & { readonly kind: 'access_token'; readonly claims: AccessTokenClaims; readonly user: User | null })
  | (Found & { readonly kind: 'refresh_token'; readonly record: RefreshTokenRecord });

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 16_384;

/**
 * Identifies a presented token for revocation and introspection. Access tokens
 * are found only while active (`AccessTokenService.inspect`: signature, expiry,
 * revocation, disabled client or user, tenant cutoff); refresh tokens are
 * found in any state and carry whether they are still usable, through
 * {@link RefreshTokenLookup} (RefreshTokenService, built before this finder).
 */
export class TokenFinder {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly tenants: TenantService,
    private readonly refreshTokens: RefreshTokenLookup,
  ) {}

  /**
   * The token, or null when it is unknown, malformed or (for access tokens)
   * inactive. The hint only chooses where to look first: when the token is not
   * found there the search extends to every type, and an unknown hint value is
   * ignored (RFC 7009 §2.1 and §2.2, RFC 7662 §2.1).
   */
  find(token: string, hint?: string): MaybePromise<FoundToken | null> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
    if (hint === 'refresh_token') return mapMaybePromise(this.findRefresh(token), (found) => found ?? this.findAccess(token));
    return mapMaybePromise(this.findAccess(token), (found) => found ?? this.findRefresh(token));
  }

  /** An active access token; answered at once when its checks are (see {@link AccessTokenService.verify}). */
  private findAccess(token: string): MaybePromise<FoundToken | null> {
    // A token whose signature verified before is JWT-shaped: the shape check is for the others.
    if (!this.accessTokens.signatureVerifiedBefore(token) && !JWT_SHAPE.test(token)) return null;
    return mapMaybePromise(this.accessTokens.inspect(token), (verified): FoundToken | null => {
      if (!verified) return null;
      const { claims, tenant, user } = verified;
      return { kind: 'access_token', claims, user, clientId: claims.client_id, tenant, active: true };
    });
  }

  /** A refresh token in any state; a JWT-shaped token is none (answered at once). */
  private findRefresh(token: string): MaybePromise<FoundToken | null> {
    if (JWT_SHAPE.test(token)) return null;
    return this.lookUpRefresh(token);
  }

  private async lookUpRefresh(token: string): Promise<FoundToken | null> {
    const record = await this.refreshTokens.findRefreshToken(token);
    if (!record) return null;
    const tenant = await this.tenants.findById(record.tenantId);
    if (!tenant) return null;
    return {
      kind: 'refresh_token',
      record,
      clientId: record.clientId,
      tenant,
      active: (await this.refreshTokens.problemWith(record)) === null,
    };
  }
}
