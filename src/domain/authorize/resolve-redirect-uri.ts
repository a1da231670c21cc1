import type { Client } from '../clients/client';
import { isValidRedirectUri, redirectUriMatches } from '../clients/validate-redirect-uri';
import { ensure, errors } from '../errors';

/**
 * RFC 6749 §3.1.2.3 with RFC 9700 §2.1 (exact string matching): the presented
 * `redirect_uri` must equal a registered one. When none is presented and the
 * client registered exactly one, that one is used. The result is always the
 * registered string itself, never a re-serialised form, and a registered
 * string the current rules refuse (stored before they existed) is never used.
 * Failures are
 * `invalid_request` and must be shown to the user, never redirected
 * (RFC 6749 §4.1.2.1).
 */
export function resolveRedirectUri(client: Client, presented: string | undefined): string {
  if (presented === undefined) {
    ensure(client.redirectUris.length === 1, () =>
      errors.invalidRequest('redirect_uri is required because the client has several registered redirect URIs', 'redirect_uri'),
    );
    const only = client.redirectUris[0]!;
    ensure(isValidRedirectUri(only), () =>
      errors.invalidRequest('the registered redirect URI of this client is not valid; the client must register it again', 'redirect_uri'),
    );
    return only;
  }
  ensure(redirectUriMatches(client.redirectUris, presented), () =>
    errors.invalidRequest('redirect_uri is not registered for this client', 'redirect_uri'),
  );
  return presented;
}
