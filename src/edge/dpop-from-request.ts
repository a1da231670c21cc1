import type { IncomingHttpHeaders } from 'node:http';
import type { DpopPresentation } from '../domain/dpop/dpop-proofs';
import { errors } from '../domain/errors';

const DPOP_SCHEME = /^DPoP +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * What a request offers for DPoP (RFC 9449 §4.1): its `DPoP` header (repeated headers joined
 * with a comma, which a single proof never holds), method, and URL as `htu` — the server's own
 * public URL (ISSUER) and the request path, never the Host header.
 */
export function dpopPresentation(issuer: string, req: { method: string; headers: IncomingHttpHeaders; url?: string }): DpopPresentation {
  const header = req.headers.dpop;
  const path = (req.url ?? '/').split('?', 1)[0]!.split('#', 1)[0]!;
  return { proof: Array.isArray(header) ? header.join(',') : header, htm: req.method, htu: `${issuer}${path}` };
}

/** Whether the request carries a `DPoP` header at all. */
export const hasDpopHeader = (headers: IncomingHttpHeaders): boolean => headers.dpop !== undefined;

/**
 * The access token of `Authorization: DPoP <token>` (RFC 9449 §7.1); null for any other scheme;
 * `invalid_request` when the DPoP scheme is malformed.
 */
export function dpopTokenFromRequest(headers: { authorization?: string }): string | null {
  const header = headers.authorization;
  if (!header || !/^dpop(\s|$)/i.test(header)) return null;
  const match = DPOP_SCHEME.exec(header);
  if (!match) throw errors.invalidRequest('malformed DPoP authorization header');
  return match[1]!;
}

/** RFC 9449 §8.2: a successful DPoP response carries the nonce for the next proof, when the server requires nonces. */
export function withDpopNonce<R extends { headers: Readonly<Record<string, string>> }>(response: R, nonce: string | undefined): R {
  return nonce === undefined ? response : { ...response, headers: { ...response.headers, 'DPoP-Nonce': nonce } };
}
