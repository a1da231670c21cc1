import { BATCH_REVOCATION_PATH } from './batch-revocation.endpoint';
import type { BodyKind } from './read-body';
import type { OAuthEndpoint } from './endpoint-types';
import type { OAuthEndpoints } from './oauth-endpoints';

/** One row of the route table: served alike by the node:http fast path and by Express. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body: BodyKind;
  readonly endpoint: OAuthEndpoint;
  /** How failures are answered: RFC 6749 §5.2 JSON (default), seed 001's `{"status": "FAILED", …}` shape, or seed 003's ServerPluginError. */
  readonly errors?: 'oauth' | 'seed001' | 'seed003';
}

/**
 * The issuer segment in a route path: a row whose path holds it is served for
 * every tenant issuer (`/t/:issuer/token` answers at `{ISSUER}/t/acme.eu/token`),
 * and its endpoint gets the segment as `issuerSegment` (tenant-issuer.ts).
 */
export const ISSUER_PARAM = ':issuer';

/**
 * The trailing path parameter of a route (`/register/:client_id`): a row whose path ends in
 * `/{PATH_PARAM}` matches any one last segment there, handed to its endpoint as `pathParam`.
 */
export const PATH_PARAM = ':client_id';

/** Where a tenant issuer's endpoints live below `ISSUER`: `{ISSUER}/t/{segment}` (see tenant-issuer.ts). */
const TENANT_ISSUER_ROUTE_PREFIX = `/t/${ISSUER_PARAM}`;

/** Seed 000's documented base URL ends in `/oauth`: its paths are served with and without that prefix. */
const SEED000_PREFIXES = ['', '/oauth'] as const;

/**
 * The route table of the OAuth (and seed) endpoints: method, path, body kind,
 * endpoint function. Adding an endpoint is one line here (and its `*.endpoint.ts`
 * file, listed in oauth-endpoints.ts); both HTTP adapters read this table, with one body
 * reader (read-body.ts) and one wrapper for request id, access log and
 * metrics (serve-route.ts). The hosted pages, GraphQL and ops endpoints are
 * Express routers of their own.
 */
export function routeTable(e: OAuthEndpoints): readonly Route[] {
  return [
    // POST /token without grant_type but with device_id is a seed 002 device refresh (e.token dispatches).
    { method: 'POST', path: '/token', body: 'form', endpoint: e.token },
    { method: 'GET', path: '/token', body: 'query', endpoint: e.deviceRefresh },
    { method: 'GET', path: '/tokens', body: 'query', endpoint: e.deviceRefresh },
    { method: 'POST', path: '/tokens', body: 'form', endpoint: e.deviceRefresh },
    { method: 'POST', path: '/connect/token', body: 'form', endpoint: e.token },
    { method: 'POST', path: '/introspect', body: 'form', endpoint: e.introspect },
    { method: 'POST', path: '/revoke', body: 'form', endpoint: e.revoke },
    { method: 'POST', path: '/par', body: 'form', endpoint: e.par },
    { method: 'POST', path: '/connect/revocation', body: 'form', endpoint: e.revoke },
    { method: 'POST', path: '/device_authorization', body: 'form', endpoint: e.deviceAuthorization },
    { method: 'GET', path: '/userinfo', body: 'none', endpoint: e.userinfo },
    { method: 'POST', path: '/userinfo', body: 'optional-form', endpoint: e.userinfo },
    { method: 'GET', path: '/.well-known/jwks.json', body: 'none', endpoint: e.jwks },
    { method: 'GET', path: '/.well-known/openid-configuration', body: 'none', endpoint: e.discovery },
    { method: 'GET', path: '/.well-known/oauth-authorization-server', body: 'none', endpoint: e.discovery },
    // Dynamic client registration (RFC 7591 §3) and its management (RFC 7592 §2) at the root issuer.
    ...registrationRoutes('', e.register, e.registration),
    // Every tenant issuer's own endpoints (only its clients, users and tokens), and RFC 8414 §3.1's path-inserted metadata URL.
    ...tenantIssuerRoutes(e),
    // Seed 000 (client login and token revocation under its own names)
    ...SEED000_PREFIXES.flatMap((prefix): Route[] => [
      { method: 'POST', path: `${prefix}/client/login`, body: 'form', endpoint: e.clientLogin },
      { method: 'POST', path: `${prefix}/token/revoke`, body: 'form', endpoint: e.tokenRevoke },
    ]),
    // Seed 001 (registration and its claims API), failures in its own shape
    { method: 'POST', path: '/register_client', body: 'form-or-json', endpoint: e.registerClient, errors: 'seed001' },
    { method: 'POST', path: '/register_user', body: 'form-or-json', endpoint: e.registerUser, errors: 'seed001' },
    { method: 'POST', path: '/api', body: 'optional-form', endpoint: e.api, errors: 'seed001' },
    { method: 'GET', path: '/api', body: 'none', endpoint: e.api, errors: 'seed001' },
    // Seed 003 batch revocation, failures as ServerPluginError
    { method: 'POST', path: BATCH_REVOCATION_PATH, body: 'json', endpoint: e.batchRevocation, errors: 'seed003' },
  ];
}

/** The OAuth endpoints of each tenant issuer `{ISSUER}/t/{segment}`, the root's endpoints under it. */
function tenantIssuerRoutes(e: OAuthEndpoints): Route[] {
  const at = (path: string) => `${TENANT_ISSUER_ROUTE_PREFIX}${path}`;
  return [
    { method: 'POST', path: at('/token'), body: 'form', endpoint: e.tenantToken },
    { method: 'POST', path: at('/introspect'), body: 'form', endpoint: e.tenantIntrospect },
    { method: 'POST', path: at('/revoke'), body: 'form', endpoint: e.tenantRevoke },
    { method: 'POST', path: at('/device_authorization'), body: 'form', endpoint: e.tenantDeviceAuthorization },
    { method: 'POST', path: at('/par'), body: 'form', endpoint: e.tenantPar },
    { method: 'GET', path: at('/userinfo'), body: 'none', endpoint: e.tenantUserinfo },
    { method: 'POST', path: at('/userinfo'), body: 'optional-form', endpoint: e.tenantUserinfo },
    { method: 'GET', path: at('/.well-known/jwks.json'), body: 'none', endpoint: e.tenantJwks },
    ...registrationRoutes(TENANT_ISSUER_ROUTE_PREFIX, e.tenantRegister, e.tenantRegistration),
    { method: 'GET', path: at('/.well-known/openid-configuration'), body: 'none', endpoint: e.tenantDiscovery },
    { method: 'GET', path: at('/.well-known/oauth-authorization-server'), body: 'none', endpoint: e.tenantDiscovery },
    {
      method: 'GET',
      path: `/.well-known/oauth-authorization-server${TENANT_ISSUER_ROUTE_PREFIX}`,
      body: 'none',
      endpoint: e.tenantDiscovery,
    },
  ];
}

/** POST `{I}/register` (RFC 7591 §3.1) and GET, PUT, DELETE `{I}/register/{client_id}` (RFC 7592 §2) of one issuer. */
function registrationRoutes(prefix: string, register: OAuthEndpoint, registration: OAuthEndpoint): Route[] {
  const one = `${prefix}/register/${PATH_PARAM}`;
  return [
    { method: 'POST', path: `${prefix}/register`, body: 'client-metadata', endpoint: register },
    { method: 'GET', path: one, body: 'none', endpoint: registration },
    { method: 'PUT', path: one, body: 'client-metadata', endpoint: registration },
    { method: 'DELETE', path: one, body: 'none', endpoint: registration },
  ];
}
