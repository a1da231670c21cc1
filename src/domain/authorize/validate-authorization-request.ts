import type { Client } from '../clients/client';
import { DomainError, ensure, errors } from '../errors';
import { parseScope } from '../scopes';
import type { AuthorizationRequest, RawAuthorizationParams } from './authorization-request';
import { checkCodeChallenge } from './check-code-challenge';
import { parseMaxAge, parsePrompt } from './parse-prompt';
import { readParam, readResources } from './read-param';
import { isThumbprint } from '../dpop/jwk-thumbprint';

/**
 * Validates everything after the client and its redirect URI are trusted;
 * every failure here is reported by redirect (RFC 6749 §4.1.2.1).
 *
 * - `request` and `request_uri` (OIDC Core §6, request objects) are not
 *   supported: `request_not_supported` / `request_uri_not_supported`, never
 *   silently ignored (discovery says `request_parameter_supported: false`,
 *   `request_uri_parameter_supported: false`).
 * - `response_type` must be `code` (`unsupported_response_type`); only the
 *   `query` response mode exists.
 * - the client must hold the `authorization_code` grant (`unauthorized_client`).
 * - `scope` is required and must be a subset of the client's allowed scopes
 *   (`invalid_scope`). RFC 6749 §3.3 lets a server either default an omitted
 *   scope or fail; we fail, because the client's allowed list is an upper
 *   bound, not a default, and defaulting would silently ask a user to
 *   delegate e.g. `offline_access` or `admin`.
 * - PKCE per {@link checkCodeChallenge}; required for public clients.
 * - `prompt` and `max_age` per OIDC Core §3.1.2.1; `nonce` kept as sent.
 */
export function validateAuthorizationRequest(client: Client, redirectUri: string, params: RawAuthorizationParams): AuthorizationRequest {
  ensure(
    readParam(params, 'request') === undefined,
    () => new DomainError('request_not_supported', 'the request parameter (request objects) is not supported'),
  );
  ensure(
    readParam(params, 'request_uri') === undefined,
    () => new DomainError('request_uri_not_supported', 'the request_uri parameter is not supported'),
  );
  const responseType = readParam(params, 'response_type');
  ensure(responseType !== undefined, () => errors.invalidRequest('response_type is required', 'response_type'));
  ensure(responseType === 'code', () => new DomainError('unsupported_response_type', 'only response_type=code is supported'));
  const responseMode = readParam(params, 'response_mode');
  ensure(responseMode === undefined || responseMode === 'query', () =>
    errors.invalidRequest('only response_mode=query is supported', 'response_mode'),
  );
  ensure(client.grantTypes.includes('authorization_code'), () =>
    errors.unauthorizedClient('this client may not use the authorization code flow'),
  );
  const scopes = parseScope(readParam(params, 'scope'));
  ensure(scopes.length > 0, () => errors.invalidScope('scope is required'));
  const refused = scopes.filter((scope) => !client.allowedScopes.includes(scope));
  ensure(refused.length === 0, () => errors.invalidScope(`scope not allowed for this client: ${refused.join(' ')}`));
  const pkce = checkCodeChallenge(readParam(params, 'code_challenge'), readParam(params, 'code_challenge_method'), client.isPublic);
  return {
    clientId: client.clientId,
    redirectUri,
    scopes,
    resources: readResources(params),
    state: readParam(params, 'state') ?? null,
    nonce: readParam(params, 'nonce') ?? null,
    dpopJkt: readDpopJkt(params),
    ...pkce,
    prompt: parsePrompt(readParam(params, 'prompt')),
    maxAge: parseMaxAge(readParam(params, 'max_age')),
  };
}

/** RFC 9449 §10 `dpop_jkt`: a JWK SHA-256 thumbprint (base64url), or null when not sent. */
function readDpopJkt(params: RawAuthorizationParams): string | null {
  const value = readParam(params, 'dpop_jkt');
  if (value === undefined) return null;
  ensure(isThumbprint(value), () => errors.invalidRequest('dpop_jkt must be a JWK SHA-256 thumbprint (base64url)', 'dpop_jkt'));
  return value;
}
