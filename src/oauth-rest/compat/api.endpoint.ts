import { mapMaybePromise, type MaybePromise } from '../../domain/util/maybe-promise';
import type { Domain } from '../../composition/create-domain';
import { ensure, errors } from '../../domain/errors';
import { bearerTokenFromRequest } from '../bearer-token-from-request';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from '../endpoint-types';

/**
 * Seed 001 POST (and GET) `/api`: `{"status": "SUCCESS", "data": {…}}` with
 * the user fields the bearer token's scopes allow. No or a bad token: 401
 * with `WWW-Authenticate: Bearer` (RFC 6750 §3.1).
 */
export const apiEndpoint =
  (domain: Domain) =>
  (req: EndpointRequest): MaybePromise<EndpointResponse> => {
    const token = bearerTokenFromRequest(req);
    ensure(token, () => errors.unauthenticated('no access token provided'));
    return mapMaybePromise(domain.seed001Api.data(token), (data) => ({
      status: 200,
      headers: NO_STORE,
      body: { status: 'SUCCESS', data },
    }));
  };
