import { chooseClientSecret } from '../../../src/domain/clients/client-secret';
import { validateRedirectUri } from '../../../src/domain/clients/validate-redirect-uri';
import { ensureNoControlCharacter, hasControlCharacter } from '../../../src/domain/control-characters';
import { validateScopeList } from '../../../src/domain/scopes';
import { validatePassword, validateUserProfile } from '../../../src/domain/users/validate-user-profile';
import { validateDisplayName } from '../../../src/domain/validate-display-name';
import { isDataException } from '../../../src/data/infrastructure-failure';
import { domainErrorOf, isRefusedByDatabase } from '../../../src/edge/domain-error-of';
import { domainErrorFrom } from '../expect-domain-error';

describe('input validation (issue 12 item 2)', () => {
  it('control characters: C0, DEL and C1 are found; tab only when allowed', () => {
    for (const c of ['\u0000', '\u0001', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f'])
      expect(hasControlCharacter(`a${c}b`)).toBe(true);
    expect(hasControlCharacter('a\tb')).toBe(true);
    expect(hasControlCharacter('a\tb', true)).toBe(false);
    expect(hasControlCharacter('a\u0000b', true)).toBe(true);
    expect(hasControlCharacter('äé 漢字 🙂 ~!')).toBe(false);
    expect(domainErrorFrom(() => ensureNoControlCharacter('client_id', 'x\u0000')).field).toBe('client_id');
    expect(domainErrorFrom(() => ensureNoControlCharacter('client_id', 'x\u0000')).code).toBe('invalid_request');
  });

  it('a supplied client secret: 20-512 characters, no control character, not one character repeated', () => {
    for (const bad of ['short', '\u0000'.repeat(32), 'a'.repeat(32), `${'x'.repeat(20)}\n`, 'y'.repeat(513)]) {
      const error = domainErrorFrom(() => chooseClientSecret(bad));
      expect(error).toMatchObject({ code: 'validation_failed', field: 'clientSecret' });
    }
    expect(chooseClientSecret('correct horse battery staple')).toBe('correct horse battery staple');
    expect(chooseClientSecret(undefined).length).toBeGreaterThanOrEqual(43);
  });

  it('configured scopes: RFC 6749 §3.3 scope-tokens of at most 128 characters, at most 100', () => {
    expect(validateScopeList(['openid', 'a:b/c', 'x'.repeat(128)], 'allowedScopes')).toHaveLength(3);
    for (const bad of [['s'.repeat(129)], ['a b'], ['a"b'], ['a\\b'], ['é'], [''], Array.from({ length: 101 }, (_, i) => `s${i}`)]) {
      expect(domainErrorFrom(() => validateScopeList(bad, 'allowedScopes'))).toMatchObject({
        code: 'validation_failed',
        field: 'allowedScopes',
      });
    }
  });

  it('names, profile fields, passwords and redirect URIs refuse control characters, naming the field', () => {
    expect(domainErrorFrom(() => validateDisplayName('a\u0000b')).field).toBe('name');
    expect(domainErrorFrom(() => validateUserProfile({ firstname: 'a\u0007' })).field).toBe('firstname');
    expect(domainErrorFrom(() => validatePassword('password\u0000123')).field).toBe('password');
    expect(validatePassword('pass\tword-123')).toBe('pass\tword-123');
    expect(domainErrorFrom(() => validateRedirectUri('https://a.example/\ncb')).field).toBe('redirectUris');
    expect(domainErrorFrom(() => validateRedirectUri(`https://a.example/${'p'.repeat(2000)}`)).field).toBe('redirectUris');
  });

  it('a PostgreSQL data exception (SQLSTATE class 22) is invalid_request, flagged for a warning', () => {
    const driver = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const wrapped = new Error('wrapped', { cause: driver });
    expect(isDataException(wrapped)).toBe(true);
    expect(isDataException(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    const mapped = domainErrorOf(wrapped);
    expect(mapped?.code).toBe('invalid_request');
    expect(isRefusedByDatabase(mapped!)).toBe(true);
    expect(domainErrorOf(Object.assign(new Error('too long'), { code: '22001' }))?.code).toBe('invalid_request');
  });
});
