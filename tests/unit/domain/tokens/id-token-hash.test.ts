import { createHash } from 'node:crypto';
import { idTokenHash } from '../../../../src/domain/tokens/id-token-hash';

describe('idTokenHash (OIDC Core §3.1.3.6 at_hash)', () => {
  it('matches a published RS256 example: left half of SHA-256, base64url', () => {
    expect(idTokenHash('dNZX1hEZ9wBCzNL40Upu646bdzQA', 'RS256')).toBe('wfgvmE9VxjAudsl9lc6TqA');
  });

  it('uses SHA-256 for ES256 as for RS256', () => {
    expect(idTokenHash('some.access.token', 'ES256')).toBe(idTokenHash('some.access.token', 'RS256'));
  });

  it('uses the left half of SHA-512 for EdDSA (Ed25519), as openid-client and node-oidc-provider expect', () => {
    const token = 'eyJhbGciOiJFZERTQSJ9.e30.c2ln';
    const expected = createHash('sha512').update(token).digest().subarray(0, 32).toString('base64url');
    expect(idTokenHash(token, 'EdDSA')).toBe(expected);
    expect(idTokenHash(token, 'EdDSA')).toHaveLength(43);
    expect(idTokenHash(token, 'RS256')).toHaveLength(22);
  });
});
