import type { Actor } from '../../domain/actor';
import type { Domain } from '../../composition/create-domain';
import { actorFromBearer } from '../../domain/compat/actor-from-bearer';
import { bearerTokenFromRequest } from '../bearer-token-from-request';
import type { EndpointRequest } from '../endpoint-types';

/** The caller behind `Authorization: Bearer`, or null when no token was sent; `invalid_token` for a bad one. */
export async function optionalBearerActor(domain: Domain, req: EndpointRequest): Promise<Actor | null> {
  const token = bearerTokenFromRequest({ method: req.method, headers: req.headers });
  return token ? actorFromBearer(token, domain.accessTokens, domain.tenants, domain.clients) : null;
}
