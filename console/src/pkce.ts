/** PKCE (RFC 7636) with S256, on WebCrypto: what the console sends to /authorize and /token. */

const base64url = (bytes: Uint8Array): string => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** A code verifier of 43 characters from 32 random bytes (RFC 7636 §4.1: 43-128 unreserved characters). */
export function createCodeVerifier(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return base64url(random(new Uint8Array(32)));
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2). */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** A random `state` value binding the callback to the request that started it. */
export const createState = (): string => createCodeVerifier();

export interface AuthorizeUrlInput {
  /** The issuer's base URL: ISSUER's origin, or a tenant's `{I}`; the endpoint is `{issuer}/authorize`. */
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  codeChallenge: string;
}

/** The `{issuer}/authorize` URL of the code flow with PKCE. */
export function authorizeUrl(input: AuthorizeUrlInput): string {
  const url = new URL(`${input.issuer.replace(/\/+$/, '')}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    scope: input.scope,
    state: input.state,
    code_challenge: input.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}
