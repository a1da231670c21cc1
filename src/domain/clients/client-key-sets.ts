import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../clock';
import { errors } from '../errors';
import type { OutboundHttp } from '../outbound/outbound-http';
import type { Client } from './client';
import { validateJwks } from './validate-client-keys';

/** How long a fetched key set is used before it is fetched again. */
const KEY_SET_TTL_MS = 5 * 60_000;
/** An assertion signed by a key the cached set lacks refetches the set, at most this often. */
const KEY_SET_REFETCH_MS = 30_000;
const MAX_REMOTE_ENTRIES = 10_000;

interface RemoteKeySet {
  getKey?: JWTVerifyGetKey;
  fetchedAt: number;
  /** The fetch under way: every request needing this set meanwhile waits on the same one. */
  pending?: Promise<JWTVerifyGetKey>;
}

/**
 * The public keys a `private_key_jwt` client's assertions are verified with: its registered
 * `jwks` (imported once per client snapshot), or the key set at its `jwks_uri`, fetched through
 * the {@link OutboundHttp} port and kept per client for {@link KEY_SET_TTL_MS}. Concurrent
 * requests for one set share one fetch; other clients never wait on it (no global lock). An
 * unknown `kid` refetches at most once per {@link KEY_SET_REFETCH_MS}.
 */
export class ClientKeySets {
  /** Per client snapshot: an updated client is a new snapshot, so a changed `jwks` is never served stale. */
  private readonly registered = new WeakMap<Client, JWTVerifyGetKey>();
  private readonly remote = new Map<string, RemoteKeySet>();

  constructor(
    private readonly http: OutboundHttp,
    private readonly clock: Clock,
  ) {}

  /** The key getter for `client`'s assertions (jose `jwtVerify`); throws `invalid_client` when the client has no keys. */
  keysOf(client: Client): JWTVerifyGetKey {
    if (client.jwks) {
      let getKey = this.registered.get(client);
      if (!getKey) {
        getKey = createLocalJWKSet(client.jwks as unknown as JSONWebKeySet);
        this.registered.set(client, getKey);
      }
      return getKey;
    }
    const uri = client.jwksUri;
    if (!uri) throw errors.invalidClient('client has no registered keys');
    const key = `${client.clientId}\n${uri}`;
    return async (header, token) => {
      const getKey = await this.current(key, uri, false);
      try {
        return await getKey(header, token);
      } catch (error) {
        if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
        const refreshed = await this.current(key, uri, true);
        if (refreshed === getKey) throw error;
        return refreshed(header, token);
      }
    };
  }

  private current(key: string, uri: string, unknownKid: boolean): JWTVerifyGetKey | Promise<JWTVerifyGetKey> {
    const now = this.clock.now().getTime();
    let entry = this.remote.get(key);
    if (entry?.pending) return entry.pending;
    if (entry?.getKey && now - entry.fetchedAt < (unknownKid ? KEY_SET_REFETCH_MS : KEY_SET_TTL_MS)) return entry.getKey;
    if (!entry) {
      if (this.remote.size >= MAX_REMOTE_ENTRIES) this.remote.delete(this.remote.keys().next().value!);
      entry = { fetchedAt: 0 };
      this.remote.set(key, entry);
    }
    const target = entry;
    const pending = this.http.getJson(uri).then(
      (body) => {
        const getKey = createLocalJWKSet(remoteKeySet(body) as unknown as JSONWebKeySet);
        Object.assign(target, { getKey, fetchedAt: this.clock.now().getTime(), pending: undefined });
        return getKey;
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
function remoteKeySet(body: unknown) {
  const keys = (body as { keys?: unknown })?.keys;
  const signing = Array.isArray(keys) ? keys.filter((key) => (key as { use?: unknown })?.use !== 'enc') : keys;
  try {
    return validateJwks({ keys: signing }, 'jwks_uri');
  } catch (error) {
    throw errors.invalidClient(`jwks_uri: ${error instanceof Error ? error.message : 'not a key set'}`);
  }
}
