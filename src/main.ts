/**
 * Process entry (`node dist/main.js`, also each cluster worker). OpenTelemetry's
 * instrumentations patch `require`, so when tracing is configured the SDK starts
 * here, before any instrumented module (http, express, pg, graphql) is loaded;
 * otherwise it is not loaded at all. Then the server (src/serve.ts).
 */
import { telemetryEnabled } from './ops/telemetry-switch';

if (telemetryEnabled(process.env)) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./ops/telemetry') as typeof import('./ops/telemetry')).startTelemetry();
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./serve');
