import { ADMIN_SCOPE } from '../actor';
import type { Client } from '../clients/client';
import type { Tenant } from '../tenants/tenant';
import type { AccessTokenService } from '../tokens/access-token.service';
import type { IdTokenService } from '../tokens/id-token.service';
import type { User } from '../users/user';
import type { TokenResponse } from './token-response';

export interface UserTokenSet {
  tenant: Tenant;
  client: Client;
  user: User;
  scopes: readonly string[];
  lifetimeSeconds: number;
  /** The access token's `aud` for an API (RFC 8707); absent: the issuer. */
  audience?: string | string[];
  /** The grant's token family; becomes the access token's `sid`. */
  familyId?: string;
  /** The browser session the grant was issued under: the ID token's `sid`, the access token's `session_sid`. */
  sessionSid?: string | null;
  /** Pre-chosen access token `jti`. */
  jti?: string;
  /** Already issued and stored by the grant. */
  refreshToken?: string;
  authTime?: Date | null;
  /** RFC 8176 methods and acr of the sign-in behind the grant, for the ID Token. */
  amr?: readonly string[];
  acr?: string | null;
  nonce?: string | null;
  /** RFC 9449 §5: bind the access token to this DPoP key (`cnf.jkt`, `token_type: DPoP`). */
  dpopJkt?: string;
}

/**
 * The token response shared by the user grants (RFC 6749 §5.1): an access
 * token for the user, the refresh token the grant issued, and an ID Token
 * with `at_hash` when `openid` was granted (OIDC Core §3.1.3.3). Scope
 * `admin` is granted only to a user who holds the admin role; for anyone else
 * it is left out of the token and the response (RFC 6749 §3.3 lets the server
 * narrow the requested scope).
 */
export class UserTokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly idTokens: IdTokenService,
  ) {}

  async issue(requested: UserTokenSet): Promise<TokenResponse> {
    const set = requested.user.admin ? requested : { ...requested, scopes: requested.scopes.filter((scope) => scope !== ADMIN_SCOPE) };
    const access = await this.accessTokens.issue({
      tenant: set.tenant,
      client: set.client,
      subject: set.user.id,
      scopes: set.scopes,
      lifetimeSeconds: set.lifetimeSeconds,
      audience: set.audience,
      familyId: set.familyId,
      sessionSid: set.sessionSid,
      jti: set.jti,
      dpopJkt: set.dpopJkt,
    });
    const response: TokenResponse = {
      access_token: access.token,
      token_type: set.dpopJkt ? 'DPoP' : 'Bearer',
      expires_in: access.expiresIn,
      scope: set.scopes.join(' '),
    };
    if (set.refreshToken) response.refresh_token = set.refreshToken;
    if (set.scopes.includes('openid')) {
      const idToken = await this.idTokens.issue({
        tenant: set.tenant,
        client: set.client,
        user: set.user,
        scopes: set.scopes,
        authTime: set.authTime,
        amr: set.amr,
        acr: set.acr,
        nonce: set.nonce,
        sid: set.sessionSid,
        accessToken: access.token,
      });
      response.id_token = idToken.token;
    }
    return response;
  }
}
