import { DEVICE_CODE_GRANT_TYPE } from '../device-authorization/device-authorization';
import { ACR_VALUES_SUPPORTED } from '../mfa/authentication-methods';
import { KNOWN_SCOPES } from '../scopes';
import { SIGNING_ALGORITHMS } from '../tenants/tenant';
import { DPOP_SIGNING_ALGORITHMS } from '../dpop/dpop-algorithms';
import { CLIENT_SECRET_JWT_ALGORITHMS, PRIVATE_KEY_JWT_ALGORITHMS } from '../clients/client';
import { REQUEST_OBJECT_SIGNING_ALGORITHMS } from '../authorize/request-object';
import { requirementsOf } from '../profiles/security-profile';
import type { SecurityProfile } from '../profiles/security-profiles';

/** What the running server really offers; discovery advertises nothing else. */
export interface ServerCapabilities {
  /** Public base URL, the `iss` of every token. */
  issuer: string;
  /** `grant_type` values registered with the token endpoint. */
  grantTypes: readonly string[];
  /** GET `/authorize` is mounted. */
  authorizationEndpoint: boolean;
  /** `/logout` (OIDC RP-Initiated Logout) is mounted. */
  endSessionEndpoint: boolean;
  /** OIDC Back-Channel Logout 1.0: ended sessions are reported to the back-channel logout sink (session-ended.ts). */
  backchannelLogout?: boolean;
  /** `/register` (RFC 7591 dynamic client registration) is mounted. */
  registrationEndpoint?: boolean;
  /** RFC 9126 §5: every client of this issuer must push its authorization requests (a tenant's setting). */
  requirePushedAuthorizationRequests?: boolean;
  /**
   * The security profile of the issuer's tenant: under FAPI2 only what its clients may use is
   * advertised (security-profile.ts): private_key_jwt with PS256, ES256 or EdDSA, PAR required,
   * its grant types, no RS256 anywhere.
   */
  securityProfile?: SecurityProfile;
}

/** Server metadata shared by OIDC Discovery 1.0 §3 and RFC 8414 §2. */
export type DiscoveryMetadata = Readonly<Record<string, string | boolean | readonly string[]>>;

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;
/** RFC 8414 §2: the algorithms client assertions (client_secret_jwt, private_key_jwt) may use; never `none`. */
const CLIENT_AUTH_SIGNING_ALGORITHMS = [...PRIVATE_KEY_JWT_ALGORITHMS, ...CLIENT_SECRET_JWT_ALGORITHMS];

/** End-user claims `/userinfo` and ID tokens can release (see claims-for-scopes.ts). */
const PROFILE_CLAIMS = [
  'preferred_username',
  'name',
  'given_name',
  'family_name',
  'email',
  'email_verified',
  'phone_number',
  'phone_number_verified',
  'username',
  'firstname',
  'lastname',
  'phone',
] as const;

/**
 * OpenID Provider metadata (OIDC Discovery 1.0 §3) that is also valid RFC 8414
 * §2 authorization server metadata. Pure: built only from `capabilities`, so a
 * field appears only when the feature behind it is wired up — the code flow
 * fields (`authorization_endpoint`, `response_types_supported: ["code"]`,
 * PKCE, RFC 9207 `iss`) only with `/authorize` and the `authorization_code`
 * grant, `userinfo_endpoint` only when some grant issues user tokens,
 * `end_session_endpoint` only with `/logout`, `device_authorization_endpoint`
 * (RFC 8628 §4) only with the device_code grant, RFC 9126 `/par` and the
 * `form_post` response mode only with the code flow, as are RFC 9101 request
 * objects (`request_parameter_supported` and the algorithms they may be signed
 * with). `request_uri_parameter_supported`, which OIDC Discovery defaults to
 * true, is set to `false` explicitly: only our own PAR URNs are accepted, no
 * request_uri is fetched.
 */
