import type { KeyObject } from 'node:crypto';
import type { Clock } from '../clock';
import { jwkUsableFor, publicKeyOfJwk } from '../crypto/jws';
import { errors } from '../errors';
import type { OutboundHttp } from '../outbound/outbound-http';
import type { Client, ClientJwks } from './client';
import { validateJwks } from './validate-client-keys';

/** How long a fetched key set is used before it is fetched again. */
const KEY_SET_TTL_MS = 5 * 60_000;
/** An assertion signed by a key the cached set lacks refetches the set, at most this often. */
const KEY_SET_REFETCH_MS = 30_000;
const MAX_REMOTE_ENTRIES = 10_000;

/** One JWK of a set with its public key, built once (null when the JWK is no usable public key). */
interface SetKey {
  readonly jwk: Readonly<Record<string, unknown>>;
  readonly key: KeyObject | null;
}
type KeySet = readonly SetKey[];

interface RemoteKeySet {
  keys?: KeySet;
  fetchedAt: number;
  /** The fetch under way: every request needing this set meanwhile waits on the same one. */
  pending?: Promise<KeySet>;
}

const keySetOf = (jwks: ClientJwks): KeySet =>
  (jwks.keys as readonly Readonly<Record<string, unknown>>[]).map((jwk) => ({ jwk, key: publicKeyOfJwk(jwk) }));

/** The keys of `set` that may verify a JWS with `alg` and `kid` (jose's selection rules, see {@link jwkUsableFor}). */
const candidatesIn = (set: KeySet, alg: string, kid: unknown): KeyObject[] =>
  set.filter((entry) => entry.key !== null && jwkUsableFor(entry.jwk, alg, kid)).map((entry) => entry.key!);

const noMatchingKey = () => errors.invalidClient('client assertion: no key of the client fits its alg and kid');

/**
 * The public keys a `private_key_jwt` client's assertions are verified with, as node:crypto
 * `KeyObject`s built once per key: its registered `jwks` (per client snapshot), or the key set
 * at its `jwks_uri`, fetched through the {@link OutboundHttp} port and kept per client for
 * {@link KEY_SET_TTL_MS}. Concurrent requests for one set share one fetch; other clients never
 * wait on it (no global lock). An unknown `kid` refetches at most once per {@link KEY_SET_REFETCH_MS}.
 */
export class ClientKeySets {
  /** Per client snapshot: an updated client is a new snapshot, so a changed `jwks` is never served stale. */
  private readonly registered = new WeakMap<Client, KeySet>();
  private readonly remote = new Map<string, RemoteKeySet>();

  constructor(
    private readonly http: OutboundHttp,
    private readonly clock: Clock,
  ) {}

  /**
   * The keys of `client` that may verify an assertion signed with `alg` naming `kid` (at least
   * one; `invalid_client` otherwise, or when the client has no keys). Synchronous for registered
   * keys and a fresh fetched set.
   */
  candidatesFor(client: Client, alg: string, kid: unknown): KeyObject[] | Promise<KeyObject[]> {
    if (client.jwks) {
      let set = this.registered.get(client);
      if (!set) {
        set = keySetOf(client.jwks);
        this.registered.set(client, set);
      }
      const found = candidatesIn(set, alg, kid);
      if (found.length === 0) throw noMatchingKey();
      return found;
    }
    const uri = client.jwksUri;
    if (!uri) throw errors.invalidClient('client has no registered keys');
    const key = `${client.clientId}\n${uri}`;
    const set = this.current(key, uri, false);
    if (!(set instanceof Promise)) {
      const found = candidatesIn(set, alg, kid);
      if (found.length > 0) return found;
    }
    return this.remoteCandidates(key, uri, set, alg, kid);
  }

  private async remoteCandidates(
    key: string,
    uri: string,
    pending: KeySet | Promise<KeySet>,
    alg: string,
    kid: unknown,
  ): Promise<KeyObject[]> {
    const set = await pending;
    const found = candidatesIn(set, alg, kid);
    if (found.length > 0) return found;
    const refreshed = await this.current(key, uri, true);
    const again = refreshed === set ? [] : candidatesIn(refreshed, alg, kid);
    if (again.length === 0) throw noMatchingKey();
    return again;
  }

  private current(key: string, uri: string, unknownKid: boolean): KeySet | Promise<KeySet> {
    const now = this.clock.now().getTime();
    let entry = this.remote.get(key);
    if (entry?.pending) return entry.pending;
    if (entry?.keys && now - entry.fetchedAt < (unknownKid ? KEY_SET_REFETCH_MS : KEY_SET_TTL_MS)) return entry.keys;
    if (!entry) {
      if (this.remote.size >= MAX_REMOTE_ENTRIES) this.remote.delete(this.remote.keys().next().value!);
      entry = { fetchedAt: 0 };
      this.remote.set(key, entry);
    }
    const target = entry;
    const pending = this.http.getJson(uri).then(
      (body) => {
        // A set that fails its checks must not stay pending: the next request fetches again.
        target.pending = undefined;
        const keys = keySetOf(remoteKeySet(body));
        Object.assign(target, { keys, fetchedAt: this.clock.now().getTime() });
        return keys;
      },
      (error: unknown) => {
        target.pending = undefined;
        throw errors.invalidClient(`jwks_uri: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    target.pending = pending;
    return pending;
  }
}

/** A fetched key set, checked as a registered one is; keys marked for encryption are left out. */
function remoteKeySet(body: unknown): ClientJwks {
  const keys = (body as { keys?: unknown })?.keys;
  const signing = Array.isArray(keys) ? keys.filter((key) => (key as { use?: unknown })?.use !== 'enc') : keys;
  try {
    return validateJwks({ keys: signing }, 'jwks_uri');
  } catch (error) {
    throw errors.invalidClient(`jwks_uri: ${error instanceof Error ? error.message : 'not a key set'}`);
  }
}
