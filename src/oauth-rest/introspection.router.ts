import { Router } from 'express';
import { formBody } from './form-body';
import type { OAuthEndpoints } from './oauth-endpoints';
import { sendEndpoint } from './send-endpoint';

/** POST `/introspect` (RFC 7662 §2). */
export function introspectionRouter(endpoints: OAuthEndpoints): Router {
  const router = Router();
  router.post('/introspect', formBody, sendEndpoint(endpoints.introspect));
  return router;
}
