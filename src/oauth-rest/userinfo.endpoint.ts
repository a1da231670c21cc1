import { mapMaybePromise, type MaybePromise } from '../domain/util/maybe-promise';
import type { Domain } from '../composition/create-domain';
import { bearerTokenFromRequest } from './bearer-token-from-request';
import { NO_STORE, ok, type EndpointRequest, type EndpointResponse } from './endpoint-types';

/** GET and POST `/userinfo` (OIDC Core §5.3); errors per RFC 6750 §3. */
export const userinfoEndpoint =
  (domain: Domain) =>
  (req: EndpointRequest): MaybePromise<EndpointResponse> => {
    const token = bearerTokenFromRequest(req);
    if (!token) {
      // RFC 6750 §3.1: a request without any credentials gets a challenge without an error code.
      return {
        status: 401,
        headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer' },
        body: { error: 'invalid_token', error_description: 'no access token provided' },
      };
    }
    return mapMaybePromise(domain.userInfo.userInfo(token), ok);
  };
