import type { ProvisioningTransaction } from '../../data/provisioning.repository';
import type { ChangeEvent } from '../changes/change-bus';
import type { DomainDeps } from '../deps';
import type { UserRef } from '../users/user.service';
import type { ProvisioningReport } from './provisioning-plan';

/** One transaction's worth of provisioning: where to write, what changed, what to tell other instances. */
export interface ProvisioningScope {
  tx: ProvisioningTransaction;
  deps: DomainDeps;
  report: ProvisioningReport;
  changes: ChangeEvent[];
  /** Users whose access must end once the transaction has committed (UserService `passwordReplaced`, `disabled`). */
  endAccess: { user: UserRef; reason: 'password' | 'disabled' }[];
}

/** True when any field of `wanted` differs from `current` (arrays compared by value, in order). */
export function differs(current: object, wanted: object): boolean {
  const now = current as Record<string, unknown>;
  return Object.entries(wanted).some(([key, value]) => JSON.stringify(now[key]) !== JSON.stringify(value));
}
