import express, { Router } from 'express';
import type { Domain } from '../domain/create-domain';
import { BATCH_REVOCATION_PATH, batchRevocationEndpoint } from './batch-revocation.endpoint';
import { sendEndpoint } from './send-endpoint';
import { serverPluginError } from './server-plugin-error';
import { errors } from '../domain/errors';

/** Seed 003 batch revocation, JSON in and out; a body that is not JSON is a `ServerPluginError` too. */
export function batchRevocationRouter(domain: Domain): Router {
  const router = Router();
  router.post(
    BATCH_REVOCATION_PATH,
    express.json({ limit: '16kb' }),
    (error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      void error;
      const mapped = serverPluginError(errors.invalidRequest('the body must be JSON: {"creationBefore": ISO-8601}'), BATCH_REVOCATION_PATH);
      res.status(mapped.status).json(mapped.body);
    },
    sendEndpoint(batchRevocationEndpoint(domain)),
  );
  return router;
}
