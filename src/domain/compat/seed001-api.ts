import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { AccessTokenService } from '../tokens/access-token.service';
import type { User } from '../users/user';
import { SEED001_SCOPES } from './register-seed001-client';

/** The `data` of a seed 001 `/api` answer: user fields by granted scope. */
export type Seed001ApiData = Partial<Record<(typeof SEED001_SCOPES)[number], string>>;

/**
 * Seed 001 `POST /api`: the bearer access token must be active, with the same
 * checks and the same single prepared-statement round trip as `/userinfo`
 * (`invalid_token` otherwise). The answer holds exactly the fields among
 * `username`, `email`, `firstname`, `lastname`, `phone` whose scope the
 * token carries, omitting empty ones. A client_credentials token has no user
 * and gets no fields.
 */
export class Seed001Api {
  constructor(private readonly accessTokens: AccessTokenService) {}

  /** Answered at once when the token's checks are (see {@link AccessTokenService.verify}). */
  data(accessToken: string): MaybePromise<Seed001ApiData> {
    return mapMaybePromise(this.accessTokens.verify(accessToken), ({ claims, user }) =>
      user ? seed001Fields(user, claims.scope ? claims.scope.split(' ') : []) : {},
    );
  }
}

function seed001Fields(user: User, scopes: readonly string[]): Seed001ApiData {
  const data: Seed001ApiData = {};
  for (const scope of SEED001_SCOPES) {
    const value = user[scope];
    if (scopes.includes(scope) && value) data[scope] = value;
  }
  return data;
}
