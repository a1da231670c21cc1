import { ensure, errors } from '../errors';
import { isWithinTenant } from '../tenants/tenant-path';

/** The RFC 8693 `grant_type` value of token exchange. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * What a tenant admin allows a client to do with RFC 8693 token exchange, besides listing the
 * grant type in `grantTypes`:
 *
 * - `impersonation`: exchange a user's access token for one that is simply that user's
 *   (same `sub`, no new `act` claim), e.g. for another API of the tenant;
 * - `delegation`: exchange a user's access token together with an actor token for one that
 *   says who acts for the user (`act: { sub, client_id }`, RFC 8693 §4.1);
 * - `subtree`: accept tokens of the client's tenant's descendants too (otherwise only of the
 *   client's own tenant). Tokens of any other tenant are always refused.
 */
export interface TokenExchangePolicy {
  readonly impersonation: boolean;
  readonly delegation: boolean;
  readonly subtree: boolean;
}

/** The allowance as an admin sets it: absent or null flags are false; the object replaces the stored one whole. */
export type TokenExchangeInput = { readonly [K in keyof TokenExchangePolicy]?: boolean | null };

/** A client that may not exchange tokens (every client's default). */
export const NO_TOKEN_EXCHANGE: TokenExchangePolicy = Object.freeze({ impersonation: false, delegation: false, subtree: false });

/** How one exchange request is served: as impersonation (no actor token) or delegation (with one). */
export type TokenExchangeMode = 'impersonation' | 'delegation';

/**
 * Validates a client's token exchange allowance against its grant types (admin input): the grant
 * type needs impersonation, delegation or both allowed, and an allowance needs the grant type,
 * so the two settings never disagree. Field `tokenExchange`.
 */
export function validateTokenExchangePolicy(
  input: TokenExchangeInput | null | undefined,
  grantTypes: readonly string[],
): TokenExchangePolicy {
  const policy: TokenExchangePolicy = {
    impersonation: input?.impersonation ?? false,
    delegation: input?.delegation ?? false,
    subtree: input?.subtree ?? false,
  };
  const allowsAny = policy.impersonation || policy.delegation;
  if (grantTypes.includes(TOKEN_EXCHANGE_GRANT_TYPE)) {
    ensure(allowsAny, () =>
      errors.validation('tokenExchange', `grant type ${TOKEN_EXCHANGE_GRANT_TYPE} needs impersonation, delegation or both allowed`),
    );
  } else {
    ensure(!allowsAny && !policy.subtree, () =>
      errors.validation('tokenExchange', `token exchange is allowed only with grant type ${TOKEN_EXCHANGE_GRANT_TYPE}`),
    );
  }
  return Object.freeze(policy);
}

/**
 * The mode an exchange request asks for, if the client's policy allows it: with an actor token it
 * is delegation, without one impersonation. A request the policy does not allow is refused with
 * `invalid_request` (RFC 8693 §2.2.2: a token unacceptable by policy), naming what is missing.
 */
export function chooseTokenExchangeMode(policy: TokenExchangePolicy, hasActorToken: boolean): TokenExchangeMode {
  if (hasActorToken) {
    ensure(policy.delegation, () => errors.invalidRequest('this client may not use delegation: send no actor_token', 'actor_token'));
    return 'delegation';
  }
  ensure(policy.impersonation, () => errors.invalidRequest('actor_token is required: this client may use delegation only', 'actor_token'));
  return 'impersonation';
}

/**
 * Whether a token of the tenant at `tokenTenantPath` may be exchanged by a client of the tenant
 * at `clientTenantPath`: the same tenant, or (with `subtree`) one of its descendants.
 */
export function mayExchangeTokenOf(policy: TokenExchangePolicy, clientTenantPath: string, tokenTenantPath: string): boolean {
  if (tokenTenantPath === clientTenantPath) return true;
  return policy.subtree && isWithinTenant(tokenTenantPath, clientTenantPath);
}
