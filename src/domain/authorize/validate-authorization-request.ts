import type { Client } from '../clients/client';
import { DomainError, ensure, errors } from '../errors';
import { KNOWN_SCOPES, parseScope } from '../scopes';
import type { AuthorizationRequest, RawAuthorizationParams, ResponseMode } from './authorization-request';
import { checkCodeChallenge } from './check-code-challenge';
import { parseMaxAge, parsePrompt } from './parse-prompt';
import { readParam, readResources } from './read-param';
import { isThumbprint } from '../dpop/jwk-thumbprint';
import type { ProfileRequirements } from '../profiles/security-profile';

/**
 * Validates everything after the client and its redirect URI are trusted;
 * every failure here is reported by redirect (RFC 6749 §4.1.2.1).
 *
 * - `request` (RFC 9101 request objects) never reaches this point: a request
 *   carrying one is replaced by the object's parameters before (RequestObjects).
 *   A `request_uri` that reaches this point is not one of our RFC 9126 URNs
 *   (those are replaced by their pushed parameters before, see
 *   PushedAuthorizationService): nothing is fetched, `request_uri_not_supported`
 *   (`request_uri_parameter_supported: false`).
 * - `response_type` must be `code` (`unsupported_response_type`);
 *   `response_mode` is `query` (the default) or `form_post`, the latter only
 *   for an http(s) redirect URI (a browser cannot post to an app's private
 *   scheme); anything else is `invalid_request`.
 * - the client must hold the `authorization_code` grant (`unauthorized_client`).
 * - `scope` is required (`invalid_scope`). RFC 6749 §3.3 lets a server either
 *   default an omitted scope or fail; we fail, because the client's allowed
 *   list is an upper bound, not a default, and defaulting would silently ask
 *   a user to delegate e.g. `offline_access` or `admin`. See
 *   {@link requestedScopes} for which values are refused or ignored.
 * - PKCE per {@link checkCodeChallenge}; required for public clients, and for every client
 *   whose security profile says so (`required.pkce`, FAPI2).
 * - `prompt` and `max_age` per OIDC Core §3.1.2.1; `nonce` kept as sent.
 */
export function validateAuthorizationRequest(
  client: Client,
  redirectUri: string,
  params: RawAuthorizationParams,
  required?: Pick<ProfileRequirements, 'pkce'>,
): AuthorizationRequest {
  ensure(
    readParam(params, 'request_uri') === undefined,
    () => new DomainError('request_uri_not_supported', 'the request_uri parameter is not supported'),
  );
  const responseType = readParam(params, 'response_type');
  ensure(responseType !== undefined, () => errors.invalidRequest('response_type is required', 'response_type'));
  ensure(responseType === 'code', () => new DomainError('unsupported_response_type', 'only response_type=code is supported'));
  const responseMode = readResponseMode(readParam(params, 'response_mode'), redirectUri);
  ensure(client.grantTypes.includes('authorization_code'), () =>
    errors.unauthorizedClient('this client may not use the authorization code flow'),
  );
  const scopes = requestedScopes(client, readParam(params, 'scope'));
  const pkce = checkCodeChallenge(
    readParam(params, 'code_challenge'),
    readParam(params, 'code_challenge_method'),
    client.isPublic || required?.pkce === true,
  );
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
    acrValues: (readParam(params, 'acr_values') ?? '').split(' ').filter((value) => value.length > 0),
    responseMode,
  };
}

/** RFC 9449 §10 `dpop_jkt`: a JWK SHA-256 thumbprint (base64url), or null when not sent. */
function readDpopJkt(params: RawAuthorizationParams): string | null {
  const value = readParam(params, 'dpop_jkt');
  if (value === undefined) return null;
  ensure(isThumbprint(value), () => errors.invalidRequest('dpop_jkt must be a JWK SHA-256 thumbprint (base64url)', 'dpop_jkt'));
  return value;
}

/** Whether `response_mode=form_post` can reach `redirectUri`: a browser posts forms to http(s) URLs only. */
export function supportsFormPost(redirectUri: string): boolean {
  return /^https?:/i.test(redirectUri);
}

function readResponseMode(value: string | undefined, redirectUri: string): ResponseMode {
  if (value === undefined || value === 'query') return 'query';
  ensure(value === 'form_post', () => errors.invalidRequest('response_mode must be query or form_post', 'response_mode'));
  ensure(supportsFormPost(redirectUri), () =>
    errors.invalidRequest('response_mode=form_post needs an http or https redirect_uri', 'response_mode'),
  );
  return 'form_post';
}

/**
 * The scopes of an authorization request. Every value must be allowed for the client
 * (`invalid_scope`), with one exception, for OpenID requests (`openid` among them): OIDC
 * Core §3.1.2.1 says scope values an implementation does not understand SHOULD be ignored,
 * so a value this server does not know at all (neither one it defines, KNOWN_SCOPES, nor
 * one the client may use, which covers API permissions) is dropped. A value the server
 * knows but the client may not use (`admin`, `offline_access`, a permission of another
 * client) is still refused: ignoring it would hide a configuration error and hand out less
 * than the client believes it asked for without telling it. Plain OAuth requests (no
 * `openid`) keep RFC 6749 §4.1.2.1: any value outside the client's allowed scopes is
 * `invalid_scope`.
 */
export function requestedScopes(client: Pick<Client, 'allowedScopes'>, raw: string | undefined): string[] {
  const asked = parseScope(raw);
  ensure(asked.length > 0, () => errors.invalidScope('scope is required'));
  const understood = (scope: string) => (KNOWN_SCOPES as readonly string[]).includes(scope) || client.allowedScopes.includes(scope);
  const scopes = asked.includes('openid') ? asked.filter(understood) : asked;
  const refused = scopes.filter((scope) => !client.allowedScopes.includes(scope));
  ensure(refused.length === 0, () => errors.invalidScope(`scope not allowed for this client: ${refused.join(' ')}`));
  return scopes;
}
