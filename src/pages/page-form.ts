import express, { type Request } from 'express';

/** Parses the small urlencoded bodies of the hosted forms; anything else leaves the body empty. */
export const pageForm = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 50 });

/** One form field, or undefined when missing, repeated or not text. */
export function field(req: Request, name: string): string | undefined {
  const value = ((req.body ?? {}) as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
