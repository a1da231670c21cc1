import { Router } from 'express';
import type { Domain } from '../domain/create-domain';

/** GET `/.well-known/jwks.json` (RFC 7517 §5). */
export function jwksRouter(domain: Domain): Router {
  const router = Router();
  router.get('/.well-known/jwks.json', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.type('application/jwk-set+json').send(JSON.stringify(await domain.keys.jwks()));
  });
  return router;
}
