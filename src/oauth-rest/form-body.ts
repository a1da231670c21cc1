import express, { type NextFunction, type Request, type Response } from 'express';
import { errors } from '../domain/errors';

const parseForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 });

/**
 * Parses an `application/x-www-form-urlencoded` body (RFC 6749 §3.2) and
 * refuses other media types and repeated parameters (§3.1, §3.2).
 */
export function formBody(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('application/x-www-form-urlencoded')) {
    next(errors.invalidRequest('the request body must be application/x-www-form-urlencoded'));
    return;
  }
  parseForm(req, res, (error?: unknown) => {
    if (error) {
      next(errors.invalidRequest('the request body could not be parsed'));
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const repeated = Object.keys(body).filter((key) => Array.isArray(body[key]));
    if (repeated.length > 0) {
      next(errors.invalidRequest(`parameters must not be repeated: ${repeated.join(', ')}`));
      return;
    }
    next();
  });
}

/** The parsed form as a string record. */
export const formParams = (req: Request): Record<string, string | undefined> => (req.body ?? {}) as Record<string, string | undefined>;

/** A form body parsed when one is sent (e.g. RFC 6750 §2.2 `access_token`); any other body is ignored. */
export function optionalFormBody(req: Request, res: Response, next: NextFunction): void {
  if (req.is('application/x-www-form-urlencoded')) formBody(req, res, next);
  else next();
}
