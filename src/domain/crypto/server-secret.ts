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
  | 'webhook-secret';

/**
 * Keys derived from the server secret (SECRET_KEY), which lives outside the
 * database: one keys client-secret digests, one encrypts private keys at rest.
 * Derivation is HKDF-SHA-256 with distinct labels, so neither key reveals the other.
 */
export class ServerSecret {
  private readonly digestKey: Buffer;
  private readonly encryptionKey: Buffer;
  /** HMAC keys derived on first use, one per {@link mac} label. */
  private readonly macKeys = new Map<string, Buffer>();
  private readonly secret: Buffer;
  /** Random per process: keys {@link fingerprint}s, which never leave the process. */
  private readonly fingerprintKey = randomBytes(32).toString('base64');

  constructor(secret: Buffer) {
    if (secret.length < 32) throw new Error('server secret must be at least 32 bytes');
    this.secret = Buffer.from(secret);
    this.digestKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'idp client-secret digest v1', 32));
    this.encryptionKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'idp key encryption v1', 32));
  }

  /** HMAC-SHA-256 of a client secret, base64url; what the database stores. */
  digest(value: string): string {
    return createHmac('sha256', this.digestKey).update(value, 'utf8').digest('base64url');
  }

  /**
   * HMAC-SHA-256 of `value`, base64url, under a key derived (HKDF) for `label` alone: the same on
   * every process sharing SECRET_KEY, so a value one process made (a DPoP nonce) verifies on all.
   */
  mac(label: 'dpop-nonce', value: string): string {
    let key = this.macKeys.get(label);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.secret, Buffer.alloc(0), `idp ${label} v1`, 32));
      this.macKeys.set(label, key);
    }
    return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
  }

  /** Constant-time comparison of a presented secret with a stored digest. */
  verifyDigest(value: string, storedDigest: string): boolean {
    const presented = createHmac('sha256', this.digestKey).update(value, 'utf8').digest();
    const stored = Buffer.from(storedDigest, 'base64url');
    return stored.length === presented.length && timingSafeEqual(presented, stored);
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

  /** AES-256-GCM with the purpose as associated data; output `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  encrypt(plaintext: string, purpose: SealPurpose): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(`idp:${purpose}`, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** Opens a value sealed for the same purpose; throws for anything tampered, truncated or sealed for another purpose. */
  decrypt(sealed: string, purpose: SealPurpose): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised sealed value');
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    // Fixed 96-bit IV and full 128-bit tag: Node would otherwise accept truncated tags.
    if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new Error('unrecognised sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, ivBytes, { authTagLength: 16 });
    decipher.setAuthTag(tagBytes);
    decipher.setAAD(Buffer.from(`idp:${purpose}`, 'utf8'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