export function buildDiscoveryMetadata(capabilities: ServerCapabilities): DiscoveryMetadata {
  const base = capabilities.issuer.replace(/\/+$/, '');
  const url = (path: string): string => `${base}${path}`;
  const required = requirementsOf(capabilities.securityProfile ?? 'NONE');
  const narrow = <T extends string>(all: readonly T[], allowed: readonly string[] | null): T[] =>
    allowed ? all.filter((value) => allowed.includes(value)) : [...all];
  const grants = narrow(capabilities.grantTypes, required.grantTypes);
  const authMethods = narrow(CLIENT_AUTH_METHODS, required.tokenEndpointAuthMethods);
  const authAlgorithms = narrow(
    required.tokenEndpointAuthMethods ? PRIVATE_KEY_JWT_ALGORITHMS : CLIENT_AUTH_SIGNING_ALGORITHMS,
    required.jwsAlgorithms,
  );
  const codeFlow = capabilities.authorizationEndpoint && grants.includes('authorization_code');
  // RFC 8628 §4: the device authorization endpoint is in the route table wherever its grant is registered.
  const deviceFlow = grants.includes(DEVICE_CODE_GRANT_TYPE);
  const userTokens = codeFlow || deviceFlow || grants.includes('password');
  return Object.freeze({
    issuer: capabilities.issuer,
    ...(codeFlow ? { authorization_endpoint: url('/authorize') } : {}),
    token_endpoint: url('/token'),
    jwks_uri: url('/.well-known/jwks.json'),
    ...(userTokens ? { userinfo_endpoint: url('/userinfo') } : {}),
    introspection_endpoint: url('/introspect'),
    revocation_endpoint: url('/revoke'),
    ...(capabilities.registrationEndpoint ? { registration_endpoint: url('/register') } : {}),
    ...(capabilities.endSessionEndpoint ? { end_session_endpoint: url('/logout') } : {}),
    // OIDC Back-Channel Logout 1.0 §2.1: logout tokens to clients' backchannel_logout_uri, always with sid (sessions come from the code flow).
    ...(codeFlow && capabilities.backchannelLogout
      ? { backchannel_logout_supported: true, backchannel_logout_session_supported: true }
      : {}),
    ...(deviceFlow ? { device_authorization_endpoint: url('/device_authorization') } : {}),
    scopes_supported: [...KNOWN_SCOPES],
    response_types_supported: codeFlow ? ['code'] : [],
    ...(codeFlow ? { response_modes_supported: ['query', 'form_post'], code_challenge_methods_supported: ['S256'] } : {}),
    grant_types_supported: [...grants],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: narrow(SIGNING_ALGORITHMS, required.signingAlgorithms),
    token_endpoint_auth_methods_supported: authMethods,
    token_endpoint_auth_signing_alg_values_supported: authAlgorithms,
    introspection_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_signing_alg_values_supported: authAlgorithms,
    revocation_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_signing_alg_values_supported: authAlgorithms,
    claims_supported: [
      ...['sub', 'iss', 'aud', 'exp', 'iat', ...(userTokens ? ['auth_time', 'nonce'] : []), ...PROFILE_CLAIMS],
      ...(codeFlow ? ['amr', 'acr'] : []),
    ],
    // OIDC Discovery: the classes `acr_values` may ask for at /authorize (the MFA one forces a second factor).
    ...(codeFlow ? { acr_values_supported: [...ACR_VALUES_SUPPORTED] } : {}),
    claims_parameter_supported: false,
    // RFC 9101: signed request objects by value at /authorize and /par, with the client's registered keys.
    request_parameter_supported: codeFlow,
    ...(codeFlow ? { request_object_signing_alg_values_supported: [...REQUEST_OBJECT_SIGNING_ALGORITHMS] } : {}),
    request_uri_parameter_supported: false,
    ...(codeFlow ? { authorization_response_iss_parameter_supported: true } : {}),
    // RFC 9449 §5.1: DPoP proofs at the token endpoint, userinfo and the admin API, with these algorithms.
    dpop_signing_alg_values_supported: narrow(DPOP_SIGNING_ALGORITHMS, required.jwsAlgorithms),
    ...(codeFlow
      ? {
          pushed_authorization_request_endpoint: url('/par'),
          require_pushed_authorization_requests:
            (capabilities.requirePushedAuthorizationRequests ?? false) || required.pushedAuthorizationRequests,
        }
      : {}),
  });
}
