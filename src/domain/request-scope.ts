import type { Actor } from './actor';
import type { Clock } from './clock';

/**
 * Everything known about one request, built once by whichever transport
 * received it (the route table's wrapper, the GraphQL context) and handed to
 * the domain: who is asking from where.
 * Audit, throttling and devices stand on it.
 */
export interface RequestScope {
  /** The request's id (X-Request-Id), for logs and audit. */
  readonly requestId: string;
  /** The client's IP address, honouring the TRUST_PROXY setting; null when the socket has none. */
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  readonly clock: Clock;
  /** The OAuth client that authenticated on this request, once known. */
  clientId: string | null;
  /** The admin actor of a GraphQL request, once its bearer token verified. */
  actor: Actor | null;
  /**
   * Set by a tenant issuer's endpoints (`{ISSUER}/t/…`): only that tenant's clients
   * authenticate on this request (ClientService.authenticate); any other is `invalid_client`.
   */
  issuerTenantId?: string | null;
  /** The path of the tenant the request acts in, once known (the authenticated client's): for traces. */
  tenantPath?: string | null;
}
