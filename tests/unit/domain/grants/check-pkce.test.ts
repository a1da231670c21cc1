import { createHash } from 'node:crypto';
import { checkPkce } from '../../../../src/domain/grants/check-pkce';
import { domainErrorFrom } from '../../expect-domain-error';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const bound = { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' };
const unbound = { codeChallenge: null, codeChallengeMethod: null };

describe('checkPkce (RFC 7636 §4.6, RFC 9700 §2.1.1)', () => {
  it('accepts the RFC 7636 Appendix B verifier for its S256 challenge', () => {
    expect(() => checkPkce(bound, VERIFIER)).not.toThrow();
  });

  it('accepts a code without a challenge when no verifier is sent', () => {
    expect(() => checkPkce(unbound, undefined)).not.toThrow();
  });

  it('refuses a verifier for a code issued without a challenge', () => {
    expect(domainErrorFrom(() => checkPkce(unbound, VERIFIER)).code).toBe('invalid_grant');
  });

  it('requires the verifier when the code has a challenge', () => {
    expect(domainErrorFrom(() => checkPkce(bound, undefined)).code).toBe('invalid_grant');
  });

  it.each([
    ['another valid verifier', 'a'.repeat(43)],
    ['a one-character change', `${VERIFIER.slice(0, -1)}l`],
    ['the challenge itself', CHALLENGE],
  ])('refuses a wrong verifier: %s', (_name, verifier) => {
    expect(domainErrorFrom(() => checkPkce(bound, verifier)).code).toBe('invalid_grant');
  });

  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a reserved character', `${'a'.repeat(42)}+`],
    ['a space', `${'a'.repeat(42)} `],
    ['empty', ''],
  ])('refuses a malformed verifier: %s', (_name, verifier) => {
    expect(domainErrorFrom(() => checkPkce(bound, verifier)).code).toBe('invalid_grant');
  });

  it('refuses any method but S256, e.g. a challenge stored as plain', () => {
    expect(domainErrorFrom(() => checkPkce({ codeChallenge: VERIFIER, codeChallengeMethod: 'plain' }, VERIFIER)).code).toBe(
      'invalid_grant',
    );
    expect(domainErrorFrom(() => checkPkce({ codeChallenge: VERIFIER, codeChallengeMethod: null }, VERIFIER)).code).toBe('invalid_grant');
  });

  it('accepts 43- and 128-character verifiers of every unreserved character class', () => {
    for (const verifier of [`${'A'.repeat(39)}-._~`, `${'z9'.repeat(62)}-._~`]) {
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      expect(() => checkPkce({ codeChallenge: challenge, codeChallengeMethod: 'S256' }, verifier)).not.toThrow();
    }
  });
});
