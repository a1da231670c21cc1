import { Router } from 'express';
import type { Domain } from '../domain/create-domain';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { formBody, formParams } from './form-body';
import { noStore } from './no-store';

/** POST `/token` and `/connect/token` (RFC 6749 §3.2, seed 003). */
export function tokenRouter(domain: Domain): Router {
  const router = Router();
  router.post(['/token', '/connect/token'], noStore, formBody, async (req, res) => {
    const response = await domain.tokenEndpoint.exchange(clientCredentialsFromRequest(req), formParams(req));
    res.json(response);
  });
  return router;
}
