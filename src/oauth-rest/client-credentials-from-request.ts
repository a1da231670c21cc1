import { ensureNoControlCharacter } from '../domain/control-characters';
import { errors } from '../domain/errors';
import { CLIENT_ASSERTION_TYPE, presentedAssertion } from '../domain/clients/client-assertion';
import type { PresentedClientCredentials } from '../domain/clients/presented-client-credentials';

const decode = (value: string): string => {
  // Nothing to decode (the common case: generated ids and secrets are base64url).
  if (value.indexOf('%') < 0 && value.indexOf('+') < 0) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw errors.invalidClient('malformed Basic credentials');
  }
};

/**
 * RFC 6749 §2.3.1: `client_secret_basic` (form-urlencoded id and secret inside
 * Basic) or `client_secret_post`; RFC 7523 §2.2 `client_assertion` (with
 * `client_assertion_type` jwt-bearer: `client_secret_jwt` or `private_key_jwt`,
 * by the assertion's alg, with `endpointPath` so its `aud` may name the URL
 * called); `none` when only `client_id` is sent. Using two methods at once is refused.
 */
export function clientCredentialsFromRequest(req: {
  headers: { authorization?: string };
  body?: unknown;
  /** The route's path (`/t/:issuer/token`) and the issuer segment filling it, for an assertion's `aud`. */
  routePath?: string;
  issuerSegment?: string;
}): PresentedClientCredentials | null {
  const header = req.headers.authorization;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const bodyId = typeof body.client_id === 'string' ? body.client_id : undefined;
  const bodySecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
  const assertion = typeof body.client_assertion === 'string' ? body.client_assertion : undefined;
  const assertionType = typeof body.client_assertion_type === 'string' ? body.client_assertion_type : undefined;
  if (assertion !== undefined || assertionType !== undefined) {
    const basic = header !== undefined && /^basic /i.test(header);
    if (basic || bodySecret !== undefined) throw errors.invalidRequest('use only one client authentication method');
    if (assertionType !== CLIENT_ASSERTION_TYPE) throw errors.invalidClient(`unsupported client_assertion_type`);
    if (assertion === undefined) throw errors.invalidRequest('client_assertion is missing');
    const path = req.routePath && (req.issuerSegment === undefined ? req.routePath : req.routePath.replace(':issuer', req.issuerSegment));
    return { ...presentedAssertion(assertion, bodyId), ...(path ? { endpointPath: path } : {}) };
  }
  if (header && /^basic /i.test(header)) {
    if (bodySecret !== undefined) throw errors.invalidRequest('use only one client authentication method');
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw errors.invalidClient('malformed Basic credentials');
    const clientId = ensureNoControlCharacter('client_id', decode(decoded.slice(0, colon)));
    if (bodyId !== undefined && bodyId !== clientId) throw errors.invalidRequest('client_id does not match the Authorization header');
    return {
      clientId,
      clientSecret: ensureNoControlCharacter('client_secret', decode(decoded.slice(colon + 1))),
      method: 'client_secret_basic',
    };
  }
  if (bodyId === undefined) return null;
  if (bodySecret !== undefined) return { clientId: bodyId, clientSecret: bodySecret, method: 'client_secret_post' };
  return { clientId: bodyId, method: 'none' };
}
