import type { Client } from '../clients/client';

/**
 * Whether a user grant also gets a refresh token. Only clients allowed the
 * `refresh_token` grant get one (anything else could never be redeemed). For
 * OpenID Connect requests (`openid` granted) the user must also have granted
 * `offline_access` (OIDC Core §11); plain OAuth requests such as seed 001's
 * get one whenever the client is configured for it.
 */
export function shouldIssueRefreshToken(client: Client, scopes: readonly string[]): boolean {
  if (!client.grantTypes.includes('refresh_token')) return false;
  return scopes.includes('offline_access') || !scopes.includes('openid');
}
