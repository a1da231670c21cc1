import type { NextFunction, Request, Response } from 'express';
import { isDomainError } from '../domain/errors';
import { ERROR_TABLE, GENERIC_SERVER_ERROR } from '../edge/error-table';

/**
 * RFC 6749 §5.2 error responses for every OAuth endpoint: `{error,
 * error_description}`, 400, or 401 with `WWW-Authenticate` for client
 * authentication failures. Anything unexpected becomes `server_error` with a
 * generic description and is logged with its cause.
 */
export function oauthErrorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  if (isDomainError(error)) {
    const mapping = ERROR_TABLE[error.code];
    if (error.code === 'invalid_client') {
      res.set('WWW-Authenticate', 'Basic realm="token", charset="UTF-8"');
    } else if (error.code === 'invalid_token' || error.code === 'insufficient_scope') {
      res.set('WWW-Authenticate', `Bearer error="${error.code}", error_description="${error.description.replace(/"/g, "'")}"`);
    }
    res.status(mapping.status).json({ error: mapping.oauthError, error_description: error.description });
    return;
  }
  const status = (error as { status?: number; type?: string }).status;
  if (status === 413 || (error as { type?: string }).type === 'entity.too.large') {
    res.status(413).json({ error: 'invalid_request', error_description: 'the request body is too large' });
    return;
  }
  req.log?.error({ err: error }, 'unhandled error on an OAuth endpoint');
  res.status(500).json({ error: 'server_error', error_description: GENERIC_SERVER_ERROR });
}
