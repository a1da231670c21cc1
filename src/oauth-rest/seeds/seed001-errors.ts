import type { NextFunction, Request, Response } from 'express';
import type { EndpointRequest, EndpointResponse, OAuthEndpoint } from '../oauth-endpoints';
import { oauthErrorResponse } from '../oauth-error-response';

/**
 * Seed 001's failure shape, `{"status": "FAILED", "message": …}`, with the
 * RFC 6749 `error` and `error_description` beside it and the status of the
 * edge error table; every 401 carries a `WWW-Authenticate: Bearer` challenge
 * (RFC 6750 §3). Null for unexpected errors, which the OAuth error handler
 * logs and answers as `server_error`.
 */
export function seed001ErrorResponse(error: unknown): EndpointResponse | null {
  const mapped = oauthErrorResponse(error);
  if (mapped.unexpected) return null;
  const headers = { ...mapped.headers };
  if (mapped.status === 401 && !headers['WWW-Authenticate']?.startsWith('Bearer')) headers['WWW-Authenticate'] = 'Bearer';
  return { status: mapped.status, headers, body: { status: 'FAILED', message: mapped.body.error_description, ...mapped.body } };
}

/** An endpoint whose domain failures are answered in seed 001's shape. */
export function withSeed001Errors(endpoint: OAuthEndpoint): OAuthEndpoint {
  return async (req: EndpointRequest) => {
    try {
      return await endpoint(req);
    } catch (error) {
      const response = seed001ErrorResponse(error);
      if (!response) throw error;
      return response;
    }
  };
}

/** Express route-level error handler: body-parsing failures of seed 001 routes in seed 001's shape. */
export function seed001ErrorMiddleware(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const response = seed001ErrorResponse(error);
  if (!response) {
    next(error);
    return;
  }
  res.status(response.status).set(response.headers).json(response.body);
}
