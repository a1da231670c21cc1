import type { NextFunction, Request, Response } from 'express';
import { errors } from '../domain/errors';
import { domainErrorOf, isRefusedByDatabase } from '../edge/domain-error-of';
import { RETRY_AFTER_SECONDS } from '../edge/error-table';
import { errorPage, serverErrorPage } from './error.page';
import { setPageHeaders } from './page-headers';

/**
 * Errors on the hosted pages become HTML, never a redirect: 400 with the
 * reason for domain errors and unparsable forms, 503 when the database is
 * unreachable, 500 with no detail (logged) for anything else.
 */
export function pageErrorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  setPageHeaders(res);
  const known = domainErrorOf(error);
  if (known && known.code !== 'service_unavailable') {
    if (isRefusedByDatabase(known)) req.log?.warn({ err: error }, 'the database refused a page input value');
    res.status(400).type('html').send(errorPage(known));
    return;
  }
  const unavailable = known;
  if (unavailable?.code === 'service_unavailable') {
    req.log?.error({ err: error }, 'hosted page failed: database unavailable');
    res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).type('html').send(errorPage(unavailable));
    return;
  }
  const status = (error as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    res
      .status(400)
      .type('html')
      .send(errorPage(errors.invalidRequest('the form could not be read')));
    return;
  }
  req.log?.error({ err: error }, 'unhandled error on a hosted page');
  res.status(500).type('html').send(serverErrorPage());
}
