import type { Domain } from '../composition/create-domain';
import { errors } from '../domain/errors';
import { unknownIssuer } from '../domain/issuers/tenant-issuers';
import type { RegistrationRequest } from '../domain/registration/client-registration.service';
import type { Tenant } from '../domain/tenants/tenant';
import { bearerTokenFromRequest } from './bearer-token-from-request';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from './endpoint-types';

/** The issuer a registration request came to: the root's (tenant `/`) or a tenant issuer's. */
type IssuerOf = (req: EndpointRequest) => Promise<{ tenant: Tenant; issuer: string }>;

/**
 * The registration endpoints of one kind of issuer, mapping requests to ClientRegistrationService:
 * POST `{I}/register` (RFC 7591 §3.1, 201 with the client information) and GET, PUT, DELETE
 * `{I}/register/{client_id}` (RFC 7592 §2: 200, 200, 204), both with `Authorization: Bearer`
 * (an initial access token, a registration access token). Every answer is `no-store`.
 */
function registrationEndpoints(domain: Domain, issuerOf: IssuerOf) {
  const request = async (req: EndpointRequest): Promise<RegistrationRequest> => {
    const { tenant, issuer } = await issuerOf(req);
    return { tenant, endpoint: `${issuer.replace(/\/+$/, '')}/register`, bearer: bearerTokenFromRequest(req), scope: req.scope };
  };
  return {
    register: async (req: EndpointRequest): Promise<EndpointResponse> => ({
      status: 201,
      headers: NO_STORE,
      body: await domain.clientRegistration.register(await request(req), req.json),
    }),
    registration: async (req: EndpointRequest): Promise<EndpointResponse> => {
      const clientId = req.pathParam;
      if (clientId === undefined) throw errors.invalidToken('the registration access token is invalid');
      const registration = await request(req);
      switch (req.method) {
        case 'GET':
        case 'HEAD':
          return { status: 200, headers: NO_STORE, body: await domain.clientRegistration.read(registration, clientId) };
        case 'PUT':
          return { status: 200, headers: NO_STORE, body: await domain.clientRegistration.update(registration, clientId, req.json) };
        default:
          await domain.clientRegistration.delete(registration, clientId);
          return { status: 204, headers: NO_STORE, body: undefined };
      }
    },
  };
}

/** POST `/register` and `/register/{client_id}` of the root issuer, whose tenant is `/`. */
export function rootRegistrationEndpoints(domain: Domain) {
  return registrationEndpoints(domain, async () => {
    const tenant = await domain.tenants.findByPath('/');
    if (!tenant) throw unknownIssuer();
    return { tenant, issuer: domain.issuer };
  });
}

/** The same at every tenant issuer `{ISSUER}/t/{segment}`; an unknown segment answers 404 "unknown issuer". */
export function tenantRegistrationEndpoints(domain: Domain) {
  const issuers = domain.tenantIssuers;
  return registrationEndpoints(domain, async (req) => {
    if (req.issuerSegment === undefined) throw unknownIssuer();
    const tenant = await issuers.resolve(req.issuerSegment);
    return { tenant, issuer: issuers.issuerOf(tenant.path) };
  });
}
