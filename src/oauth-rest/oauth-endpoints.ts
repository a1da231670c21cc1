import type { Domain } from '../composition/create-domain';
import type { OAuthEndpoint } from './endpoint-types';
import { batchRevocationEndpoint } from './batch-revocation.endpoint';
import { deviceAuthorizationEndpoints } from './device-authorization.endpoint';
import { deviceRefreshEndpoint } from './device-refresh.endpoint';
import { discoveryEndpoint, type MountedFeatures } from './discovery.endpoint';
import { introspectEndpoint } from './introspect.endpoint';
import { jwksEndpoint } from './jwks.endpoint';
import { rootRegistrationEndpoints, tenantRegistrationEndpoints } from './registration.endpoint';
import { parEndpoint } from './par.endpoint';
import { revokeEndpoint } from './revoke.endpoint';
import { tenantIssuerEndpoints } from './tenant-issuer.endpoints';
import { tokenEndpoint } from './token.endpoint';
import { userinfoEndpoint } from './userinfo.endpoint';
import { apiEndpoint } from './compat/api.endpoint';
import { clientLoginEndpoint } from './compat/client-login.endpoint';
import { registerClientEndpoint } from './compat/register-client.endpoint';
import { registerUserEndpoint } from './compat/register-user.endpoint';
import { tokenRevokeEndpoint } from './compat/token-revoke.endpoint';

/**
 * The OAuth endpoints as plain functions of a parsed request, served by both
 * HTTP adapters (the node:http fast path and Express) through the route table
 * in `routes.ts`, so both answer alike. Each endpoint lives in its own
 * `*.endpoint.ts` file; the shared request/response types and headers are in
 * `endpoint-types.ts`, which imports nothing from this folder.
 */
export function oauthEndpoints(domain: Domain, features: MountedFeatures) {
  const deviceRefresh = deviceRefreshEndpoint(domain);
  const rootRegistration = rootRegistrationEndpoints(domain);
  const tenantRegistration = tenantRegistrationEndpoints(domain);
  return {
    /** POST `/token` and `/connect/token` (RFC 6749 §3.2, seed 003); without `grant_type` but with `device_id`, a seed 002 device refresh. */
    token: tokenEndpoint(domain, deviceRefresh),

    /** GET `/token` and `/tokens` (query string), POST `/tokens` (form): seed 002 device refresh. */
    deviceRefresh,

    /** POST `/api/v2/identity/token/batch-revocation` (seed 003); failures answer ServerPluginError (see the route table). */
    batchRevocation: batchRevocationEndpoint(domain),

    /** POST `/introspect` (RFC 7662 §2). */
    introspect: introspectEndpoint(domain),

    /** POST `/revoke` and `/connect/revocation` (RFC 7009 §2, seed 003): 200 with an empty body. */
    revoke: revokeEndpoint(domain),

    /** POST `/par` (RFC 9126 §2): pushed authorization requests, 201 `{ request_uri, expires_in }`. */
    par: parEndpoint(domain),

    /** GET and POST `/userinfo` (OIDC Core §5.3); errors per RFC 6750 §3. */
    userinfo: userinfoEndpoint(domain),

    /** GET `/.well-known/jwks.json` (RFC 7517 §5). */
    jwks: jwksEndpoint(domain),

    /** GET `/.well-known/openid-configuration` (OIDC Discovery 1.0 §4) and `/.well-known/oauth-authorization-server` (RFC 8414 §3). */
    discovery: discoveryEndpoint(domain, features),

    /** POST `/register`: dynamic client registration (RFC 7591 §3.1) at the root issuer. */
    register: rootRegistration.register,

    /** GET, PUT and DELETE `/register/{client_id}`: client configuration (RFC 7592 §2) at the root issuer. */
    registration: rootRegistration.registration,

    /** The same two at every tenant issuer (`/t/:issuer/register`, `/t/:issuer/register/:client_id`). */
    tenantRegister: tenantRegistration.register,
    tenantRegistration: tenantRegistration.registration,

    /** Seed 000 POST `/client/login`: a client_credentials grant answered as `{"access_token": …}`. */
    clientLogin: clientLoginEndpoint(domain),

    /** Seed 000 POST `/token/revoke`: revokes the token in the `Accesstoken` header. */
    tokenRevoke: tokenRevokeEndpoint(domain),

    /** Seed 001 POST `/register_client` (admin bearer). */
    registerClient: registerClientEndpoint(domain),

    /** Seed 001 POST `/register_user` (admin bearer, or throttled self sign-up). */
    registerUser: registerUserEndpoint(domain),

    /** Seed 001 GET and POST `/api`: the claims the bearer token's scopes allow. */
    api: apiEndpoint(domain),

    /** POST `/device_authorization` and `{I}/device_authorization` (RFC 8628 §3.1): `deviceAuthorization`, `tenantDeviceAuthorization`. */
    ...deviceAuthorizationEndpoints(domain),

    /** Every tenant issuer's own token, introspection, revocation, userinfo, JWKS and discovery (`/t/:issuer/…`). */
    ...tenantIssuerEndpoints(domain, features),
  } satisfies Record<string, OAuthEndpoint>;
}

export type OAuthEndpoints = ReturnType<typeof oauthEndpoints>;
