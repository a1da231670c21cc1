import type { IncomingMessage } from 'node:http';
import type { RequestScope } from '../domain/request-scope';

/**
 * The few places the app tells tracing what only it knows (src/ops/telemetry.ts
 * installs them when OTEL_EXPORTER_OTLP_ENDPOINT is set). Without tracing they
 * stay null: a hot path pays one property read, and no OpenTelemetry module is loaded.
 */
export interface TraceHooks {
  /** A request's scope was built (request id, later the tenant): read back when its HTTP span ends. */
  scope(req: IncomingMessage, scope: RequestScope): void;
  /** Runs a GraphQL operation that graphql-js's instrumentation cannot see (graphql-jit) inside an operation span. */
  graphqlOperation<T>(type: string, name: string | null, run: () => Promise<T>): Promise<T>;
  /** Exports what is still buffered and stops the SDK (SIGTERM). */
  shutdown(): Promise<void>;
}

export const tracing: { hooks: TraceHooks | null } = { hooks: null };
