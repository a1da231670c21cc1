import { Router } from 'express';
import type { Domain } from '../domain/create-domain';
import { buildDiscoveryMetadata, type DiscoveryMetadata } from '../domain/discovery/build-discovery-metadata';

export interface DiscoveryRouterOptions {
  /** Whether `method path` is mounted on the application; read once, on the first request. */
  hasRoute(method: string, path: string): boolean;
}

/** GET `/.well-known/openid-configuration` (OIDC Discovery 1.0 §4) and `/.well-known/oauth-authorization-server` (RFC 8414 §3). */
export function discoveryRouter(domain: Domain, options: DiscoveryRouterOptions): Router {
  const router = Router();
  let metadata: DiscoveryMetadata | undefined;
  router.get(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'], (_req, res) => {
    metadata ??= buildDiscoveryMetadata({
      issuer: domain.deps.issuer,
      grantTypes: domain.grants.grantTypes,
      authorizationEndpoint: options.hasRoute('GET', '/authorize'),
      endSessionEndpoint: options.hasRoute('GET', '/logout'),
    });
    res.set('Cache-Control', 'public, max-age=300');
    res.json(metadata);
  });
  return router;
}
