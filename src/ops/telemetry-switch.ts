/**
 * Whether the process traces: OpenTelemetry is on when an OTLP endpoint is
 * configured (OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * for traces alone) and OTEL_SDK_DISABLED is not `true`. Off, the SDK is never loaded.
 */
export function telemetryEnabled(env: NodeJS.ProcessEnv): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}
