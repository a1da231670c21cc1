import type { NextFunction, Request, Response } from 'express';
import { NO_STORE } from './oauth-endpoints';

/** RFC 6749 §5.1: responses carrying tokens or credentials must not be cached. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set(NO_STORE);
  next();
}
