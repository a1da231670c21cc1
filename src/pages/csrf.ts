import type { ServerSecret } from '../domain/crypto/server-secret';
import { sha256 } from '../domain/crypto/random';

const TYPE = 'idp.csrf.v1';

/**
 * CSRF tokens for the hosted forms (RFC 6749 §10.12, RFC 9700 §4.7): an
 * authenticated encryption, under the server secret, of the form's purpose
 * and a digest of a value only the legitimate browser holds (an HttpOnly
 * cookie). Another site can neither read that cookie nor mint a token for
 * it, so a cross-site post fails even where SameSite is not enforced.
 */
export class CsrfTokens {
  constructor(private readonly secret: ServerSecret) {}

  issue(binding: string, purpose: string): string {
    return this.secret.encrypt(JSON.stringify({ typ: TYPE, purpose, bind: sha256(binding) }), 'csrf');
  }

  verify(token: unknown, binding: string | undefined, purpose: string): boolean {
    if (typeof token !== 'string' || !binding || token.length > 1024) return false;
    try {
      const payload = JSON.parse(this.secret.decrypt(token, 'csrf')) as { typ?: string; purpose?: string; bind?: string };
      return payload.typ === TYPE && payload.purpose === purpose && payload.bind === sha256(binding);
    } catch {
      return false;
    }
  }
}
