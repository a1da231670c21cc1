import { Router, type NextFunction, type Request, type Response } from 'express';
import { formBody } from './form-body';
import type { OAuthEndpoints } from './oauth-endpoints';
import { sendEndpoint } from './send-endpoint';

/** A form body is optional on POST `/userinfo`: the token usually comes in the header. */
const optionalFormBody = (req: Request, res: Response, next: NextFunction): void => {
  if (req.is('application/x-www-form-urlencoded')) formBody(req, res, next);
  else next();
};

/** GET and POST `/userinfo` (OIDC Core §5.3); errors per RFC 6750 §3. */
export function userinfoRouter(endpoints: OAuthEndpoints): Router {
  const router = Router();
  router.get('/userinfo', sendEndpoint(endpoints.userinfo));
  router.post('/userinfo', optionalFormBody, sendEndpoint(endpoints.userinfo));
  return router;
}
