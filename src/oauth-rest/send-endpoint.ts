import type { NextFunction, Request, Response } from 'express';
import type { OAuthEndpoint } from './oauth-endpoints';

/** Serves an {@link OAuthEndpoint} as an Express handler; errors go to the OAuth error middleware. */
export function sendEndpoint(endpoint: OAuthEndpoint) {
  return async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const response = await endpoint({ method: req.method, headers: req.headers, body, remoteAddress: req.socket.remoteAddress });
    res.status(response.status).set(response.headers).json(response.body);
  };
}
