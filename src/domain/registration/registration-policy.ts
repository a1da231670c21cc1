import { ADMIN_SCOPE } from '../actor';
import { ensure, errors } from '../errors';
import { validateScopeList } from '../scopes';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../clients/validate-client-settings';
import { CLIENT_SECRET_JWT_ALGORITHMS, PRIVATE_KEY_JWT_ALGORITHMS, type TokenEndpointAuthMethod } from '../clients/client';
import { DEVICE_CODE_GRANT_TYPE } from '../device-authorization/device-authorization';

/**
 * The grant types a client may register for itself (RFC 7591 §2 `grant_types`); `password` (RFC 9700 §2.4),
 * token exchange (RFC 8693: it needs an admin's allowance of whom a client may act for) and the seed grants never.
 */
export const REGISTRABLE_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT_TYPE] as const;

/**
 * RFC 7591 §2 `token_endpoint_auth_method` values a client may register, and what each makes of it:
 * a public client (`none`) or a confidential one, and the `token_endpoint_auth_signing_alg` values
 * its assertions may use (null: the method signs nothing). The one place the registrable methods are
 * listed; what each needs (a key set for `private_key_jwt`, no keys for a public client) is ClientService's rule.
 */
export const REGISTRABLE_AUTH_METHODS: Readonly<
  Record<TokenEndpointAuthMethod, { readonly isPublic: boolean; readonly signingAlgorithms: readonly string[] | null }>
> = Object.freeze({
  client_secret_basic: { isPublic: false, signingAlgorithms: null },
  client_secret_post: { isPublic: false, signingAlgorithms: null },
  client_secret_jwt: { isPublic: false, signingAlgorithms: CLIENT_SECRET_JWT_ALGORITHMS },
  private_key_jwt: { isPublic: false, signingAlgorithms: PRIVATE_KEY_JWT_ALGORITHMS },
  none: { isPublic: true, signingAlgorithms: null },
});

/** Whether `method` is one of {@link REGISTRABLE_AUTH_METHODS}. */
export const isRegistrableAuthMethod = (method: string): method is TokenEndpointAuthMethod =>
  Object.prototype.hasOwnProperty.call(REGISTRABLE_AUTH_METHODS, method);

/**
 * Which redirect URIs a registration may hold, on top of the general rules (validate-redirect-uri.ts)
 * and the application type's (a `web` client: https only):
 * - `any`: nothing more;
 * - `https`: https only, also for a native client;
 * - `https_or_loopback`: https, or http on a loopback host (RFC 8252 §7.3); no private-use scheme.
 */
const REDIRECT_URI_RULES = ['any', 'https', 'https_or_loopback'] as const;
type RedirectUriRule = (typeof REDIRECT_URI_RULES)[number];

/**
 * What a registration under an initial access token (or open registration) may ask for. A null
 * list allows everything registrable. Registered clients are never first-party (the user is asked
 * for consent) and never get the `admin` scope, whatever the policy says.
 */
export interface RegistrationPolicy {
  /** Grant types allowed, a subset of {@link REGISTRABLE_GRANT_TYPES}; null: all of them. */
  readonly grantTypes: readonly string[] | null;
  /**
   * `token_endpoint_auth_method` values allowed, a subset of {@link REGISTRABLE_AUTH_METHODS}; null (or absent,
   * in a policy stored before it existed): all of them.
   */
  readonly tokenEndpointAuthMethods?: readonly string[] | null;
  readonly redirectUriRule: RedirectUriRule;
  /** Host patterns redirect URIs must match (`app.example.com`, or `*.example.com` for its subdomains); null: any host. */
  readonly redirectHosts: readonly string[] | null;
  /** The scopes a registration may ask for (and gets when it asks for none); null: any but `admin`. */
  readonly scopes: readonly string[] | null;
  /** Caps on the registered client's token lifetimes, in seconds; null: the server defaults. */
  readonly maxAccessTokenLifetime: number | null;
  readonly maxRefreshTokenLifetime: number | null;
}

/**
 * The policy of a registration without an initial access token (open registration), in the spirit of
 * Keycloak's anonymous client registration policies: browser-facing clients only (authorization_code
 * and refresh_token; no client_credentials, whose tokens act without a user), redirect URIs on https
 * or a loopback host only, the end-user scopes but never `admin`, and the default token lifetimes.
 */
