import type { Domain } from '../composition/create-domain';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from './endpoint-types';

/**
 * POST `/par` (RFC 9126 §2): the client, authenticated as at `/token`, pushes its
 * authorization request; 201 with `request_uri` and `expires_in`, or an RFC 6749 §5.2
 * JSON error (400, or 401 `invalid_client`), never a redirect.
 */
export const parEndpoint =
  (domain: Domain) =>
  async (req: EndpointRequest): Promise<EndpointResponse> => ({
    status: 201,
    headers: NO_STORE,
    body: await domain.pushedAuthorization.push(clientCredentialsFromRequest(req), req.body, req.scope),
  });
