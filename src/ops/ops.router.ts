import { Router } from 'express';
import type { Database } from '../data/database';
import type { ChangeBus } from '../domain/changes/change-bus';
import type { Metrics } from './metrics';

/**
 * `/healthz` (process alive), `/readyz` (database reachable and the change bus
 * listening, else 503 with the reason and the bus state; 503 at once when shutdown
 * has begun), `/metrics` (Prometheus).
 */
export function opsRouter(db: Database, bus: ChangeBus, metrics: Metrics, draining: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (draining()) {
      res.status(503).json({ status: 'unavailable', reason: 'shutting down', changeBus: bus.state });
      return;
    }
    try {
      await withTimeout(db.ping(), 2000);
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable', changeBus: bus.state });
      return;
    }
    if (!bus.live) {
      res.status(503).json({ status: 'unavailable', reason: 'change bus not listening', changeBus: bus.state });
      return;
    }
    res.json({ status: 'ready', changeBus: bus.state });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.render());
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
