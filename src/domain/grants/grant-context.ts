import type { Client } from '../clients/client';
import type { Clock } from '../clock';
import type { RequestScope } from '../request-scope';
import type { Tenant } from '../tenants/tenant';

/** Form parameters of a token request, as strings (RFC 6749 §4, seed 003 extras). */
export type TokenParams = Readonly<Record<string, string | undefined>>;

/** What a grant handler runs with: the authenticated client, its tenant, the clock and the request's scope (when a transport supplied one). */
export interface GrantContext {
  readonly client: Client;
  readonly tenant: Tenant;
  readonly clock: Clock;
  readonly scope?: RequestScope;
  /** RFC 9449 §5: the thumbprint of the key of the request's verified DPoP proof; tokens issued are bound to it. */
  readonly dpopJkt?: string;
}
