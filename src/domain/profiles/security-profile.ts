import type { TokenEndpointAuthMethod } from '../clients/client';
import { isServerMadeClientId } from '../clients/validate-client-id';
import { ensure, errors } from '../errors';
import type { SigningAlgorithm } from '../keys/signing-algorithm';
import { SECURITY_PROFILES, type SecurityProfile } from './security-profiles';

/*
 * The one owner of what a security profile means. `FAPI2` is the FAPI 2.0 Security Profile
 * (OpenID Foundation, final, February 2025) with DPoP as the sender-constraining method and
 * `private_key_jwt` as the client authentication method (this server has no mutual TLS).
 * Section numbers below are the profile's.
 */

/**
 * What a profile requires, read by every enforcement point (client and tenant settings,
 * `/par`, `/authorize`, the token endpoint, client assertions, the refresh grant, discovery).
 * `null` lists mean "whatever the server supports".
 */
export interface ProfileRequirements {
  readonly profile: SecurityProfile;
  /** §5.3.2.1 item 3: public clients refused. */
  readonly confidentialClientsOnly: boolean;
  /** §5.3.2.1 item 6: the only client authentication methods (at every endpoint that authenticates clients). */
  readonly tokenEndpointAuthMethods: readonly TokenEndpointAuthMethod[] | null;
  /** §5.3.2.1 item 2 and Note 3: the grant types a client may hold and use. */
  readonly grantTypes: readonly string[] | null;
  /** §5.4.1: JWS algorithms of client assertions and DPoP proofs (PS256, ES256, EdDSA). */
  readonly jwsAlgorithms: readonly string[] | null;
  /** §5.4.1: the tenant's own signing algorithm (ID tokens, access tokens) must be one of these. */
  readonly signingAlgorithms: readonly SigningAlgorithm[] | null;
  /** §5.3.2.2 items 2-3: authorization requests only through `/par` (RFC 9126). */
  readonly pushedAuthorizationRequests: boolean;
  /** §5.3.2.2 item 5: PKCE with S256 for every client, confidential ones too. */
  readonly pkce: boolean;
  /** §5.3.2.2 item 6: `redirect_uri` is required in the pushed request. */
  readonly redirectUriInPush: boolean;
  /** §5.3.2.1 items 4-5: every token request carries a DPoP proof, so every access token is bound (RFC 9449). */
  readonly dpop: boolean;
  /** §5.3.2.1 item 10, Note 2: refresh tokens are not rotated (a refresh keeps the same refresh token). */
  readonly rotateRefreshTokens: boolean;
  /** §5.3.2.1 item 14: how far a DPoP proof's `iat` may lie in the future (the server's own window otherwise). */
  readonly jwtMaxFutureSeconds: number | undefined;
}

const NONE: ProfileRequirements = Object.freeze({
  profile: 'NONE',
  confidentialClientsOnly: false,
  tokenEndpointAuthMethods: null,
  grantTypes: null,
  jwsAlgorithms: null,
  signingAlgorithms: null,
  pushedAuthorizationRequests: false,
  pkce: false,
  redirectUriInPush: false,
  dpop: false,
  rotateRefreshTokens: true,
  jwtMaxFutureSeconds: undefined,
});

/** FAPI 2.0 §5.4.1: PS256, ES256 or EdDSA (Ed25519); jose also names the last one `Ed25519`. */
const FAPI2_JWS_ALGORITHMS = Object.freeze(['PS256', 'ES256', 'EdDSA', 'Ed25519']);

const FAPI2: ProfileRequirements = Object.freeze({
  profile: 'FAPI2',
  confidentialClientsOnly: true,
  tokenEndpointAuthMethods: Object.freeze(['private_key_jwt'] as const),
  // The code flow with its refresh, and client_credentials (Note 3 allows other grants under the general rules);
  // never password (item 2), nor the device or token exchange grants, whose tokens the profile does not cover.
  grantTypes: Object.freeze(['authorization_code', 'refresh_token', 'client_credentials']),
  jwsAlgorithms: FAPI2_JWS_ALGORITHMS,
  signingAlgorithms: Object.freeze(['ES256', 'EdDSA'] as const),
  pushedAuthorizationRequests: true,
  pkce: true,
  redirectUriInPush: true,
  dpop: true,
  rotateRefreshTokens: false,
  jwtMaxFutureSeconds: 60,
});

