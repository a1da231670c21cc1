import type { Domain } from '../composition/create-domain';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { isDeviceRefresh } from './device-refresh.endpoint';
import { dpopPresentation, hasDpopHeader, withDpopNonce } from '../edge/dpop-from-request';
import { ok, type EndpointRequest, type EndpointResponse, type OAuthEndpoint } from './endpoint-types';

/**
 * POST `/token` and `/connect/token` (RFC 6749 §3.2, seed 003); without
 * `grant_type` but with `device_id`, a seed 002 device refresh, answered by
 * `deviceRefresh`. A `DPoP` header binds the tokens to its key (RFC 9449 §5).
 */
export const tokenEndpoint =
  (domain: Domain, deviceRefresh: OAuthEndpoint) =>
  async (req: EndpointRequest): Promise<EndpointResponse> =>
    isDeviceRefresh(req.body) ? deviceRefresh(req) : exchangeTokens(domain, req);

/** A token request (root or tenant issuer) with its `DPoP` header, if any, and the nonce to use next beside a DPoP answer. */
export async function exchangeTokens(domain: Domain, req: EndpointRequest): Promise<EndpointResponse> {
  const dpop = hasDpopHeader(req.headers) ? dpopPresentation(domain.issuer, req) : undefined;
  const response = ok(await domain.tokenEndpoint.exchange(clientCredentialsFromRequest(req), req.body, req.scope, dpop));
  return dpop ? withDpopNonce(response, domain.dpop.nonceForResponse()) : response;
}
