import type { Clock } from '../clock';
import type { MaintenanceStore, PurgeCounts } from './maintenance-store';

export type { PurgeCounts } from './maintenance-store';

/**
 * Deletes rows that can no longer matter: authorization codes an hour past
 * expiry (replays inside that hour still revoke what the code issued),
 * revocation records of access tokens that have expired anyway, ended or
 * expired browser sessions, and expired refresh tokens (device-bound ones never
 * expire), issuance counters of expired access tokens, rate-limit hits past their window, and
 * RFC 8628 device authorization requests a day past expiry. Idempotent and safe to run from several processes at once.
 */
export async function purgeExpired(deps: {
  readonly stores: { readonly maintenance: MaintenanceStore };
  readonly clock: Clock;
}): Promise<PurgeCounts> {
  return deps.stores.maintenance.purgeExpired(deps.clock.now());
}
