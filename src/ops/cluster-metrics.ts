import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'idp:cluster-metrics-request';
const RESPONSE = 'idp:cluster-metrics-response';
const TIMEOUT_MS = 5_000;

interface MetricsMessage {
  type: string;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = (value: unknown, type: string): value is MetricsMessage =>
  typeof value === 'object' && value !== null && (value as MetricsMessage).type === type;

/**
 * Cluster primary (WORKERS > 1): answers a worker's request for the whole
 * cluster's metrics. prom-client's AggregatorRegistry asks every worker for
 * its registry and sums them, so a scrape of `/metrics`, whichever worker it
 * reaches, counts every worker's requests and queries.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message, REQUEST)) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: message.id, text }),
      (error: unknown) => worker.send({ type: RESPONSE, id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/** Cluster worker: offers `registry` to the primary's aggregation and returns a function fetching the aggregate. */
export function clusterMetricsFromPrimary(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // registers the worker's listener for the primary's collection requests
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage(message, RESPONSE)) return;
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.text !== undefined) waiting.resolve(message.text);
    else waiting.reject(new Error(`cluster metrics failed: ${message.error ?? 'no answer'}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('cluster metrics timed out'));
      }, TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      process.send!({ type: REQUEST, id });
    });
}
