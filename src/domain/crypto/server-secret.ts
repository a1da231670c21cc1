import { createCipheriv, createDecipheriv, createHmac, hash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a sealed value is for; bound as GCM associated data, so one kind can never be opened as another. */
export type SealPurpose =
  | 'signing-key'
  | 'authorization-request'
  | 'pushed-authorization-request'
  | 'csrf'
  | 'device-verification'
  | 'client-secret'
  | 'totp-secret'
  | 'webauthn-challenge'
  | 'mail-body'
  | 'refresh-successor'
  | 'idp-client-secret'
  | 'federation-state'
  | 'upstream-id-token'
  | 'upstream-logout-state'
  | 'federation-link'
  | 'webhook-secret';

/** One SECRET_KEYS entry and the keys derived from it. */
interface RingKey {
  /** A short public fingerprint of the secret (HKDF, so it reveals nothing of it): what sealed values and digests name. */
  readonly id: string;
  readonly secret: Buffer;
  readonly digestKey: Buffer;
  readonly encryptionKey: Buffer;
}

/** Where a stored value says its key is: `v2.<key id>.…` sealed values, `<key id>.<mac>` digests; null for the formats before keyrings. */
export function keyIdOf(stored: string): string | null {
  const parts = stored.split('.');
  if (parts[0] === 'v2' && parts.length === 5) return parts[1]!;
  if (parts.length === 2 && parts[0] !== 'v1') return parts[0]!;
  return null;
}

/** A sealed value or digest names a key the keyring does not hold. */
export class MissingSecretKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`a value is sealed or keyed under SECRET_KEYS key ${keyId}, which is not configured`);
  }
}

/**
 * Keys derived from the server secrets (SECRET_KEYS, newest first; SECRET_KEY is a
 * keyring of one), which live outside the database: one keys client-secret
 * digests, one encrypts private keys at rest. Derivation is HKDF-SHA-256 with
 * distinct labels, so neither key reveals the other. The newest secret seals and
 * keys every new value; each stored value names the key id it was made with, so
 * older secrets still open and verify theirs until `tenant-idp secrets rotate`
 * (src/domain/crypto/secret-rotation.ts) has moved them to the newest.
 */
export class ServerSecret {
  private readonly ring: readonly RingKey[];
  private readonly byId: ReadonlyMap<string, RingKey>;
  /** HMAC keys derived on first use, one per {@link mac} label. */
  private readonly macKeys = new Map<string, Buffer>();
  /** Random per process: keys {@link fingerprint}s, which never leave the process. */
  private readonly fingerprintKey = randomBytes(32).toString('base64');

