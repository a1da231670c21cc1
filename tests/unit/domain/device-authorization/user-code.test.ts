import {
  formatUserCode,
  generateUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
} from '../../../../src/domain/device-authorization/device-authorization';

describe('RFC 8628 user codes', () => {
  it('are 8 letters of an alphabet without vowels or look-alikes, shown as XXXX-XXXX', () => {
    expect(USER_CODE_ALPHABET).not.toMatch(/[AEIOUY01]/);
    for (let i = 0; i < 200; i++) {
      const code = generateUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      expect(formatUserCode(code)).toBe(`${code.slice(0, 4)}-${code.slice(4)}`);
    }
  });

  it('are read case-insensitively, with dashes and white space ignored', () => {
    for (const typed of ['BCDF-GHJK', 'bcdf-ghjk', ' bcdf ghjk ', 'BCDFGHJK', 'b-c-d-f-g-h-j-k']) {
      expect(normalizeUserCode(typed)).toBe('BCDFGHJK');
    }
  });

  it('refuse what cannot be a code', () => {
    for (const typed of [undefined, '', 'BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH', 'BCDF-GHJ1', 'BCDF_GHJK', 'x'.repeat(100)]) {
      expect(normalizeUserCode(typed)).toBeNull();
    }
  });
});
