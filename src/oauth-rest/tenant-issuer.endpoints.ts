import { mapMaybePromise, type MaybePromise } from '../domain/util/maybe-promise';
import { TtlCache } from '../domain/cache/ttl-cache';
import type { Domain } from '../composition/create-domain';
import { buildDiscoveryMetadata, type DiscoveryMetadata } from '../domain/discovery/build-discovery-metadata';
import { errors } from '../domain/errors';
import { unknownIssuer } from '../domain/issuers/tenant-issuers';
import type { Tenant } from '../domain/tenants/tenant';
import { bearerTokenFromRequest } from './bearer-token-from-request';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import type { MountedFeatures } from './discovery.endpoint';
import { asDpopChallenge } from '../domain/dpop/dpop-proofs';
import { dpopTokenFromRequest } from '../edge/dpop-from-request';
import { dpopUserinfo, NO_TOKEN } from './userinfo.endpoint';
import { exchangeTokens } from './token.endpoint';
import { NO_STORE, ok, PUBLIC_5_MIN, type EndpointRequest, type EndpointResponse } from './endpoint-types';

const INACTIVE = Object.freeze({ active: false as const });
const JWKS_HEADERS = Object.freeze({ ...PUBLIC_5_MIN, 'Content-Type': 'application/jwk-set+json; charset=utf-8' });

/**
 * The OAuth endpoints of each tenant issuer `{ISSUER}/t/{segment}` (see
 * src/domain/issuers/tenant-issuer.ts), the root's endpoints restricted to one
 * tenant: only its clients authenticate (any other is `invalid_client`, as an
 * unknown one), only its users sign in, only tokens with its `iss` are active
 * at its introspection and accepted at its userinfo; its discovery names its
 * own endpoints and its JWKS holds its keys only. An unknown or malformed
 * segment answers 404 `invalid_request` "unknown issuer". The issuer is
 * resolved from a cache: a warm request makes no query and no promise.
 */
export function tenantIssuerEndpoints(domain: Domain, features: MountedFeatures) {
  const issuers = domain.tenantIssuers;
  const tenantOf = (req: EndpointRequest): MaybePromise<Tenant> => {
    if (req.issuerSegment === undefined) throw unknownIssuer();
    return issuers.resolve(req.issuerSegment);
  };
  /** Built once per tenant and settings: it depends on the issuer URL, the tenant's PAR requirement and its security profile alone. */
  const metadata = new TtlCache<DiscoveryMetadata>({ ttlMs: 24 * 3600_000, maxEntries: 20_000 });
  const discoveryOf = (tenant: Tenant): DiscoveryMetadata => {
    const key = `${tenant.requirePushedAuthorizationRequests ? 'par' : 'any'} ${tenant.securityProfile} ${tenant.path}`;
    let found = metadata.peek(key);
    if (!found) {
      found = buildDiscoveryMetadata({
        issuer: issuers.issuerOf(tenant.path),
        grantTypes: domain.grants.tokenGrantTypes,
        // The route table serves `{I}/register` at every tenant issuer (routes.ts).
        registrationEndpoint: true,
        ...features,
        requirePushedAuthorizationRequests: tenant.requirePushedAuthorizationRequests,
        securityProfile: tenant.securityProfile,
      });
      metadata.set(key, found);
    }
    return found;
  };

  return {
    /** GET `{I}/.well-known/openid-configuration`, `{I}/.well-known/oauth-authorization-server` and `{ISSUER}/.well-known/oauth-authorization-server/t/{segment}` (RFC 8414 §3.1). */
    tenantDiscovery: (req: EndpointRequest): MaybePromise<EndpointResponse> =>
      mapMaybePromise(tenantOf(req), (tenant) => ({ status: 200, headers: PUBLIC_5_MIN, body: discoveryOf(tenant) })),

    /** GET `{I}/.well-known/jwks.json`: the tenant's own keys only. */
    tenantJwks: (req: EndpointRequest): MaybePromise<EndpointResponse> =>
      mapMaybePromise(tenantOf(req), (tenant) =>
        mapMaybePromise(domain.tenantJwks.jwks(tenant), (jwks) => ({ status: 200, headers: JWKS_HEADERS, body: jwks })),
      ),

    /** POST `{I}/token`: the tenant's clients only; `tenant_path` may only name the tenant itself. */
    // Each endpoint authenticates the client once, in the domain, with the request scope naming the issuer's tenant.
    tenantToken: (req: EndpointRequest): MaybePromise<EndpointResponse> =>
      mapMaybePromise(tenantOf(req), async (tenant) => {
        req.scope.issuerTenantId = tenant.id;
        issuers.ensureOwnUsers(tenant, req.body.tenant_path);
        return exchangeTokens(domain, req);
      }),

    /** POST `{I}/par` (RFC 9126): the tenant's clients only. */
    tenantPar: (req: EndpointRequest): MaybePromise<EndpointResponse> =>
      mapMaybePromise(tenantOf(req), async (tenant) => {
        req.scope.issuerTenantId = tenant.id;
        return {
          status: 201,
          headers: NO_STORE,
          body: await domain.pushedAuthorization.push(clientCredentialsFromRequest(req), req.body, req.scope),
        };
      }),

    tenantIntrospect: (req: EndpointRequest): MaybePromise<EndpointResponse> =>
      mapMaybePromise(tenantOf(req), (tenant) => {
        req.scope.issuerTenantId = tenant.id;
        return mapMaybePromise(domain.introspection.introspect(clientCredentialsFromRequest(req), req.body, req.scope), (answer) =>
          ok(answer.active && answer.iss !== issuers.issuerOf(tenant.path) ? INACTIVE : answer),
        );
      }),

    tenantRevoke: (req: EndpointRequest): MaybePromise<EndpointResponse> =>
      mapMaybePromise(tenantOf(req), async (tenant) => {
        req.scope.issuerTenantId = tenant.id;
        await domain.tokenRevoker.revokeAsClient(clientCredentialsFromRequest(req), req.body, req.scope);
        return { status: 200, headers: NO_STORE, body: undefined };
      }),

    tenantUserinfo: (req: EndpointRequest): MaybePromise<EndpointResponse> =>
      mapMaybePromise(tenantOf(req), (tenant) => {
        const dpopToken = dpopTokenFromRequest(req.headers);
        if (dpopToken !== null) {
          if (!issuers.claimsIssuer(tenant, dpopToken)) throw asDpopChallenge(errors.invalidToken());
          return dpopUserinfo(domain, req, dpopToken);
        }
        const token = bearerTokenFromRequest(req);
        if (!token) return NO_TOKEN;
        if (!issuers.claimsIssuer(tenant, token)) throw errors.invalidToken();
        return mapMaybePromise(domain.userInfo.userInfo(token), ok);
      }),
  };
}
