/**
 * OpenTelemetry traces and metrics over OTLP (loaded by src/main.ts only when
 * an OTLP endpoint is configured, before any instrumented module).
 *
 * Spans: one per HTTP request (server, and client for outbound calls over
 * node:http/https, which carry W3C `traceparent`), Express routers and
 * handlers, GraphQL operations, and PostgreSQL queries (knex under MikroORM
 * and the prepared-statement pool both use `pg`). The HTTP server span carries
 * the request id and, once known, the tenant path.
 *
 * Nothing secret reaches an attribute: no request or response headers are
 * captured, query strings keep their parameter names only (`code=REDACTED`),
 * outbound URLs lose their query and credentials, SQL is the parameterised
 * text without bound values, GraphQL carries no variables (literals in the
 * document are masked).
 */
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { metrics, NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_URL_FULL, ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { RequestScope } from '../domain/request-scope';
import { tenantPathFromIssuerSegment } from '../domain/issuers/tenant-issuer';
import { tracing } from './trace-hooks';

const DEFAULT_SERVICE_NAME = 'tenant-idp';
/** The HTTP server span's attributes the app adds. */
const ATTR_REQUEST_ID = 'idp.request_id';
const ATTR_TENANT = 'idp.tenant';

/** Probes and the Prometheus scrape are not traced. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** `a=1&b=2` → `a=REDACTED&b=REDACTED`: which parameters came, never their values (codes, tokens, hints). */
function redactQuery(query: string): string {
  const names: string[] = [];
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    names.push(`${eq < 0 ? part : part.slice(0, eq)}=REDACTED`);
  }
  return names.join('&');
}

/** The outbound URL without credentials, query or fragment. */
function outboundUrl(options: RequestOptions): string {
  const protocol = options.protocol ?? 'http:';
  const host = options.hostname ?? options.host ?? 'localhost';
  const defaultPort = protocol === 'https:' ? '443' : '80';
  const port = options.port != null && String(options.port) !== defaultPort ? `:${options.port}` : '';
  const path = (options.path ?? '/').split(/[?#]/, 1)[0];
  return `${protocol}//${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}${port}${path}`;
}

/** The tenant a request acts in: the authenticated client's or admin's, else the tenant issuer's (`/t/{segment}`). */
function tenantOf(scope: RequestScope | undefined, url: string | undefined): string | undefined {
  const known = scope?.tenantPath ?? scope?.actor?.tenantPath;
  if (known) return known;
  if (!url?.startsWith('/t/')) return undefined;
  const end = url.slice(3).search(/[/?]/);
  return tenantPathFromIssuerSegment(end < 0 ? url.slice(3) : url.slice(3, 3 + end)) ?? undefined;
}

/** Starts the SDK (traces, metrics) from the standard OTEL_* variables and installs the app's trace hooks. */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  const scopes = new WeakMap<IncomingMessage, RequestScope>();
  const http = new HttpInstrumentation({
    ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has(req.url ?? ''),
    // Overrides the instrumentation's url.query (it redacts only a few cloud signature parameters).
    startIncomingSpanHook: (req): Attributes => {
      const at = req.url?.indexOf('?') ?? -1;
      return at < 0 ? {} : { [ATTR_URL_QUERY]: redactQuery(req.url!.slice(at + 1)) };
    },
    startOutgoingSpanHook: (options): Attributes => ({ [ATTR_URL_FULL]: outboundUrl(options) }),
    applyCustomAttributesOnSpan: (span: Span, request: ClientRequest | IncomingMessage) => {
      const incoming = request as IncomingMessage & { id?: unknown };
      const scope = scopes.get(incoming);
      const id = scope?.requestId ?? incoming.id;
      if (id === undefined) return; // an outbound request
      span.setAttribute(ATTR_REQUEST_ID, String(id));
      const tenant = tenantOf(scope, incoming.url);
      if (tenant) span.setAttribute(ATTR_TENANT, tenant);
    },
    // No header becomes an attribute (Authorization, Cookie, DPoP, Set-Cookie, Location stay out).
    headersToSpanAttributes: {},
  });
  const instrumentations = [
    http,
    // Request handlers (named by route), not every middleware and router layer a request passes
    // (the route table's fast path bypasses Express anyway).
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
    // Operation spans only: no resolver spans, no variables, literals masked in graphql.source.
    new GraphQLInstrumentation({ allowValues: false, ignoreResolveSpans: true }),
    // Parameterised SQL only (enhancedDatabaseReporting would add the bound values); queries outside a request
    // (migrations, janitor, change bus) make no root spans of their own.
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
  ];

  // http/json by default (the installed exporters); a protocol or exporter named in the environment
  // (OTEL_EXPORTER_OTLP_PROTOCOL=grpc, OTEL_TRACES_EXPORTER=console…) is left to the SDK's own configuration.
  const tracesFromEnv = Boolean(env.OTEL_TRACES_EXPORTER || env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL);
  const metricsFromEnv = Boolean(env.OTEL_METRICS_EXPORTER || env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL);
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL) > 0 ? Number(env.OTEL_METRIC_EXPORT_INTERVAL) : 60_000;
  const namedService = env.OTEL_SERVICE_NAME || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');

  const sdk = new NodeSDK({
    serviceName: namedService ? undefined : DEFAULT_SERVICE_NAME,
    traceExporter: tracesFromEnv ? undefined : new OTLPTraceExporter(),
    metricReaders: metricsFromEnv
      ? undefined
      : [
          new metrics.PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter(),
            exportIntervalMillis: interval,
            exportTimeoutMillis: Math.min(interval, 30_000),
          }),
        ],
    // The server logs with pino to stdout; no OpenTelemetry logs are exported.
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();

  const tracer = trace.getTracer(DEFAULT_SERVICE_NAME);
  tracing.hooks = {
    scope: (req, scope) => void scopes.set(req, scope),
    graphqlOperation: (type, name, run) =>
      tracer.startActiveSpan(
        name ? `${type} ${name}` : type,
        { attributes: name ? { 'graphql.operation.type': type, 'graphql.operation.name': name } : { 'graphql.operation.type': type } },
        async (span) => {
          try {
            return await run();
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        },
      ),
    shutdown: () => sdk.shutdown(),
  };
}
