import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import { ensure, errors } from '../errors';
import type { AccessTokenService } from '../tokens/access-token.service';
import { claimsForScopes } from '../users/claims-for-scopes';

/** OIDC Core §5.3.2 UserInfo response: `sub` plus the claims the token's scopes release. */
export type UserInfo = { sub: string } & Record<string, string | boolean>;

/**
 * OIDC Core §5.3 UserInfo. The bearer access token must be active (signature,
 * expiry, revocation, disabled client or user, tenant cutoff), issued to a
 * user (not a client_credentials token) of the token's tenant, and carry scope
 * `openid`. Fails with `invalid_token` (RFC 6750 §3.1, 401) or
 * `insufficient_scope` (403).
 */
export class UserInfoService {
  constructor(private readonly accessTokens: AccessTokenService) {}

  /**
   * Answered at once when the token's checks are (see {@link AccessTokenService.verify});
   * `dpopJkt` is the key of the DPoP proof the token came with (RFC 9449 §7.1), if any.
   */
  userInfo(accessToken: string, dpopJkt?: string): MaybePromise<UserInfo> {
    return mapMaybePromise(this.accessTokens.verify(accessToken, dpopJkt), ({ claims, user }) => {
      ensure(user, () => errors.invalidToken('the access token was not issued to a user'));
      const scopes = claims.scope ? claims.scope.split(' ') : [];
      ensure(scopes.includes('openid'), () => errors.insufficientScope('openid'));
      return { sub: user.id, ...claimsForScopes(user, scopes) };
    });
  }
}
