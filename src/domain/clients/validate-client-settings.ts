import { defaults } from '../../config/defaults';
import { ensure, errors } from '../errors';
import { validateScopeList } from '../scopes';
import type { GrantCatalogue } from '../grants/grant-registry';
import { RESPONSE_STYLES, TOKEN_ENDPOINT_AUTH_METHODS, type ClientJwks, type ResponseStyle, type TokenEndpointAuthMethod } from './client';
import { validateJwks, validateJwksUri } from './validate-client-keys';
import { validateSecurityProfile } from '../profiles/security-profile';
import type { SecurityProfile } from '../profiles/security-profiles';
import { validateRedirectUri } from './validate-redirect-uri';
import { validateTokenExchangePolicy, type TokenExchangeInput, type TokenExchangePolicy } from './token-exchange-policy';

export interface ClientSettings {
  redirectUris: string[];
  /** OIDC RP-Initiated Logout 1.0 `post_logout_redirect_uris`: checked like redirect URIs, matched exactly. */
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  allowedScopes: string[];
  firstParty: boolean;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  responseStyle: ResponseStyle;
  tokenExchange: TokenExchangePolicy;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: token requests without a DPoP proof are refused. */
  dpopBoundAccessTokens: boolean;
  /** RFC 9126 §6: authorization requests only through `/par`. */
  requirePushedAuthorizationRequests: boolean;
  /** RFC 9101: authorization requests only as signed request objects (needs `jwks` or `jwksUri`). */
  requireSignedRequestObject: boolean;
  /** The client's own security profile; `NONE` defers to its tenant's (src/domain/profiles/security-profile.ts). */
  securityProfile: SecurityProfile;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  jwks: ClientJwks | null;
  jwksUri: string | null;
  /** OIDC Back-Channel Logout 1.0 `backchannel_logout_uri` (the outbound policy is applied by ClientService). */
  backchannelLogoutUri: string | null;
  /** `backchannel_logout_session_required`: logout tokens must carry `sid`. */
  backchannelLogoutSessionRequired: boolean;
}

/**
 * Settings as a caller supplies them: any may be absent or null (then its default);
 * `jwks` may be JSON text; `tokenExchange` flags may be absent likewise.
 */
export type ClientSettingsInput = Partial<{ [K in Exclude<keyof ClientSettings, 'jwks' | 'tokenExchange'>]: ClientSettings[K] | null }> & {
  jwks?: ClientJwks | string | null;
  tokenExchange?: TokenExchangeInput | null;
};

/** The longest access or refresh token lifetime a client may be given (10 years); the revocation state's retention falls back to it. */
export const MAX_TOKEN_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

/**
 * Validates client settings, filling defaults; pure, so unit-testable without
 * a database. Grant types are those of the registry (`grants`), and a public
 * client may have only those its declaration allows public clients.
 * Redirect URIs in `input` are checked by {@link validateRedirectUri} (field
 * `redirectUris[i]`); an update that sets none passes the stored list as
 * `storedRedirectUris`, kept as it is, so a URI stored before the current
 * rules (which never matches a request) does not block e.g. disabling the client.
 */
