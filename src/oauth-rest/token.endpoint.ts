import type { Domain } from '../composition/create-domain';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { isDeviceRefresh } from './device-refresh.endpoint';
import { ok, type EndpointRequest, type EndpointResponse, type OAuthEndpoint } from './endpoint-types';

/**
 * POST `/token` and `/connect/token` (RFC 6749 §3.2, seed 003); without
 * `grant_type` but with `device_id`, a seed 002 device refresh, answered by
 * `deviceRefresh`.
 */
export const tokenEndpoint =
  (domain: Domain, deviceRefresh: OAuthEndpoint) =>
  async (req: EndpointRequest): Promise<EndpointResponse> =>
    isDeviceRefresh(req.body)
      ? deviceRefresh(req)
      : ok(await domain.tokenEndpoint.exchange(clientCredentialsFromRequest(req), req.body, req.scope));