  /** `secrets`: newest first. */
  constructor(secrets: Buffer | readonly Buffer[]) {
    const list = Buffer.isBuffer(secrets) ? [secrets] : [...secrets];
    if (list.length === 0) throw new Error('server secret: at least one key is needed');
    this.ring = list.map((secret) => {
      if (secret.length < 32) throw new Error('server secret must be at least 32 bytes');
      return {
        id: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'idp key id v1', 6)).toString('base64url'),
        secret: Buffer.from(secret),
        digestKey: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'idp client-secret digest v1', 32)),
        encryptionKey: Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'idp key encryption v1', 32)),
      };
    });
    this.byId = new Map(this.ring.map((key) => [key.id, key]));
  }

  /** The key ids of the keyring, newest first. */
  get keyIds(): readonly string[] {
    return this.ring.map((key) => key.id);
  }

  /** The newest key's id: what new sealed values and digests name. */
  get currentKeyId(): string {
    return this.ring[0]!.id;
  }

  /** Whether a sealed value or digest was made with the newest key. */
  isCurrent(stored: string): boolean {
    return keyIdOf(stored) === this.ring[0]!.id;
  }

  /** HMAC-SHA-256 of a client secret under the newest key, as `<key id>.<base64url>`; what the database stores. */
  digest(value: string): string {
    const key = this.ring[0]!;
    return `${key.id}.${createHmac('sha256', key.digestKey).update(value, 'utf8').digest('base64url')}`;
  }

  /**
   * Every digest of `value` a store may hold: under each key of the ring, and in the format before keyrings
   * (no key id, the newest key first): for lookups by digest.
   */
  digestCandidates(value: string): string[] {
    const macs = this.ring.map((key) => [key.id, createHmac('sha256', key.digestKey).update(value, 'utf8').digest('base64url')] as const);
    return [...macs.map(([id, mac]) => `${id}.${mac}`), ...macs.map(([, mac]) => mac)];
  }

  /**
   * HMAC-SHA-256 of `value`, base64url, under a key derived (HKDF) from the newest secret for `label` alone: the same on
   * every process sharing SECRET_KEYS, so a value one process made (a DPoP nonce) verifies on all.
   */
  mac(label: 'dpop-nonce', value: string): string {
    let key = this.macKeys.get(label);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.ring[0]!.secret, Buffer.alloc(0), `idp ${label} v1`, 32));
      this.macKeys.set(label, key);
    }
    return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
  }

  /**
   * Constant-time comparison of a presented secret with a stored digest, under the key the digest names;
   * a digest from before keyrings (no key id) is tried under every key. False for a key not in the ring.
   */
  verifyDigest(value: string, storedDigest: string): boolean {
    const id = keyIdOf(storedDigest);
    const candidates =
      id === null
        ? this.ring.map((key) => [key, storedDigest] as const)
        : [[this.byId.get(id), storedDigest.slice(id.length + 1)] as const];
    let matched = false;
    for (const [key, mac] of candidates) {
      const presented = createHmac('sha256', (key ?? this.ring[0]!).digestKey)
        .update(value, 'utf8')
        .digest();
      const stored = Buffer.from(mac, 'base64url');
      matched = (key !== undefined && stored.length === presented.length && timingSafeEqual(presented, stored)) || matched;
    }
    return matched;
  }

  /**
   * A keyed SHA-256 fingerprint of a presented secret, to remember in memory
   * one that already verified against its stored digest (compare with
   * {@link sameFingerprint}). Keyed by a random per-process key and never
   * stored or sent, so it reveals nothing offline; a one-shot hash costs a
   * fraction of the HMAC object {@link verifyDigest} builds.
   */
  fingerprint(value: string): Buffer {
    return Buffer.from(hash('sha256', this.fingerprintKey + value, 'hex'), 'hex');
  }

  /** Constant-time comparison of two {@link fingerprint}s. */
  sameFingerprint(a: Buffer, b: Buffer): boolean {
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** AES-256-GCM under the newest key with the purpose as associated data; output `v2.<key id>.<iv>.<tag>.<ciphertext>` in base64url. */
  encrypt(plaintext: string, purpose: SealPurpose): string {
    const key = this.ring[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.encryptionKey, iv);
    cipher.setAAD(Buffer.from(`idp:${purpose}`, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', key.id, ...[iv, cipher.getAuthTag(), body].map((p) => p.toString('base64url'))].join('.');
  }

  /**
   * Opens a value sealed for the same purpose, under the key it names (`v1` values, sealed before keyrings,
   * under each key in turn); throws for anything tampered, truncated or sealed for another purpose, and
   * {@link MissingSecretKeyError} for a key the ring does not hold.
   */
  decrypt(sealed: string, purpose: SealPurpose): string {
    const parts = sealed.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const key = this.byId.get(parts[1]!);
      if (!key) throw new MissingSecretKeyError(parts[1]!);
      return open(key, parts[2]!, parts[3]!, parts[4]!, purpose);
    }
    const [version, iv, tag, body] = parts;
    if (version !== 'v1' || parts.length !== 4 || !iv || !tag || body === undefined) throw new Error('unrecognised sealed value');
    let failure: unknown;
    for (const key of this.ring) {
      try {
        return open(key, iv, tag, body, purpose);
      } catch (error) {
        failure ??= error;
      }
    }
    throw failure as Error;
  }

  /** Re-seals a value under the newest key (for `secrets rotate`); the value itself unchanged. */
  reseal(sealed: string, purpose: SealPurpose): string {
    return this.encrypt(this.decrypt(sealed, purpose), purpose);
  }
}

function open(key: RingKey, iv: string, tag: string, body: string, purpose: SealPurpose): string {
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  // Fixed 96-bit IV and full 128-bit tag: Node would otherwise accept truncated tags.
  if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new Error('unrecognised sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key.encryptionKey, ivBytes, { authTagLength: 16 });
  decipher.setAuthTag(tagBytes);
  decipher.setAAD(Buffer.from(`idp:${purpose}`, 'utf8'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
