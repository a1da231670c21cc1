import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Domain } from '../domain/create-domain';
import { bearerTokenFromRequest } from './bearer-token-from-request';
import { formBody } from './form-body';
import { noStore } from './no-store';

/** A form body is optional on POST `/userinfo`: the token usually comes in the header. */
const optionalFormBody = (req: Request, res: Response, next: NextFunction): void => {
  if (req.is('application/x-www-form-urlencoded')) formBody(req, res, next);
  else next();
};

/** GET and POST `/userinfo` (OIDC Core §5.3); errors per RFC 6750 §3. */
export function userinfoRouter(domain: Domain): Router {
  const router = Router();
  const handle = async (req: Request, res: Response): Promise<void> => {
    const token = bearerTokenFromRequest(req);
    if (!token) {
      // RFC 6750 §3.1: a request without any credentials gets a challenge without an error code.
      res.set('WWW-Authenticate', 'Bearer');
      res.status(401).json({ error: 'invalid_token', error_description: 'no access token provided' });
      return;
    }
    res.json(await domain.userInfo.userInfo(token));
  };
  router.get('/userinfo', noStore, handle);
  router.post('/userinfo', noStore, optionalFormBody, handle);
  return router;
}
