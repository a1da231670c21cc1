import type { RefreshTokenProblem } from './refresh-token-problem';
import type { RefreshTokenRecord } from './refresh-token-record';

/**
 * The port through which revocation (RFC 7009) and introspection (RFC 7662)
 * find a refresh token by its presented value, whatever its state; null when
 * unknown. `RefreshTokenService` implements it.
 */
export interface RefreshTokenLookup {
  findRefreshToken(token: string): Promise<RefreshTokenRecord | null>;
  /** Why the token is not usable, or null when it is: the one usability rule. */
  problemWith(record: RefreshTokenRecord): Promise<RefreshTokenProblem | null>;
}
