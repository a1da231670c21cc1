import type { RegistrationExtras } from './client-metadata';
import type { RegistrationPolicy } from './registration-policy';

/** An initial access token (RFC 7591 §3) as stored: never the token, only its keyed digest (kept in the store). */
export interface InitialAccessToken {
  readonly id: string;
  readonly tenantId: string;
  readonly description: string;
  readonly policy: RegistrationPolicy;
  /** How many registrations it admits; null: no limit. */
  readonly maxUses: number | null;
  readonly uses: number;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly createdAt: Date;
}

export type NewInitialAccessToken = Pick<InitialAccessToken, 'tenantId' | 'description' | 'policy' | 'maxUses' | 'expiresAt'> & {
  readonly tokenDigest: string;
};

/**
 * The storage of initial access tokens (implemented in `src/data/registration.repository.ts`),
 * looked up by the keyed digest of the token.
 */
export interface InitialAccessTokenStore {
  insert(token: NewInitialAccessToken): Promise<InitialAccessToken>;
  /** The token stored under any of `tokenDigests` (its digest under each key of SECRET_KEYS). */
  findByDigest(tokenDigests: readonly string[]): Promise<InitialAccessToken | null>;
  findById(id: string): Promise<InitialAccessToken | null>;
  /** A tenant's tokens, newest first. */
  listByTenant(tenantId: string): Promise<InitialAccessToken[]>;
  /**
   * Counts one use of the token when, at `now`, it is neither revoked nor expired nor used up: one
   * conditional update, so concurrent registrations never exceed `maxUses`. False when it was not usable.
   */
  consume(id: string, now: Date): Promise<boolean>;
  /** Marks the token revoked at `now` (kept when already revoked); null when there is none. */
  revoke(id: string, now: Date): Promise<InitialAccessToken | null>;
}

/** The registration of a dynamically registered client (RFC 7592): its registration access token's digest, extras and policy. */
export interface ClientRegistration {
  readonly clientId: string;
  readonly accessTokenDigest: string;
  readonly metadata: RegistrationExtras;
  readonly policy: RegistrationPolicy;
}

/**
 * The storage of client registrations (implemented in `src/data/registration.repository.ts`), one per
 * dynamically registered client, deleted with its client whichever path deletes it.
 */
export interface ClientRegistrationStore {
  insert(registration: ClientRegistration): Promise<void>;
  find(clientId: string): Promise<ClientRegistration | null>;
  update(clientId: string, change: Pick<ClientRegistration, 'accessTokenDigest' | 'metadata'>): Promise<void>;
}
