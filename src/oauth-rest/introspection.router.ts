import { Router } from 'express';
import type { Domain } from '../domain/create-domain';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { formBody, formParams } from './form-body';
import { noStore } from './no-store';

/** POST `/introspect` (RFC 7662 §2). */
export function introspectionRouter(domain: Domain): Router {
  const router = Router();
  router.post('/introspect', noStore, formBody, async (req, res) => {
    res.json(await domain.introspection.introspect(clientCredentialsFromRequest(req), formParams(req)));
  });
  return router;
}
