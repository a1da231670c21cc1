import { createHash, timingSafeEqual } from 'node:crypto';
import { ensure, errors } from '../errors';

/** RFC 7636 §4.1: code-verifier = 43*128unreserved. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export interface PkceBinding {
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: string | null;
}

/**
 * RFC 7636 §4.6 at the token endpoint: when the code carries a challenge, the
 * `code_verifier` is required, must be 43-128 unreserved characters and must
 * hash (S256, the only method we accept) to the challenge, compared in
 * constant time. RFC 9700 §2.1.1: a verifier sent for a code issued without a
 * challenge is refused too. Every failure is `invalid_grant`.
 */
export function checkPkce(binding: PkceBinding, verifier: string | undefined): void {
  if (binding.codeChallenge === null) {
    ensure(verifier === undefined, () => errors.invalidGrant('code_verifier sent, but the authorization request had no code_challenge'));
    return;
  }
  ensure(verifier !== undefined, () => errors.invalidGrant('code_verifier is required'));
  ensure(CODE_VERIFIER.test(verifier), () => errors.invalidGrant('code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~'));
  ensure(binding.codeChallengeMethod === 'S256', () => errors.invalidGrant('unsupported code_challenge_method'));
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'), 'ascii');
  const expected = Buffer.from(binding.codeChallenge, 'ascii');
  ensure(computed.length === expected.length && timingSafeEqual(computed, expected), () =>
    errors.invalidGrant('code_verifier does not match the code_challenge'),
  );
}
