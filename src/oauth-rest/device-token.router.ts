import { Router } from 'express';
import { formBody } from './form-body';
import type { OAuthEndpoints } from './oauth-endpoints';
import { sendEndpoint } from './send-endpoint';

/** Seed 002 device refresh: GET `/token` and `/tokens` (query string), POST `/tokens` (form). */
export function deviceTokenRouter(endpoints: OAuthEndpoints): Router {
  const router = Router();
  router.get(['/token', '/tokens'], sendEndpoint(endpoints.deviceRefresh));
  router.post('/tokens', formBody, sendEndpoint(endpoints.deviceRefresh));
  return router;
}