/** The requirements of a profile. */
export const requirementsOf = (profile: SecurityProfile): ProfileRequirements => (profile === 'FAPI2' ? FAPI2 : NONE);

/**
 * The profile `client` is held to: its own when it names one, else its tenant's. The clients
 * the server makes itself (the console's and the account page's, `console`, `console.*`,
 * `account.*`) keep the server's ordinary rules whatever their tenant says: they are public
 * browser clients with plain authorization requests, and a tenant must stay administrable.
 */
export function effectiveSecurityProfile(
  tenant: { readonly securityProfile: SecurityProfile },
  client: { readonly clientId: string; readonly securityProfile: SecurityProfile },
): SecurityProfile {
  if (client.securityProfile !== 'NONE') return client.securityProfile;
  return isServerMadeClientId(client.clientId) ? 'NONE' : tenant.securityProfile;
}

/** The requirements `client` is held to in `tenant` ({@link effectiveSecurityProfile}). */
export const profileRequirements = (
  tenant: { readonly securityProfile: SecurityProfile },
  client: { readonly clientId: string; readonly securityProfile: SecurityProfile },
): ProfileRequirements => requirementsOf(effectiveSecurityProfile(tenant, client));

/** A `securityProfile` input value: one of {@link SECURITY_PROFILES}. */
export function validateSecurityProfile(value: string, field = 'securityProfile'): SecurityProfile {
  ensure((SECURITY_PROFILES as readonly string[]).includes(value), () =>
    errors.validation(field, `must be one of ${SECURITY_PROFILES.join(', ')}`),
  );
  return value as SecurityProfile;
}

/**
 * A tenant's settings under its profile: a FAPI2 tenant signs with ES256 or EdDSA, never RS256
 * (§5.4.1). `changed` names the field the caller set, so the error points at it: setting the
 * profile on an RS256 tenant is a `securityProfile` error, switching a FAPI2 tenant to RS256 a
 * `signingAlgorithm` one.
 */
export function ensureTenantConforms(
  settings: { readonly path: string; readonly securityProfile: SecurityProfile; readonly signingAlgorithm: SigningAlgorithm },
  changed: 'securityProfile' | 'signingAlgorithm',
): void {
  // The root tenant holds the bootstrap admin client (client_secret_basic): a profile it cannot meet would lock the admin API out.
  ensure(settings.path !== '/' || settings.securityProfile === 'NONE', () =>
    errors.validation(
      'securityProfile',
      'the root tenant keeps the NONE profile (its admin client authenticates with a secret); set FAPI2 on a child tenant',
    ),
  );
  const allowed = requirementsOf(settings.securityProfile).signingAlgorithms;
  ensure(!allowed || allowed.includes(settings.signingAlgorithm), () =>
    errors.validation(
      changed,
      changed === 'securityProfile'
        ? `${settings.securityProfile} needs a tenant signing algorithm of ${allowed!.join(' or ')}, not ${settings.signingAlgorithm}`
        : `a ${settings.securityProfile} tenant signs with ${allowed!.join(' or ')}`,
    ),
  );
}

/**
 * A tenant's new signing algorithm against the profiles its clients name themselves: a tenant
 * whose clients include a FAPI2 one cannot move to RS256 either (`signingAlgorithm` error).
 */
export async function ensureAlgorithmServesClients(
  signingAlgorithm: SigningAlgorithm,
  holdsClientsOf: (profile: SecurityProfile) => Promise<boolean>,
): Promise<void> {
  for (const profile of SECURITY_PROFILES) {
    const allowed = requirementsOf(profile).signingAlgorithms;
    if (!allowed || allowed.includes(signingAlgorithm)) continue;
    ensure(!(await holdsClientsOf(profile)), () =>
      errors.validation('signingAlgorithm', `clients of this tenant are held to ${profile}, which needs ${allowed.join(' or ')}`),
    );
  }
}

