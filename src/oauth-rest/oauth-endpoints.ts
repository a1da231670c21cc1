import type { IncomingHttpHeaders } from 'node:http';
import { mapAwaitable, type Awaitable } from '../domain/cache/awaitable';
import type { Domain } from '../domain/create-domain';
import { buildDiscoveryMetadata, type DiscoveryMetadata } from '../domain/discovery/build-discovery-metadata';
import type { RequestScope } from '../domain/request-scope';
import { bearerTokenFromRequest } from './bearer-token-from-request';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { apiEndpoint } from './seeds/api.endpoint';
import { clientLoginEndpoint } from './seeds/client-login.endpoint';
import { registerClientEndpoint } from './seeds/register-client.endpoint';
import { registerUserEndpoint } from './seeds/register-user.endpoint';
import { tokenRevokeEndpoint } from './seeds/token-revoke.endpoint';
import { batchRevocationEndpoint } from './batch-revocation.endpoint';
import { deviceRefreshEndpoint, isDeviceRefresh } from './device-refresh.endpoint';

/** A parsed request to an endpoint of the route table, whichever HTTP stack received it. */
export interface EndpointRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** Form or query parameters, per the route's body kind; empty when there are none. */
  readonly body: Readonly<Record<string, string | undefined>>;
  /** The parsed object of a `json` route. */
  readonly json?: unknown;
  /** Request id, client IP, user agent, clock, unit of work: built once by the wrapper. */
  readonly scope: RequestScope;
}

/**
 * A successful answer; failures are thrown and mapped by `oauthErrorResponse`.
 * `body` is sent as JSON (`Content-Type` from `headers` when set, else
 * application/json); an undefined body sends an empty response.
 */
export interface EndpointResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** An endpoint may answer at once (a warm introspection does): the wrapper then sends without a promise. */
export type OAuthEndpoint = (req: EndpointRequest) => Awaitable<EndpointResponse>;

/** What the composition root mounts besides the route table, for discovery to advertise (OIDC Discovery 1.0 §3). */
export interface MountedFeatures {
  /** GET `/authorize` (the hosted pages). */
  readonly authorizationEndpoint: boolean;
  /** `/logout` (OIDC RP-Initiated Logout). */
  readonly endSessionEndpoint: boolean;
}

/** RFC 6749 §5.1: responses carrying tokens or credentials must not be cached. */
export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
const PUBLIC_5_MIN: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'public, max-age=300' });

const ok = (body: unknown): EndpointResponse => ({ status: 200, headers: NO_STORE, body });

/**
 * The OAuth endpoints as plain functions of a parsed request, served by both
 * HTTP adapters (the node:http fast path and Express) through the route table
 * in `routes.ts`, so both answer alike.
 */
export function oauthEndpoints(domain: Domain, features: MountedFeatures) {
  let discovery: DiscoveryMetadata | undefined;
  const deviceRefresh = deviceRefreshEndpoint(domain);
  return {
    /** POST `/token` and `/connect/token` (RFC 6749 §3.2, seed 003); without `grant_type` but with `device_id`, a seed 002 device refresh. */
    token: async (req: EndpointRequest) =>
      isDeviceRefresh(req.body) ? deviceRefresh(req) : ok(await domain.tokenEndpoint.exchange(clientCredentialsFromRequest(req), req.body, req.scope)),

    /** GET `/token` and `/tokens` (query string), POST `/tokens` (form): seed 002 device refresh. */
    deviceRefresh,

    /** POST `/api/v2/identity/token/batch-revocation` (seed 003); failures answer ServerPluginError (see the route table). */
    batchRevocation: batchRevocationEndpoint(domain),

    /** POST `/introspect` (RFC 7662 §2). */
    introspect: (req: EndpointRequest) => mapAwaitable(domain.introspection.introspect(clientCredentialsFromRequest(req), req.body, req.scope), ok),

    /** POST `/revoke` and `/connect/revocation` (RFC 7009 §2, seed 003): 200 with an empty body. */
    revoke: async (req: EndpointRequest): Promise<EndpointResponse> => {
      await domain.tokenRevoker.revokeAsClient(clientCredentialsFromRequest(req), req.body, req.scope);
      return { status: 200, headers: NO_STORE, body: undefined };
    },

    /** GET and POST `/userinfo` (OIDC Core §5.3); errors per RFC 6750 §3. */
    userinfo: (req: EndpointRequest): Awaitable<EndpointResponse> => {
      const token = bearerTokenFromRequest(req);
      if (!token) {
        // RFC 6750 §3.1: a request without any credentials gets a challenge without an error code.
        return {
          status: 401,
          headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer' },
          body: { error: 'invalid_token', error_description: 'no access token provided' },
        };
      }
      return mapAwaitable(domain.userInfo.userInfo(token), ok);
    },

    /** GET `/.well-known/jwks.json` (RFC 7517 §5). */
    jwks: async (): Promise<EndpointResponse> => ({
      status: 200,
      headers: { ...PUBLIC_5_MIN, 'Content-Type': 'application/jwk-set+json; charset=utf-8' },
      body: await domain.keys.jwks(),
    }),

    /** GET `/.well-known/openid-configuration` (OIDC Discovery 1.0 §4) and `/.well-known/oauth-authorization-server` (RFC 8414 §3). */
    discovery: async (): Promise<EndpointResponse> => {
      discovery ??= buildDiscoveryMetadata({ issuer: domain.issuer, grantTypes: domain.grants.tokenGrantTypes, ...features });
      return { status: 200, headers: PUBLIC_5_MIN, body: discovery };
    },

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
  } satisfies Record<string, OAuthEndpoint>;
}

export type OAuthEndpoints = ReturnType<typeof oauthEndpoints>;
