import type { NextFunction, Request, Response } from 'express';
import { oauthErrorResponse } from './oauth-error-response';

/**
 * Express error middleware for every OAuth endpoint: RFC 6749 §5.2 error JSON
 * (see {@link oauthErrorResponse}); unexpected errors are logged with their cause.
 */
export function oauthErrorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const response = oauthErrorResponse(error);
  if (response.unexpected) req.log?.error({ err: error }, 'unhandled error on an OAuth endpoint');
  else if (response.warning) req.log?.warn({ err: error }, 'the database refused a request value');
  res.status(response.status).set(response.headers).json(response.body);
}
