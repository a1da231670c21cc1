import { createHash } from 'node:crypto';
import { authorizeUrl, codeChallengeS256, createCodeVerifier } from '../../../console/src/pkce';

describe('console PKCE helpers', () => {
  it('makes 43-character unreserved verifiers, different each time', () => {
    const a = createCodeVerifier();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createCodeVerifier()).not.toBe(a);
  });

  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const verifier = createCodeVerifier();
    expect(await codeChallengeS256(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });

  it('builds the /authorize URL of the code flow', () => {
    const url = new URL(
      authorizeUrl({
        issuer: 'http://127.0.0.1:4000',
        clientId: 'console',
        redirectUri: 'http://127.0.0.1:4000/console/callback',
        scope: 'admin',
        state: 's',
        codeChallenge: 'c',
      }),
    );
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:4000/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'console',
      redirect_uri: 'http://127.0.0.1:4000/console/callback',
      scope: 'admin',
      state: 's',
      code_challenge: 'c',
      code_challenge_method: 'S256',
    });
  });
});
