import type { Domain } from '../../composition/create-domain';
import { ensure, errors } from '../../domain/errors';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from '../endpoint-types';
import { seed000Credentials } from './seed000-credentials';

/**
 * Seed 000 POST `/token/revoke`: revokes the access token in the `Accesstoken`
 * header (a `Bearer ` prefix is tolerated) for the authenticated client, as
 * RFC 7009 does: the token is then inactive on every path. A missing header is
 * `invalid_request`, a token of another client `unauthorized_client` (both
 * 400, nothing revoked), bad credentials 401 `invalid_client`. An unknown or
 * already inactive token succeeds (RFC 7009 §2.2).
 */
export const tokenRevokeEndpoint =
  (domain: Domain) =>
  async (req: EndpointRequest): Promise<EndpointResponse> => {
    const header = req.headers.accesstoken;
    const token = typeof header === 'string' ? header.trim().replace(/^Bearer\s+/i, '') : '';
    ensure(token, () => errors.invalidRequest('the Accesstoken header is required', 'Accesstoken'));
    await domain.tokenRevoker.revokeAsClient(seed000Credentials(req), { token, token_type_hint: 'access_token' }, req.scope);
    return { status: 200, headers: NO_STORE, body: { status_message: 'Success Revoke Token' } };
  };
