import { ensure, errors } from '../errors';

/** RFC 7636 §4.2: code-challenge = 43*128unreserved. */
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

export interface CodeChallenge {
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
}

/**
 * RFC 7636 §4.3-4.4 and RFC 9700 §2.1.1: only `S256` is accepted; `plain`
 * (also the default when `code_challenge_method` is absent) is refused with
 * `invalid_request`. A challenge is required when `required` (public
 * clients, docs/contract.md) and accepted from every client.
 */
export function checkCodeChallenge(challenge: string | undefined, method: string | undefined, required: boolean): CodeChallenge {
  if (challenge === undefined) {
    ensure(method === undefined, () => errors.invalidRequest('code_challenge_method was sent without code_challenge', 'code_challenge'));
    ensure(!required, () =>
      errors.invalidRequest('PKCE is required for this client: send code_challenge with code_challenge_method=S256', 'code_challenge'),
    );
    return { codeChallenge: null, codeChallengeMethod: null };
  }
  ensure(method === 'S256', () =>
    errors.invalidRequest('code_challenge_method must be S256 (plain is not supported)', 'code_challenge_method'),
  );
  ensure(CODE_CHALLENGE.test(challenge), () =>
    errors.invalidRequest('code_challenge must be 43-128 characters of A-Z a-z 0-9 - . _ ~', 'code_challenge'),
  );
  return { codeChallenge: challenge, codeChallengeMethod: 'S256' };
}
