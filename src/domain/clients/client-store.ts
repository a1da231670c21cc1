import type { Page, SearchablePageRequest } from '../pagination';
import type { Client } from './client';
import type { ClientSettings } from './validate-client-settings';

/**
 * A client as stored: the snapshot and its secret's keyed digest (null for a public or
 * `private_key_jwt` client), and for a `client_secret_jwt` client the secret itself sealed
 * with the server secret (ServerSecret.encrypt, purpose `client-secret`), since checking an
 * HMAC assertion needs the plaintext. Never leaves ClientService.
 */
export interface StoredClient extends Client {
  readonly secretDigest: string | null;
  readonly secretSealed: string | null;
}

/** What a new client row holds; settings left out take the column defaults. */
export type NewClientRecord = Pick<StoredClient, 'tenantId' | 'clientId' | 'name' | 'isPublic' | 'secretDigest' | 'secretSealed'> &
  Partial<ClientSettings & { enabled: boolean }>;

/** The fields a client update may write; absent fields stay as they are. */
export type ClientPatch = Partial<ClientSettings & Pick<StoredClient, 'name' | 'enabled' | 'secretDigest' | 'secretSealed'>>;

/**
 * The storage clients need (implemented in `src/data/client.repository.ts`):
 * OAuth clients by their globally unique client_id. Plain values cross it;
 * rows stay in the data layer.
 */
export interface ClientStore {
  /** Replaces the client's secret digest with the same secret's digest under the newest SECRET_KEYS key, if it is still `from`. */
  rekeySecretDigest(clientId: string, from: string, to: string): Promise<boolean>;
  /** The client with its secret digest; null when unknown. */
  findWithSecretDigest(clientId: string): Promise<StoredClient | null>;
  /** The clients of any of `clientIds` with their secret digests (unknown ids are left out), in one set-based read per chunk. */
  findManyWithSecretDigest(clientIds: readonly string[]): Promise<StoredClient[]>;
  /** Inserts many clients in multi-row statements (in the caller's transaction); a taken client_id fails them all. */
  insertMany(clients: readonly NewClientRecord[]): Promise<Client[]>;
  /** A tenant's clients, oldest first; `request.search` matches client id or name, case-insensitively. */
  page(tenantId: string, request: SearchablePageRequest): Promise<Page<Client>>;
  /** Inserts a client; a taken client_id is a unique violation (see db-errors.ts). */
  insert(client: NewClientRecord): Promise<Client>;
  /**
   * Reads the client, asks `change` for a patch (it may throw: nothing is written), writes
   * the patch and returns the client as stored; null when there is none.
   */
  modify(clientId: string, change: (current: StoredClient) => Promise<ClientPatch>): Promise<Client | null>;
  delete(clientId: string): Promise<void>;
  exists(clientId: string): Promise<boolean>;
}
