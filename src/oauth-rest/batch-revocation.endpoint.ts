import type { Domain } from '../composition/create-domain';
import { catchMaybePromise } from '../domain/util/maybe-promise';
import { ensure, errors } from '../domain/errors';
import { actorFromClaims } from '../domain/actor-from-claims';
import { bearerTokenFromRequest } from './bearer-token-from-request';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from './endpoint-types';

export const BATCH_REVOCATION_PATH = '/api/v2/identity/token/batch-revocation';
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Seed 003 POST `/api/v2/identity/token/batch-revocation`: an admin bearer and
 * JSON `{"creationBefore": ISO-8601}` revoke every token of the admin's tenant
 * and its subtree issued before that time → `{"count": n}`, the still-usable
 * tokens it made inactive. Failures answer `ServerPluginError` (the route's
 * `failure` responder in routes.ts), a body that is not a JSON object too.
 */
export function batchRevocationEndpoint(domain: Domain) {
  return async (req: EndpointRequest): Promise<EndpointResponse> => {
    const token = bearerTokenFromRequest({ method: 'GET', headers: req.headers });
    ensure(token, () => errors.unauthenticated('an admin bearer access token is required'));
    const verified = await catchMaybePromise(
      () => domain.accessTokens.verify(token),
      () => {
        throw errors.unauthenticated('the access token is invalid, expired or revoked');
      },
    );
    const actor = await actorFromClaims(verified.claims, domain.tenants, domain.clients, verified.user);
    const raw = (req.json as { creationBefore?: unknown } | undefined)?.creationBefore;
    ensure(typeof raw === 'string' && ISO_DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw)), () =>
      errors.validation('creationBefore', 'must be an ISO-8601 date-time, e.g. 2026-12-01T00:00:00Z'),
    );
    const count = await domain.scopedRevocation.revokeIssuedBefore(actor, actor.tenantPath, new Date(raw));
    return { status: 200, headers: NO_STORE, body: { count } };
  };
}
