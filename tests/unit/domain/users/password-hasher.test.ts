import { decoyPasswordHash, hashPassword, verifyPassword } from '../../../../src/domain/users/password-hasher';

/** OWASP argon2id minimum (docs/contract.md): m=19456 KiB, t=2, p=1, PHC string format. */
const PHC_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

describe('password hasher', () => {
  let hash: string;

  beforeAll(async () => {
    hash = await hashPassword('correct horse battery staple');
  });

  it('produces an argon2id PHC string with the configured cost', () => {
    expect(hash.startsWith(PHC_PREFIX)).toBe(true);
    expect(hash.slice(PHC_PREFIX.length)).toMatch(/^[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
  });

  it('verifies the right password', async () => {
    await expect(verifyPassword(hash, 'correct horse battery staple')).resolves.toBe(true);
  });

  it.each(['correct horse battery stapl', 'Correct horse battery staple', ''])('rejects a wrong password %j', async (password) => {
    await expect(verifyPassword(hash, password)).resolves.toBe(false);
  });

  it.each([
    ['garbage', 'not-a-hash'],
    ['empty', ''],
    ['truncated', () => hash.slice(0, 40)],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuuK0c1Rw5Pj5P0f2c6oBc3dq0kq2m2b2K'],
  ])('answers false, without throwing, for a %s hash', async (_, stored) => {
    const value = typeof stored === 'function' ? stored() : stored;
    await expect(verifyPassword(value, 'correct horse battery staple')).resolves.toBe(false);
  });

  it('keeps one decoy hash, also argon2id, for unknown users', async () => {
    const decoy = await decoyPasswordHash();
    expect(decoy.startsWith(PHC_PREFIX)).toBe(true);
    expect(await decoyPasswordHash()).toBe(decoy);
    await expect(verifyPassword(decoy, 'anything at all')).resolves.toBe(false);
  });
});
