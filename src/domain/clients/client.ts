import type { SecurityProfile } from '../profiles/security-profiles';
import type { TokenExchangePolicy } from './token-exchange-policy';

/**
 * How the token endpoint shapes a client's successful responses: `standard`
 * (RFC 6749 §5.1) or `seed001`, which adds `"status": "SUCCESS"` beside the
 * standard fields for clients written against seed 001.
 */
export const RESPONSE_STYLES = ['standard', 'seed001'] as const;
export type ResponseStyle = (typeof RESPONSE_STYLES)[number];

/**
 * How a client authenticates at the token, introspection and revocation endpoints (RFC 7591 §2
 * `token_endpoint_auth_method`, OIDC Core §9). A secret client (`client_secret_basic`, the
 * default for confidential clients, or `client_secret_post`) may present its secret either way;
 * `client_secret_jwt` and `private_key_jwt` clients authenticate only with an RFC 7523 assertion;
 * public clients with `none`.
 */
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** Signature algorithms of `private_key_jwt` assertions (asymmetric only). */
export const PRIVATE_KEY_JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
/** MAC algorithms of `client_secret_jwt` assertions. */
export const CLIENT_SECRET_JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

/** A JSON Web Key Set (RFC 7517 §5) of public keys only, as validated by validate-client-keys.ts. */
export interface ClientJwks {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

/** Immutable snapshot of a client, as cached for the token path. Never carries the secret digest. */
export interface Client {
  readonly id: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly name: string;
  readonly isPublic: boolean;
  readonly redirectUris: readonly string[];
  /** Where RP-initiated logout may return the browser (exact match); absent on clients built before it existed. */
  readonly postLogoutRedirectUris?: readonly string[];
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
  /** RFC 9101 `require_signed_request_object`: `/authorize` and `/par` take only a signed request object (`request`). */
  readonly requireSignedRequestObject: boolean;
  /** The client's own security profile; `NONE` defers to its tenant's (src/domain/profiles/security-profile.ts). */
  readonly securityProfile: SecurityProfile;
  readonly enabled: boolean;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Registered public keys for `private_key_jwt` (exclusive with `jwksUri`). */
  readonly jwks: ClientJwks | null;
  /** Where the client publishes its public keys (exclusive with `jwks`). */
  readonly jwksUri: string | null;
  /** OIDC Back-Channel Logout 1.0 §2.2 `backchannel_logout_uri`: where logout tokens are POSTed when a session it signed into ends. */
  readonly backchannelLogoutUri: string | null;
  /** `backchannel_logout_session_required`: the client wants the `sid` claim in its logout tokens. */
  readonly backchannelLogoutSessionRequired: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
