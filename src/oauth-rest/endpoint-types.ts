import type { IncomingHttpHeaders } from 'node:http';
import type { MaybePromise } from '../domain/util/maybe-promise';
import type { RequestScope } from '../domain/request-scope';

/**
 * The shapes every REST endpoint shares: its request, its response, the
 * response headers it sends. A leaf of src/oauth-rest: it imports nothing
 * from this folder, so the endpoint files, the route table, the wrapper and
 * the assembly in oauth-endpoints.ts all import it without a cycle.
 */

/** A parsed request to an endpoint of the route table, whichever HTTP stack received it. */
export interface EndpointRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** The request target as received (path and query), e.g. for a DPoP proof's `htu` (RFC 9449 §4.3). */
  readonly url?: string;
  /** Form or query parameters, per the route's body kind; empty when there are none. */
  readonly body: Readonly<Record<string, string | undefined>>;
  /** The parsed object of a `json` route. */
  readonly json?: unknown;
  /** The tenant issuer segment of the URL (`acme.eu` of `/t/acme.eu/token`), for a route under a tenant issuer. */
  readonly issuerSegment?: string;
  /** The value of the route's trailing path parameter (`:client_id` of `/register/:client_id`), for a route that has one. */
  readonly pathParam?: string;
  /** The route's path in the route table (`/token`, `/t/:issuer/token`): a client assertion's `aud` may name its URL. */
  readonly routePath?: string;
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
export type OAuthEndpoint = (req: EndpointRequest) => MaybePromise<EndpointResponse>;

/** RFC 6749 §5.1: responses carrying tokens or credentials must not be cached. */
export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

/** Public metadata (keys, discovery) may be cached for five minutes. */
export const PUBLIC_5_MIN: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'public, max-age=300' });

/** 200 with a JSON body that must not be cached (NO_STORE). */
export const ok = (body: unknown): EndpointResponse => ({ status: 200, headers: NO_STORE, body });
