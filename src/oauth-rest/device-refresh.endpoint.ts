import type { Domain } from '../composition/create-domain';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from './endpoint-types';

/** A POST to the token endpoint without `grant_type` but with a device id is a seed 002 device refresh. */
export const isDeviceRefresh = (body: EndpointRequest['body']): boolean =>
  body.grant_type === undefined && (body.device_id !== undefined || body.device_key !== undefined);

/**
 * Seed 002 device refresh: GET `/token` and `/tokens` with `refresh_token`
 * and `device_id` (or `device_key`) in the query string, or the same as a
 * form POST to `/tokens` (or to `/token` without `grant_type`), which keeps
 * the refresh token out of proxy logs. Answers
 * `{AccessToken, ExpiresIn, TokenType, IdToken}`; failures are RFC 6749 errors.
 */
export function deviceRefreshEndpoint(domain: Domain) {
  return async (req: EndpointRequest): Promise<EndpointResponse> => {
    // Query parameters (GET) or form fields (POST), per the route's body kind.
    return { status: 200, headers: NO_STORE, body: await domain.deviceRefresh.refresh(req.body) };
  };
}
