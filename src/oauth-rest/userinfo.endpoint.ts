import { mapMaybePromise, type MaybePromise } from '../domain/util/maybe-promise';
import type { Domain } from '../composition/create-domain';
import { bearerTokenFromRequest } from './bearer-token-from-request';
import { dpopPresentation, dpopTokenFromRequest, withDpopNonce } from '../edge/dpop-from-request';
import { NO_STORE, ok, type EndpointRequest, type EndpointResponse } from './endpoint-types';

/** RFC 6750 §3.1: a request without any credentials gets a challenge without an error code. */
export const NO_TOKEN: EndpointResponse = Object.freeze({
  status: 401,
  headers: Object.freeze({ ...NO_STORE, 'WWW-Authenticate': 'Bearer' }),
  body: Object.freeze({ error: 'invalid_token', error_description: 'no access token provided' }),
});

/**
 * UserInfo for `Authorization: DPoP <token>` with a proof (RFC 9449 §7.1): the proof's method,
 * URL and `ath`, the token bound to the proof's key, the proof used once; errors in the DPoP scheme.
 */
export function dpopUserinfo(domain: Domain, req: EndpointRequest, token: string): Promise<EndpointResponse> {
  return domain.dpop
    .verifyAccess(token, dpopPresentation(domain.issuer, req), (presented, jkt) => domain.userInfo.userInfo(presented, jkt))
    .then((claims) => withDpopNonce(ok(claims), domain.dpop.nonceForResponse()));
}

/** GET and POST `/userinfo` (OIDC Core §5.3); errors per RFC 6750 §3, and RFC 9449 §7 for DPoP-bound tokens. */
export const userinfoEndpoint =
  (domain: Domain) =>
  (req: EndpointRequest): MaybePromise<EndpointResponse> => {
    const dpopToken = dpopTokenFromRequest(req.headers);
    if (dpopToken !== null) return dpopUserinfo(domain, req, dpopToken);
    const token = bearerTokenFromRequest(req);
    if (!token) return NO_TOKEN;
    return mapMaybePromise(domain.userInfo.userInfo(token), ok);
  };