export const OPEN_REGISTRATION_POLICY: RegistrationPolicy = Object.freeze({
  grantTypes: Object.freeze(['authorization_code', 'refresh_token']),
  tokenEndpointAuthMethods: null,
  redirectUriRule: 'https_or_loopback',
  redirectHosts: null,
  scopes: Object.freeze(['openid', 'profile', 'email', 'phone', 'offline_access']),
  maxAccessTokenLifetime: null,
  maxRefreshTokenLifetime: null,
});

/** Scopes a registration gets when it asks for none and its policy names none. */
export const DEFAULT_REGISTERED_SCOPES: readonly string[] = Object.freeze(['openid', 'profile', 'email']);

const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export type RegistrationPolicyInput = { [K in keyof RegistrationPolicy]?: RegistrationPolicy[K] | null };

/** An admin's policy for an initial access token, validated (`validation_failed` naming the field). */
export function validateRegistrationPolicy(input: RegistrationPolicyInput): RegistrationPolicy {
  const grantTypes = input.grantTypes == null ? null : [...new Set(input.grantTypes)];
  for (const grant of grantTypes ?? []) {
    ensure((REGISTRABLE_GRANT_TYPES as readonly string[]).includes(grant), () =>
      errors.validation('grantTypes', `"${grant}" cannot be registered; use ${REGISTRABLE_GRANT_TYPES.join(', ')}`),
    );
  }
  ensure(grantTypes === null || grantTypes.length > 0, () => errors.validation('grantTypes', 'must not be empty'));
  const methods = input.tokenEndpointAuthMethods == null ? null : [...new Set(input.tokenEndpointAuthMethods)];
  for (const method of methods ?? []) {
    ensure(isRegistrableAuthMethod(method), () =>
      errors.validation('tokenEndpointAuthMethods', `"${method}" is not one of ${Object.keys(REGISTRABLE_AUTH_METHODS).join(', ')}`),
    );
  }
  ensure(methods === null || methods.length > 0, () => errors.validation('tokenEndpointAuthMethods', 'must not be empty'));
  const redirectUriRule = input.redirectUriRule ?? 'any';
  ensure(REDIRECT_URI_RULES.includes(redirectUriRule), () =>
    errors.validation('redirectUriRule', `must be one of ${REDIRECT_URI_RULES.join(', ')}`),
  );
  const redirectHosts = input.redirectHosts == null ? null : [...new Set(input.redirectHosts.map((host) => host.toLowerCase()))];
  for (const host of redirectHosts ?? []) {
    ensure(HOST_PATTERN.test(host) && host.length <= 253, () =>
      errors.validation('redirectHosts', `${JSON.stringify(host)} is not a host name or *.domain pattern`),
    );
  }
  const scopes = input.scopes == null ? null : validateScopeList([...input.scopes], 'scopes');
  ensure(!scopes?.includes(ADMIN_SCOPE), () => errors.validation('scopes', `"${ADMIN_SCOPE}" cannot be registered dynamically`));
  const lifetime = (field: 'maxAccessTokenLifetime' | 'maxRefreshTokenLifetime'): number | null => {
    const value = input[field];
    if (value == null) return null;
    ensure(Number.isInteger(value) && value >= 1 && value <= MAX_TOKEN_LIFETIME_SECONDS, () =>
      errors.validation(field, `must be an integer number of seconds between 1 and ${MAX_TOKEN_LIFETIME_SECONDS}`),
    );
    return value;
  };
  return Object.freeze({
    grantTypes: grantTypes && Object.freeze(grantTypes),
    tokenEndpointAuthMethods: methods && Object.freeze(methods),
    redirectUriRule,
    redirectHosts: redirectHosts && Object.freeze(redirectHosts),
    scopes: scopes && Object.freeze(scopes),
    maxAccessTokenLifetime: lifetime('maxAccessTokenLifetime'),
    maxRefreshTokenLifetime: lifetime('maxRefreshTokenLifetime'),
  });
}

/** Whether `host` (lower-case, as URL parsing gives it) matches a pattern: equal, or a subdomain of `*.domain`. */
export const hostMatches = (pattern: string, host: string): boolean =>
  pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern;
