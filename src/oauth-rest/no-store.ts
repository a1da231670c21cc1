import type { NextFunction, Request, Response } from 'express';

/** RFC 6749 §5.1: responses carrying tokens or credentials must not be cached. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  next();
}