export function validateClientSettings(
  input: ClientSettingsInput,
  isPublic: boolean,
  grants: GrantCatalogue,
  storedRedirectUris?: readonly string[],
): ClientSettings {
  const grantTypes = [...new Set(input.grantTypes ?? (isPublic ? ['authorization_code', 'refresh_token'] : ['client_credentials']))];
  for (const grant of grantTypes) {
    const declaration = grants.declaration(grant);
    ensure(declaration, () => errors.validation('grantTypes', `"${grant}" is not one of ${grants.grantTypes.join(', ')}`));
    ensure(!isPublic || declaration.publicClients, () => errors.validation('grantTypes', `public clients cannot use ${grant}`));
  }
  ensure(grantTypes.length > 0, () => errors.validation('grantTypes', 'must not be empty'));
  const redirectUris =
    input.redirectUris == null && storedRedirectUris
      ? [...storedRedirectUris]
      : [...new Set((input.redirectUris ?? []).map((uri, i) => validateRedirectUri(uri, `redirectUris[${i}]`)))];
  ensure(!grantTypes.includes('authorization_code') || redirectUris.length > 0, () =>
    errors.validation('redirectUris', 'authorization_code clients need at least one redirect URI'),
  );
  const lifetime = (field: 'accessTokenLifetime' | 'refreshTokenLifetime', fallback: number): number => {
    const value = input[field] ?? fallback;
    ensure(Number.isInteger(value) && value >= 1 && value <= MAX_TOKEN_LIFETIME_SECONDS, () =>
      errors.validation(field, `must be an integer number of seconds between 1 and ${MAX_TOKEN_LIFETIME_SECONDS}`),
    );
    return value;
  };
  const responseStyle = input.responseStyle ?? 'standard';
  ensure(RESPONSE_STYLES.includes(responseStyle), () => errors.validation('responseStyle', `must be one of ${RESPONSE_STYLES.join(', ')}`));
  const method = input.tokenEndpointAuthMethod ?? (isPublic ? 'none' : 'client_secret_basic');
  ensure(TOKEN_ENDPOINT_AUTH_METHODS.includes(method), () =>
    errors.validation('tokenEndpointAuthMethod', `must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`),
  );
  ensure(isPublic === (method === 'none'), () =>
    errors.validation(
      'tokenEndpointAuthMethod',
      isPublic ? 'public clients authenticate with none' : 'confidential clients cannot use none',
    ),
  );
  const jwks = input.jwks == null || input.jwks === '' ? null : validateJwks(input.jwks, 'jwks');
  const jwksUri = input.jwksUri == null || input.jwksUri === '' ? null : validateJwksUri(input.jwksUri, 'jwksUri');
  ensure(!(jwks && jwksUri), () => errors.validation('jwksUri', 'give either jwks or jwksUri, not both'));
  ensure(!isPublic || (!jwks && !jwksUri), () => errors.validation('jwks', 'public clients have no keys'));
  ensure(method !== 'private_key_jwt' || jwks || jwksUri, () => errors.validation('jwks', 'private_key_jwt needs jwks or jwksUri'));
  const requireSignedRequestObject = input.requireSignedRequestObject ?? false;
  ensure(!requireSignedRequestObject || jwks || jwksUri, () =>
    errors.validation('requireSignedRequestObject', 'signed request objects need jwks or jwksUri to verify them with'),
  );
  // Same URL shape as jwks_uri (absolute, no credentials, no fragment: Back-Channel Logout 1.0 §2.2); an empty string removes it.
  const backchannelLogoutUri =
    input.backchannelLogoutUri == null || input.backchannelLogoutUri === ''
      ? null
      : validateJwksUri(input.backchannelLogoutUri, 'backchannelLogoutUri');
  const postLogoutRedirectUris = [
    ...new Set((input.postLogoutRedirectUris ?? []).map((uri, i) => validateRedirectUri(uri, `postLogoutRedirectUris[${i}]`))),
  ];
  return {
    redirectUris,
    postLogoutRedirectUris,
    grantTypes,
    allowedScopes: validateScopeList(input.allowedScopes ?? [], 'allowedScopes'),
    firstParty: input.firstParty ?? false,
    accessTokenLifetime: lifetime('accessTokenLifetime', defaults.accessTokenLifetimeSeconds),
    refreshTokenLifetime: lifetime('refreshTokenLifetime', defaults.refreshTokenLifetimeSeconds),
    responseStyle,
    tokenExchange: validateTokenExchangePolicy(input.tokenExchange, grantTypes),
    dpopBoundAccessTokens: input.dpopBoundAccessTokens ?? false,
    requirePushedAuthorizationRequests: input.requirePushedAuthorizationRequests ?? false,
    requireSignedRequestObject,
    securityProfile: validateSecurityProfile(input.securityProfile ?? 'NONE'),
    tokenEndpointAuthMethod: method,
    jwks,
    jwksUri,
    backchannelLogoutUri,
    backchannelLogoutSessionRequired: input.backchannelLogoutSessionRequired ?? false,
  };
}
