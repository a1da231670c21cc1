import { requireAdmin, type Actor } from '../actor';
import type { DomainLogger } from '../deps';
import { ensure, errors } from '../errors';
import { SEAL_PURPOSES, type DigestKind, type KeyIdCounts, type SealedKind, type SealedValueStore } from './sealed-value-store';
import type { ServerSecret } from './server-secret';

const BATCH = 200;
const SEALED_KINDS = Object.keys(SEAL_PURPOSES) as SealedKind[];
const DIGEST_KINDS: readonly DigestKind[] = ['clientSecretDigests', 'registrationTokenDigests', 'initialAccessTokenDigests'];

/** What `secrets rotate` did and what is left on keys other than the newest. */
export interface SecretRotationReport {
  readonly currentKeyId: string;
  /** Sealed values re-sealed under the newest key, per kind. */
  readonly resealed: Readonly<Record<SealedKind, number>>;
  /** Sealed values that could not be opened (corrupt, or under a key not in SECRET_KEYS), per kind: left as they were. */
  readonly failed: Readonly<Record<SealedKind, number>>;
  /**
   * Keyed digests of secrets the server never stores (client secrets, registration and initial access
   * tokens), per kind and key id: they cannot be recomputed, and move to the newest key when next
   * presented (client secrets) or when the secret is replaced.
   */
  readonly digestsLeft: Readonly<Record<DigestKind, KeyIdCounts>>;
  /** Everything still stored under a key other than the newest (sealed values that failed, and digests). */
  readonly leftOnOldKeys: number;
}

/**
 * SECRET_KEY rotation (docs/operations.md): the start-up check that every key a
 * stored value names is in SECRET_KEYS, and the re-sealing of every sealed value
 * under the newest key (`tenant-idp secrets rotate`).
 */
export class SecretRotation {
  constructor(
    private readonly secret: ServerSecret,
    private readonly store: SealedValueStore,
    private readonly log: DomainLogger,
  ) {}

  /**
   * Key ids stored values name that the keyring lacks, with how many values name each: `sealed` values
   * (signing keys, TOTP secrets, …) could not be opened at all; `digests` are client secrets and
   * registration tokens that can no longer be verified (their secrets must be replaced).
   */
  async missingKeys(): Promise<{ sealed: KeyIdCounts; digests: KeyIdCounts }> {
    const inUse = await this.store.keyIdsInUse();
    const held = new Set(this.secret.keyIds);
    const missing = (counts: KeyIdCounts) => Object.fromEntries(Object.entries(counts).filter(([id]) => !held.has(id)));
    return { sealed: missing(inUse.sealed), digests: missing(inUse.digests) };
  }

  /** Re-seals every sealed value under the newest key and reports what is left on older keys; admins of `/` only. */
  async rotate(actor: Actor): Promise<SecretRotationReport> {
    requireAdmin(actor);
    ensure(actor.tenantPath === '/', () => errors.forbidden('only an admin of / may re-seal the server’s secrets'));
    const current = this.secret.currentKeyId;
    const resealed = {} as Record<SealedKind, number>;
    const failed = {} as Record<SealedKind, number>;
    for (const kind of SEALED_KINDS) {
      resealed[kind] = 0;
      failed[kind] = 0;
      let after: string | null = null;
      for (;;) {
        const rows = await this.store.notSealedUnder(kind, current, after, BATCH);
        if (rows.length === 0) break;
        after = rows.at(-1)!.id;
        for (const row of rows) {
          let next: string;
          try {
            next = this.secret.reseal(row.value, SEAL_PURPOSES[kind]);
          } catch (error) {
            failed[kind]++;
            this.log.warn(
              { err: error, kind, id: row.id },
              'secrets rotate: a sealed value cannot be opened with SECRET_KEYS; left as it is',
            );
            continue;
          }
          // Changed meanwhile (a new TOTP enrolment, a sent mail): whatever replaced it was sealed under the newest key.
          if (await this.store.replace(kind, row.id, row.value, next)) resealed[kind]++;
        }
      }
    }
    const digestsLeft = {} as Record<DigestKind, KeyIdCounts>;
    for (const kind of DIGEST_KINDS) digestsLeft[kind] = await this.store.digestsNotUnder(kind, current);
    const digestCount = Object.values(digestsLeft).reduce((sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0), 0);
    const failedCount = Object.values(failed).reduce((a, b) => a + b, 0);
    const report = { currentKeyId: current, resealed, failed, digestsLeft, leftOnOldKeys: failedCount + digestCount };
    this.log.info(report, 'secrets rotate: sealed values moved to the newest key');
    return report;
  }
}
