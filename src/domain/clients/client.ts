import type { TokenExchangePolicy } from './token-exchange-policy';

/**
 * How the token endpoint shapes a client's successful responses: `standard`
 * (RFC 6749 §5.1) or `seed001`, which adds `"status": "SUCCESS"` beside the
 * standard fields for clients written against seed 001.
 */
export const RESPONSE_STYLES = ['standard', 'seed001'] as const;
export type ResponseStyle = (typeof RESPONSE_STYLES)[number];

/** Immutable snapshot of a client, as cached for the token path. Never carries the secret digest. */
export interface Client {
  readonly id: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly name: string;
  readonly isPublic: boolean;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly allowedScopes: readonly string[];
  readonly firstParty: boolean;
  readonly accessTokenLifetime: number;
  readonly refreshTokenLifetime: number;
  readonly responseStyle: ResponseStyle;
  /** RFC 8693 token exchange allowance (used only with the token-exchange grant type). */
  readonly tokenExchange: TokenExchangePolicy;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request must carry a DPoP proof. */
  readonly dpopBoundAccessTokens: boolean;
  /** RFC 9126 §6 `require_pushed_authorization_requests`: `/authorize` takes only a request_uri from `/par`. */
  readonly requirePushedAuthorizationRequests: boolean;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
