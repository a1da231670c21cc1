import { Router } from 'express';
import type { Domain } from '../domain/create-domain';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { formBody, formParams } from './form-body';
import { noStore } from './no-store';

/** POST `/revoke` and `/connect/revocation` (RFC 7009 §2, seed 003): 200 with an empty body. */
export function revocationRouter(domain: Domain): Router {
  const router = Router();
  router.post(['/revoke', '/connect/revocation'], noStore, formBody, async (req, res) => {
    await domain.tokenRevoker.revokeAsClient(clientCredentialsFromRequest(req), formParams(req));
    res.status(200).end();
  });
  return router;
}
