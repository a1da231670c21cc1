import { mapMaybePromise, type MaybePromise } from '../domain/util/maybe-promise';
import type { Domain } from '../composition/create-domain';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { ok, type EndpointRequest, type EndpointResponse } from './endpoint-types';

/** POST `/introspect` (RFC 7662 §2); a warm hit answers at once, without a promise. */
export const introspectEndpoint =
  (domain: Domain) =>
  (req: EndpointRequest): MaybePromise<EndpointResponse> =>
    mapMaybePromise(domain.introspection.introspect(clientCredentialsFromRequest(req), req.body, req.scope), ok);
