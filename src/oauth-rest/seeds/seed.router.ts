import express, { Router, type RequestHandler } from 'express';
import { errors } from '../../domain/errors';
import { formBody, optionalFormBody } from '../form-body';
import { noStore } from '../no-store';
import { sendEndpoint } from '../send-endpoint';
import { seed001ErrorMiddleware } from './seed001-errors';
import type { BodyKind, SeedRoute } from './seed-routes';

const parseJson = express.json({ limit: '64kb' });

/** JSON (seed 001's register endpoints) or a form; a body that does not parse is `invalid_request`. */
const formOrJson: RequestHandler = (req, res, next) => {
  if (!req.is('application/json')) {
    formBody(req, res, next);
    return;
  }
  parseJson(req, res, (error?: unknown) => {
    const { status } = (error ?? {}) as { status?: number };
    next(error && status !== 413 ? errors.invalidRequest('the request body could not be parsed') : error);
  });
};

const BODY_PARSERS: Record<BodyKind, RequestHandler[]> = {
  form: [formBody],
  'optional-form': [optionalFormBody],
  'form-or-json': [formOrJson],
  none: [],
};

/** Mounts the seed routes on Express (the node:http fast path serves the `fast` ones it can). */
export function seedRouter(routes: readonly SeedRoute[]): Router {
  const router = Router();
  for (const route of routes) {
    const handlers = [noStore, ...BODY_PARSERS[route.body], sendEndpoint(route.endpoint), ...(route.seed001Errors ? [seed001ErrorMiddleware] : [])];
    if (route.method === 'GET') router.get(route.path, ...handlers);
    else router.post(route.path, ...handlers);
  }
  return router;
}
