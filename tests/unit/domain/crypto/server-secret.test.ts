import { createHash } from 'node:crypto';
import { keyIdOf, MissingSecretKeyError, ServerSecret } from '../../../../src/domain/crypto/server-secret';

const SECRET_A = Buffer.alloc(32, 0xa1);
const SECRET_B = Buffer.alloc(32, 0xb2);

/** Flips one bit of the decoded byte at `index` in one base64url part of a sealed value. */
function tamper(sealed: string, part: 2 | 3 | 4, index = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[index] = bytes[index]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('ServerSecret', () => {
  const secret = new ServerSecret(SECRET_A);

  it('refuses a server secret shorter than 32 bytes', () => {
    expect(() => new ServerSecret(Buffer.alloc(31, 1))).toThrow();
    expect(() => new ServerSecret(Buffer.alloc(32, 1))).not.toThrow();
  });

  describe('digest', () => {
    it('is deterministic HMAC-SHA-256 output in base64url (43 characters) after the key id', () => {
      const digest = secret.digest('client-secret-value');
      expect(digest).toMatch(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/);
      expect(keyIdOf(digest)).toBe(secret.currentKeyId);
      expect(secret.digest('client-secret-value')).toBe(digest);
      expect(new ServerSecret(Buffer.from(SECRET_A)).digest('client-secret-value')).toBe(digest);
    });

    it('differs for different values', () => {
      expect(secret.digest('value-1')).not.toBe(secret.digest('value-2'));
    });

    it('differs between server secrets', () => {
      expect(new ServerSecret(SECRET_B).digest('client-secret-value')).not.toBe(secret.digest('client-secret-value'));
    });

    it('is not a plain SHA-256 of the value', () => {
      expect(secret.digest('v')).not.toBe(createHash('sha256').update('v').digest('base64url'));
    });
  });

  describe('verifyDigest', () => {
    const stored = secret.digest('the-right-secret-000');

    it('is true for the value that was digested', () => {
      expect(secret.verifyDigest('the-right-secret-000', stored)).toBe(true);
    });

    it.each(['the-right-secret-001', '', 'the-right-secret-00'])('is false for another value: %j', (value) => {
      expect(secret.verifyDigest(value, stored)).toBe(false);
    });

    it('is false under another server secret', () => {
      expect(new ServerSecret(SECRET_B).verifyDigest('the-right-secret-000', stored)).toBe(false);
    });

    it.each(['', 'abc', '!!!!', stored.slice(0, -2)])('is false, not an exception, for a malformed stored digest %j', (bad) => {
      expect(secret.verifyDigest('the-right-secret-000', bad)).toBe(false);
    });
  });

  describe('encrypt / decrypt', () => {
    it.each(['', 'hello', '{"kty":"RSA","d":"…"}', 'ünïcødé ✓'.repeat(100)])('round-trips %j', (plaintext) => {
      expect(secret.decrypt(secret.encrypt(plaintext, 'signing-key'), 'signing-key')).toBe(plaintext);
    });

    it('produces v2.<key id>.<iv>.<tag>.<ciphertext> with a 96-bit IV and a 128-bit tag', () => {
      const [version, keyId, iv, tag, body] = secret.encrypt('hello', 'signing-key').split('.');
      expect(version).toBe('v2');
      expect(keyId).toBe(secret.currentKeyId);
      expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
      expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
      expect(Buffer.from(body!, 'base64url')).toHaveLength(5);
    });

    it('never produces the same output twice for the same plaintext (fresh IV)', () => {
      const a = secret.encrypt('same plaintext', 'signing-key');
      const b = secret.encrypt('same plaintext', 'signing-key');
      expect(a).not.toBe(b);
      expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    });

    it('does not leak the plaintext', () => {
      expect(secret.encrypt('very-secret-private-key', 'signing-key')).not.toContain(
        Buffer.from('very-secret-private-key').toString('base64url'),
      );
    });

    it.each([
      ['the IV', 2],
      ['the tag', 3],
      ['the ciphertext', 4],
    ] as const)('refuses a value with tampered %s', (_, part) => {
      expect(() => secret.decrypt(tamper(secret.encrypt('hello', 'signing-key'), part), 'signing-key')).toThrow();
    });

    it('refuses a value sealed under another server secret', () => {
      expect(() => new ServerSecret(SECRET_B).decrypt(secret.encrypt('hello', 'signing-key'), 'signing-key')).toThrow();
    });

    it('refuses to open a value sealed for another purpose', () => {
      const sealed = secret.encrypt('hello', 'csrf');
      expect(secret.decrypt(sealed, 'csrf')).toBe('hello');
      expect(() => secret.decrypt(sealed, 'signing-key')).toThrow();
      expect(() => secret.decrypt(sealed, 'authorization-request')).toThrow();
    });

    it.each(['', 'v1', 'v1.a.b', 'v2.a.b.c', 'not sealed at all'])('refuses a malformed sealed value %j', (sealed) => {
      expect(() => secret.decrypt(sealed, 'signing-key')).toThrow();
    });

    it('refuses a value whose ciphertext was truncated', () => {
      const [version, keyId, iv, tag, body] = secret.encrypt('hello world', 'signing-key').split('.');
      const truncated = Buffer.from(body!, 'base64url').subarray(0, 5).toString('base64url');
      expect(() => secret.decrypt([version, keyId, iv, tag, truncated].join('.'), 'signing-key')).toThrow();
    });

    // Node accepts 4- to 16-byte GCM tags unless the length is pinned.
    it('refuses a value whose authentication tag was truncated to 4 bytes', () => {
      const [version, keyId, iv, tag, body] = secret.encrypt('hello', 'signing-key').split('.');
      const short = Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url');
      expect(() => secret.decrypt([version, keyId, iv, short, body].join('.'), 'signing-key')).toThrow();
    });
  });

  describe('keyring (SECRET_KEYS, newest first)', () => {
    const ring = new ServerSecret([SECRET_B, SECRET_A]);
    const onlyB = new ServerSecret(SECRET_B);

    it('seals and keys new values under the newest key; older keys still open and verify theirs', () => {
      expect(ring.keyIds).toEqual([onlyB.currentKeyId, secret.currentKeyId]);
      const sealedUnderA = secret.encrypt('totp', 'totp-secret');
      expect(ring.decrypt(sealedUnderA, 'totp-secret')).toBe('totp');
      expect(ring.isCurrent(sealedUnderA)).toBe(false);
      const resealed = ring.reseal(sealedUnderA, 'totp-secret');
      expect(ring.isCurrent(resealed)).toBe(true);
      expect(onlyB.decrypt(resealed, 'totp-secret')).toBe('totp');

      const digestUnderA = secret.digest('client-secret');
      expect(ring.verifyDigest('client-secret', digestUnderA)).toBe(true);
      expect(ring.verifyDigest('other-secret', digestUnderA)).toBe(false);
      expect(ring.digest('client-secret')).toBe(onlyB.digest('client-secret'));
      expect(ring.digestCandidates('client-secret')).toEqual(expect.arrayContaining([digestUnderA, onlyB.digest('client-secret')]));
    });

    it('names the missing key when a value was sealed under a key not in the ring, and refuses its digests', () => {
      const sealedUnderA = secret.encrypt('x', 'signing-key');
      expect(() => onlyB.decrypt(sealedUnderA, 'signing-key')).toThrow(MissingSecretKeyError);
      expect(() => onlyB.decrypt(sealedUnderA, 'signing-key')).toThrow(secret.currentKeyId);
      expect(onlyB.verifyDigest('client-secret', secret.digest('client-secret'))).toBe(false);
    });

    it('opens and verifies values from before keyrings (no key id) under each key in turn', () => {
      const legacy = (() => {
        // v1.<iv>.<tag>.<ciphertext> under A: the same cipher, without the key id.
        const [, , iv, tag, body] = secret.encrypt('old', 'mail-body').split('.');
        return ['v1', iv, tag, body].join('.');
      })();
      expect(ring.decrypt(legacy, 'mail-body')).toBe('old');
      expect(() => onlyB.decrypt(legacy, 'mail-body')).toThrow();
      const legacyDigest = secret.digest('client-secret').split('.')[1]!;
      expect(keyIdOf(legacyDigest)).toBeNull();
      expect(ring.verifyDigest('client-secret', legacyDigest)).toBe(true);
      expect(onlyB.verifyDigest('client-secret', legacyDigest)).toBe(false);
    });
  });
});
