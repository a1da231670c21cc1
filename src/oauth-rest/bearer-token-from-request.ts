import { errors } from '../domain/errors';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * RFC 6750 §2.1 `Authorization: Bearer` or §2.2 form-encoded `access_token`
 * (POST bodies only; the §2.3 query parameter is not accepted). Null when
 * neither is present; `invalid_request` when the header is malformed or both
 * methods are used (§2: "MUST NOT use more than one method").
 */
export function bearerTokenFromRequest(req: { method: string; headers: { authorization?: string }; body?: unknown }): string | null {
  const header = req.headers.authorization;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const fromBody = req.method === 'POST' && typeof body.access_token === 'string' ? body.access_token : undefined;
  let fromHeader: string | undefined;
  if (header && /^bearer(\s|$)/i.test(header)) {
    const match = BEARER.exec(header);
    if (!match) throw errors.invalidRequest('malformed Bearer authorization header');
    fromHeader = match[1];
  }
  if (fromHeader !== undefined && fromBody !== undefined) throw errors.invalidRequest('use only one method to send the access token');
  return fromHeader ?? fromBody ?? null;
}
