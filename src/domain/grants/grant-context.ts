import type { Client } from '../clients/client';
import type { Clock } from '../clock';
import type { Tenant } from '../tenants/tenant';

/** Form parameters of a token request, as strings (RFC 6749 §4, seed 003 extras). */
export type TokenParams = Readonly<Record<string, string | undefined>>;

/** What a grant handler runs with: the authenticated client, its tenant and the clock. */
export interface GrantContext {
  readonly client: Client;
  readonly tenant: Tenant;
  readonly clock: Clock;
}
