import { Router } from 'express';
import { optionalFormBody } from './form-body';
import type { OAuthEndpoints } from './oauth-endpoints';
import { sendEndpoint } from './send-endpoint';

/** GET and POST `/userinfo` (OIDC Core §5.3); errors per RFC 6750 §3. */
export function userinfoRouter(endpoints: OAuthEndpoints): Router {
  const router = Router();
  router.get('/userinfo', sendEndpoint(endpoints.userinfo));
  router.post('/userinfo', optionalFormBody, sendEndpoint(endpoints.userinfo));
  return router;
}
