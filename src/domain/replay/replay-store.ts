/**
 * The storage of single-use identifiers (implemented in `src/data/replay.repository.ts`):
 * one row per identifier used, kept until the identifier could no longer be accepted
 * anyway (its assertion, proof or request expired). Shared by every process through the
 * database, so an identifier used on one instance is refused on all of them.
 */
export interface ReplayStore {
  /**
   * Records `key` as used until `expiresAt`. True when this call recorded it (first use);
   * false when it was already recorded and has not expired.
   */
  claim(key: string, expiresAt: Date): Promise<boolean>;
}
