import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { clusterMetricsFromPrimary } from './cluster-metrics';
import { queryCounts, type QueryCounts } from './query-counts';

/** Prometheus metrics: request counts and latency per route, and database queries per route. */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly dbQueries: Counter<'route'>;
  private readonly dbQueriesUnscoped: Counter;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.dbQueries = new Counter({
      name: 'db_queries_total',
      help: 'Database queries made while serving a route',
      labelNames: ['route'],
      registers: [this.registry],
    });
    this.dbQueriesUnscoped = new Counter({
      name: 'db_queries_background_total',
      help: 'Database queries outside any HTTP request',
      registers: [this.registry],
    });
  }

  /** The Prometheus text `/metrics` serves: this process's registry, or the cluster's aggregate. */
  render: () => Promise<string> = () => this.registry.metrics();

  /** In a cluster worker: `/metrics` answers for every worker, aggregated by the primary. */
  aggregateAcrossCluster(): void {
    this.render = clusterMetricsFromPrimary(this.registry);
  }

  /** Express middleware: starts counting the request's queries and records the request when it finishes. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    this.countingQueries((counts) => {
      res.on('finish', () => {
        this.recordRequest(req.method, routeLabel(req), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9, counts.dbQueries);
      });
      next();
    });
  };

  /** Runs `body` with fresh query counts, so database queries it causes are attributed to it. */
  countingQueries(body: (counts: QueryCounts) => void): void {
    const counts: QueryCounts = { dbQueries: 0 };
    queryCounts.run(counts, body, counts);
  }

  recordRequest(method: string, route: string, status: number, seconds: number, dbQueries: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.duration.observe({ method, route }, seconds);
    if (dbQueries > 0) this.dbQueries.inc({ route }, dbQueries);
  }

  /** Called for every database query; attributes it to the current request, if any. */
  countQuery(): void {
    const counts = queryCounts.getStore();
    if (counts) counts.dbQueries++;
    else this.dbQueriesUnscoped.inc();
  }
}

/**
 * The route label: the matched route's pattern (an array of patterns is one
 * label, its patterns joined by `|`), the mount path of a middleware-only
 * mount (static assets, Apollo), or `unmatched`. Never the request's own path,
 * so the label set is fixed by the code and `/metrics` cannot be grown by
 * requesting distinct paths. Mount paths match case-insensitively, so the
 * matched text is lowercased (every mount path is lowercase).
 */
function routeLabel(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  const mount = req.baseUrl.toLowerCase();
  if (typeof pattern === 'string') return `${mount}${pattern}`;
  if (Array.isArray(pattern)) return pattern.map((one) => `${mount}${String(one)}`).join('|');
  return mount && mount !== '/' ? mount : 'unmatched';
}
