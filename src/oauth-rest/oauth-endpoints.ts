import type { IncomingHttpHeaders } from 'node:http';
import type { Domain } from '../domain/create-domain';
import { bearerTokenFromRequest } from './bearer-token-from-request';
import { clientCredentialsFromRequest } from './client-credentials-from-request';

/** A parsed request to an OAuth endpoint, whichever HTTP stack received it. */
export interface EndpointRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** The form-encoded body; empty when there is none. */
  readonly body: Readonly<Record<string, string | undefined>>;
  /** The peer's address (rate limiting); absent when unknown. */
  readonly remoteAddress?: string;
}

/** A successful answer; failures are thrown and mapped by `oauthErrorResponse`. */
export interface EndpointResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type OAuthEndpoint = (req: EndpointRequest) => Promise<EndpointResponse>;

/** RFC 6749 §5.1: responses carrying tokens or credentials must not be cached. */
export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

const ok = (body: unknown): EndpointResponse => ({ status: 200, headers: NO_STORE, body });

/**
 * The token, introspection and userinfo endpoints as plain functions, shared
 * by the Express routes and the node:http fast path (`lean-oauth-server.ts`)
 * so both answer alike.
 */
export function oauthEndpoints(domain: Domain) {
  return {
    /** POST `/token` and `/connect/token` (RFC 6749 §3.2, seed 003). */
    token: async (req: EndpointRequest) => ok(await domain.tokenEndpoint.exchange(clientCredentialsFromRequest(req), req.body)),

    /** POST `/introspect` (RFC 7662 §2). */
    introspect: async (req: EndpointRequest) => ok(await domain.introspection.introspect(clientCredentialsFromRequest(req), req.body)),

    /** GET and POST `/userinfo` (OIDC Core §5.3); errors per RFC 6750 §3. */
    userinfo: async (req: EndpointRequest): Promise<EndpointResponse> => {
      const token = bearerTokenFromRequest(req);
      if (!token) {
        // RFC 6750 §3.1: a request without any credentials gets a challenge without an error code.
        return {
          status: 401,
          headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer' },
          body: { error: 'invalid_token', error_description: 'no access token provided' },
        };
      }
      return ok(await domain.userInfo.userInfo(token));
    },
  } satisfies Record<string, OAuthEndpoint>;
}

export type OAuthEndpoints = ReturnType<typeof oauthEndpoints>;
