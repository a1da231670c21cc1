import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, timeStep, totp } from '../../../../src/domain/mfa/totp';

/** RFC 6238 Appendix B: seeds of 20, 32 and 64 bytes; 8 digits. */
const SEED_SHA1 = Buffer.from('12345678901234567890', 'ascii');
const SEED_SHA256 = Buffer.from('12345678901234567890123456789012', 'ascii');
const SEED_SHA512 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii');

const VECTORS: ReadonlyArray<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('matches the RFC 6238 test vectors at T=%d', (seconds, sha1, sha256, sha512) => {
    expect(totp(SEED_SHA1, seconds * 1000, 8, 'sha1')).toBe(sha1);
    expect(totp(SEED_SHA256, seconds * 1000, 8, 'sha256')).toBe(sha256);
    expect(totp(SEED_SHA512, seconds * 1000, 8, 'sha512')).toBe(sha512);
  });

  it('matches the RFC 4226 HOTP vectors (6 digits)', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(SEED_SHA1, counter))).toEqual(expected);
  });

  it('accepts one step either side, never a step at or before the last accepted one', () => {
    const now = 1_800_000_000_000;
    const step = timeStep(now);
    const code = (s: number) => hotp(SEED_SHA1, s);
    expect(matchTotp(SEED_SHA1, code(step), now, null)).toBe(step);
    expect(matchTotp(SEED_SHA1, code(step - 1), now, null)).toBe(step - 1);
    expect(matchTotp(SEED_SHA1, code(step + 1), now, null)).toBe(step + 1);
    expect(matchTotp(SEED_SHA1, code(step - 2), now, null)).toBeNull();
    expect(matchTotp(SEED_SHA1, code(step + 2), now, null)).toBeNull();
    expect(matchTotp(SEED_SHA1, code(step), now, step)).toBeNull();
    expect(matchTotp(SEED_SHA1, code(step + 1), now, step)).toBe(step + 1);
    expect(matchTotp(SEED_SHA1, '12345', now, null)).toBeNull();
    expect(matchTotp(SEED_SHA1, 'abcdef', now, null)).toBeNull();
  });

  it('round-trips base32 and builds an otpauth URI', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi==').toString()).toBe('foobar');
    expect(base32Decode(base32Encode(SEED_SHA512))).toEqual(SEED_SHA512);
    expect(() => base32Decode('M1')).toThrow();
    const uri = new URL(otpauthUri(SEED_SHA1, 'Acme IdP', 'alice'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(base32Encode(SEED_SHA1));
    expect(uri.searchParams.get('period')).toBe('30');
  });
});
