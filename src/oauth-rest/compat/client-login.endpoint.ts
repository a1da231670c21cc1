import type { Domain } from '../../composition/create-domain';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from '../endpoint-types';
import { seed000Credentials } from './seed000-credentials';

/**
 * Seed 000 POST `/client/login`: a client_credentials grant (RFC 6749 §4.4)
 * answered as `{"access_token": …}`, a new token on every call with the same
 * claims. Failures keep the RFC 6749 §5.2 shape (401 `invalid_client` for
 * bad credentials).
 */
export const clientLoginEndpoint =
  (domain: Domain) =>
  async (req: EndpointRequest): Promise<EndpointResponse> => {
    const issued = await domain.tokenEndpoint.exchange(
      seed000Credentials(req),
      { grant_type: 'client_credentials', scope: req.body.scope },
      req.scope,
    );
    return { status: 200, headers: NO_STORE, body: { access_token: issued.access_token } };
  };
