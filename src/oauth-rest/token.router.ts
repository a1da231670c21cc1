import { Router } from 'express';
import { formBody } from './form-body';
import type { OAuthEndpoints } from './oauth-endpoints';
import { sendEndpoint } from './send-endpoint';

/** POST `/token` and `/connect/token` (RFC 6749 §3.2, seed 003). */
export function tokenRouter(endpoints: OAuthEndpoints): Router {
  const router = Router();
  router.post(['/token', '/connect/token'], formBody, sendEndpoint(endpoints.token));
  return router;
}