/** The client settings a profile constrains. */
export interface ProfiledClientSettings {
  readonly clientId: string;
  readonly isPublic: boolean;
  readonly securityProfile: SecurityProfile;
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly grantTypes: readonly string[];
}

/**
 * A client's settings under the profile it is held to in `tenant` (its own or its tenant's):
 * a FAPI2 client is confidential, authenticates with `private_key_jwt`, holds only the profile's
 * grant types, and lives in a tenant whose signing algorithm the profile allows. Each failure is
 * a validation error naming its field. Clients that were saved before their tenant became FAPI2
 * are refused at the endpoints instead (see the checks that read {@link profileRequirements}).
 */
export function ensureClientConforms(
  tenant: { readonly securityProfile: SecurityProfile; readonly signingAlgorithm: SigningAlgorithm },
  client: ProfiledClientSettings,
): void {
  const own = client.securityProfile !== 'NONE';
  const required = profileRequirements(tenant, client);
  if (required.profile === 'NONE') return;
  const why = own ? `a ${required.profile} client` : `a client of a ${required.profile} tenant`;
  ensure(!required.confidentialClientsOnly || !client.isPublic, () =>
    errors.validation(own ? 'securityProfile' : 'isPublic', `${why} must be confidential`),
  );
  const methods = required.tokenEndpointAuthMethods;
  ensure(!methods || methods.includes(client.tokenEndpointAuthMethod), () =>
    errors.validation('tokenEndpointAuthMethod', `${why} authenticates with ${methods!.join(', ')}`),
  );
  const grants = required.grantTypes;
  const refused = grants ? client.grantTypes.filter((grant) => !grants.includes(grant)) : [];
  ensure(refused.length === 0, () => errors.validation('grantTypes', `${why} may not use ${refused.join(', ')}`));
  const algorithms = required.signingAlgorithms;
  ensure(!algorithms || algorithms.includes(tenant.signingAlgorithm), () =>
    errors.validation(
      'securityProfile',
      `${required.profile} needs a tenant signing algorithm of ${algorithms!.join(' or ')}; the tenant signs with ${tenant.signingAlgorithm}`,
    ),
  );
}

/**
 * Client authentication under a profile, at every endpoint that authenticates clients (token,
 * `/par`, introspection, revocation): a public client, or one presenting a method the profile
 * does not allow, is `invalid_client` (§5.3.2.1 items 3 and 6). This is what refuses a client
 * whose settings predate its tenant's profile.
 */
export function ensureAuthenticationAllowed(required: ProfileRequirements, isPublic: boolean, method: string): void {
  ensure(!(required.confidentialClientsOnly && isPublic), () =>
    errors.invalidClient(`public clients are not allowed under the ${required.profile} security profile`),
  );
  const methods = required.tokenEndpointAuthMethods;
  ensure(!methods || (methods as readonly string[]).includes(method), () =>
    errors.invalidClient(`under the ${required.profile} security profile clients authenticate with ${methods!.join(', ')}`),
  );
}

/** Whether a JWS algorithm (of a client assertion or a DPoP proof) is allowed under a profile (§5.4.1). */
export const allowsJwsAlgorithm = (required: ProfileRequirements, alg: string): boolean =>
  !required.jwsAlgorithms || required.jwsAlgorithms.includes(alg);

/**
 * The grant types a client may use under a profile: `unauthorized_client` for one outside it
 * (the password grant under FAPI2, §5.3.2.1 item 2), whatever the client's stored settings say.
 */
export function ensureGrantAllowed(required: ProfileRequirements, grantType: string): void {
  const grants = required.grantTypes;
  ensure(!grants || grants.includes(grantType), () =>
    errors.unauthorizedClient(`grant_type ${grantType} is not allowed under the ${required.profile} security profile`),
  );
}
