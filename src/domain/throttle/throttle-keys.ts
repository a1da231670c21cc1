import { lockedUntil, type LockoutRule } from './lockout';
import { usernameKey } from '../users/username-key';

/** Whose secret a credential check tries: a user's password (account) or a client's secret. */
export type CredentialSubject =
  | {
      readonly kind: 'account';
      readonly tenantId: string;
      readonly tenantPath: string;
      readonly username: string;
      readonly clientId?: string | null;
    }
  | {
      readonly kind: 'client';
      readonly clientId: string;
      /**
       * The tenant path the client's throttle events are audited under (its tenant's, `/` for an unknown
       * client_id), asked only when an event is recorded: the client registry that checks the secret knows it.
       */
      readonly auditTenantPath: () => Promise<string>;
    };

/** The brute-force policy (defaults.bruteForce; the table in docs/security.md). */
export interface ThrottlePolicy {
  /** One account (tenant + username) from one source. */
  readonly accountSource: LockoutRule;
  /** One client_id from one source. */
  readonly clientSource: LockoutRule;
  /** One account from every source: refuses only sources the account does not know. */
  readonly account: LockoutRule;
  /** One client_id from every source: refuses only sources the client does not know. */
  readonly client: LockoutRule;
  /** One source, every credential: "hot" at `threshold` live failures; it refuses nothing by itself. */
  readonly ip: { readonly threshold: number; readonly windowSeconds: number };
  /** The failures that lock a pair while its source is hot. */
  readonly hotSourcePairThreshold: number;
  /** How long a source that authenticated with a credential stays known to it. */
  readonly knownSourceDays: number;
}

/** pair: one credential from one source; wide: one credential from every source; ip: one source, every credential. */
export type ThrottleKeyKind = 'account-source' | 'client-source' | 'account' | 'client' | 'ip';

export interface ThrottleKey {
  readonly kind: ThrottleKeyKind;
  readonly bucket: string;
  readonly windowSeconds: number;
}

/** The keys one credential check is counted under. */
export interface AttemptKeys {
  /** This credential from this source: the only key that locks by itself. */
  readonly pair: ThrottleKey;
  /** This credential from every source: the slower brake for unknown sources. */
  readonly wide: ThrottleKey;
  /** This source against every credential. */
  readonly ip: ThrottleKey;
  /** The mark that this source authenticated with this credential before (not a failure count). */
  readonly known: string;
}

type RuleName = 'accountSource' | 'clientSource' | 'account' | 'client';
const RULE_OF_KIND: Readonly<Record<Exclude<ThrottleKeyKind, 'ip'>, RuleName>> = {
  'account-source': 'accountSource',
  'client-source': 'clientSource',
  account: 'account',
  client: 'client',
};

/** The window a key's failures count in. */
export const windowOf = (policy: ThrottlePolicy, kind: ThrottleKeyKind): number =>
  (kind === 'ip' ? policy.ip : policy[RULE_OF_KIND[kind]]).windowSeconds;

/** Failure buckets start with this (the hints reload them); known-source marks do not. */
export const FAILURE_PREFIX = 'bf:';
const KNOWN_PREFIX = 'bfk:';
/** The source of a check whose request has no client IP (a direct domain call). */
const NO_SOURCE = '-';

export function attemptKeys(policy: ThrottlePolicy, subject: CredentialSubject, clientIp: string | null | undefined): AttemptKeys {
  const source = clientIp || NO_SOURCE;
  const credential = subject.kind === 'account' ? `${subject.tenantId}:${usernameKey(subject.username)}` : subject.clientId;
  const pairKind = subject.kind === 'account' ? 'account-source' : 'client-source';
  return {
    // The source first: IPs hold no spaces, so the credential after the space may be any string.
    pair: { kind: pairKind, bucket: `${FAILURE_PREFIX}${pairKind}:${source} ${credential}`, windowSeconds: windowOf(policy, pairKind) },
    wide: { kind: subject.kind, bucket: `${FAILURE_PREFIX}${subject.kind}:${credential}`, windowSeconds: windowOf(policy, subject.kind) },
    ip: { kind: 'ip', bucket: `${FAILURE_PREFIX}ip:${source}`, windowSeconds: policy.ip.windowSeconds },
    known: `${KNOWN_PREFIX}${subject.kind}:${source} ${credential}`,
  };
}

/** The kind of a failure bucket, or null for a bucket this module did not name. */
export function kindOfBucket(bucket: string): ThrottleKeyKind | null {
  if (!bucket.startsWith(FAILURE_PREFIX)) return null;
  const kind = bucket.slice(FAILURE_PREFIX.length, bucket.indexOf(':', FAILURE_PREFIX.length));
  return kind === 'account-source' || kind === 'client-source' || kind === 'account' || kind === 'client' || kind === 'ip' ? kind : null;
}

/** The lock rule of a pair or credential-wide key; a pair whose source is hot locks at `hotSourcePairThreshold` failures. */
export function ruleOf(policy: ThrottlePolicy, kind: Exclude<ThrottleKeyKind, 'ip'>, sourceHot = false): LockoutRule {
  const rule = policy[RULE_OF_KIND[kind]];
  return sourceHot && (kind === 'account-source' || kind === 'client-source')
    ? { ...rule, threshold: Math.min(rule.threshold, policy.hotSourcePairThreshold) }
    : rule;
}

/** Whether a source with `failures` live is hot (its pairs lock sooner). */
export const isHot = (policy: ThrottlePolicy, failures: number): boolean => failures >= policy.ip.threshold;

/**
 * Until when a key with `failures` live, the newest at `latestMs`, may be locked (a source: hot), with one
 * failure of slack for a concurrent failure another instance counted at the same moment; 0 when it cannot be.
 * A process reads the table for a check only while one of its keys may be locked.
 */
export function mayLockUntil(policy: ThrottlePolicy, kind: ThrottleKeyKind, failures: number, latestMs: number): number {
  if (kind === 'ip') return isHot(policy, failures + 1) ? latestMs + policy.ip.windowSeconds * 1000 : 0;
  return lockedUntil(ruleOf(policy, kind), failures + 1, new Date(latestMs))?.getTime() ?? 0;
}
