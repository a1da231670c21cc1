import type { Domain } from '../composition/create-domain';
import { unknownIssuer } from '../domain/issuers/tenant-issuers';
import { mapMaybePromise, type MaybePromise } from '../domain/util/maybe-promise';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { ok, type EndpointRequest, type EndpointResponse } from './endpoint-types';

/**
 * POST `/device_authorization` and `{I}/device_authorization` (RFC 8628 §3.1, §3.2): the
 * client authenticates as at the token endpoint (at a tenant issuer only that tenant's
 * clients); the answer's verification URIs are the same issuer's `/device` page.
 */
export function deviceAuthorizationEndpoints(domain: Domain) {
  return {
    deviceAuthorization: async (req: EndpointRequest): Promise<EndpointResponse> =>
      ok(await domain.deviceAuthorizations.start(clientCredentialsFromRequest(req), req.body, req.scope, domain.issuer)),

    tenantDeviceAuthorization: (req: EndpointRequest): MaybePromise<EndpointResponse> => {
      if (req.issuerSegment === undefined) throw unknownIssuer();
      return mapMaybePromise(domain.tenantIssuers.resolve(req.issuerSegment), async (tenant) => {
        req.scope.issuerTenantId = tenant.id;
        const issuer = domain.tenantIssuers.issuerOf(tenant.path);
        return ok(await domain.deviceAuthorizations.start(clientCredentialsFromRequest(req), req.body, req.scope, issuer));
      });
    },
  };
}
