import type { Domain } from '../composition/create-domain';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from './endpoint-types';

/** POST `/revoke` and `/connect/revocation` (RFC 7009 §2, seed 003): 200 with an empty body. */
export const revokeEndpoint =
  (domain: Domain) =>
  async (req: EndpointRequest): Promise<EndpointResponse> => {
    await domain.tokenRevoker.revokeAsClient(clientCredentialsFromRequest(req), req.body, req.scope);
    return { status: 200, headers: NO_STORE, body: undefined };
  };
