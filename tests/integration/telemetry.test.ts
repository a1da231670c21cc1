import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-postgres';
import { telemetryEnabled } from '../../src/ops/telemetry-switch';
import { createAdminSdk } from '../../src/sdk/client';
import { basic, postForm } from '../support/oauth';
import { spawnServer, type ServerProcess } from '../support/process';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, createTestDatabase } from '../support/test-server';

/** OTLP/JSON as the exporter sends it (only what the test reads). */
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}
interface OtlpTraces {
  resourceSpans: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans: { scope?: { name: string }; spans: OtlpSpan[] }[] }[];
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

const attr = (span: OtlpSpan, key: string): unknown => {
  const found = span.attributes?.find((a) => a.key === key)?.value;
  return found?.stringValue ?? found?.intValue ?? found?.boolValue ?? found?.doubleValue;
};

/**
 * A local OTLP/HTTP receiver (POST /v1/traces and /v1/metrics, JSON): keeps every
 * span, every raw body (for the secret scan) and wakes the waiters on each batch.
 */
function otlpReceiver() {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const metricNames = new Set<string>();
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      bodies.push(text);
      if (req.url === '/v1/traces') {
        for (const resource of (JSON.parse(text) as OtlpTraces).resourceSpans)
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      } else if (req.url === '/v1/metrics') {
        for (const match of text.matchAll(/"name":"([^"]+)"/g)) metricNames.add(match[1]!);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const wake of waiters) wake();
    });
  });
  /** Resolves once `condition` holds after some batch (or already). */
  const until = <T>(condition: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const value = condition();
        if (value === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; spans so far: ${spans.map((s) => s.name).join(', ')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { server, spans, bodies, metricNames, until };
}

describe('OpenTelemetry: traces and metrics over OTLP', () => {
  const receiver = otlpReceiver();
  let idp: ServerProcess;
  let url: string;
  let dataDir: string;
  const password = `Pw-${randomBytes(9).toString('hex')}`;
  const username = `otel-${randomBytes(4).toString('hex')}`;
  const seen: string[] = [password, ADMIN_CLIENT_SECRET];

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'idp-otel-'));
    url = `http://127.0.0.1:${port}`;
    idp = spawnServer({
      SECRET_KEY: randomBytes(32).toString('base64'),
      ISSUER: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: await createTestDatabase(),
      DATA_DIR: dataDir,
      ADMIN_CLIENT_ID,
      ADMIN_CLIENT_SECRET,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`,
      // Export each batch at once and metrics every 300 ms: the receiver's batches are the test's signal.
      OTEL_BSP_SCHEDULE_DELAY: '20',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
    await idp.waitFor(/"msg":"server ready"/);
  });
  afterAll(async () => {
    await idp?.stop();
    await new Promise((resolve) => receiver.server.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('traces a /token request under the caller’s traceparent: HTTP server span with request id and tenant, and its database spans', async () => {
    const admin = createAdminSdk(
      url,
      (
        await postForm<{ access_token: string }>(
          `${url}/token`,
          { grant_type: 'client_credentials' },
          { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
        )
      ).body.access_token,
    );
    await admin.createUser({ input: { tenantPath: '/', username, password } });
    const { createClient } = await admin.createClient({
      input: { tenantPath: '/', name: 'otel', grantTypes: ['password', 'refresh_token'], allowedScopes: ['openid', 'offline_access'] },
    });
    const client = { id: createClient.client.clientId, secret: createClient.clientSecret! };
    seen.push(client.secret);

    // A password grant reads the user (and its tenant's settings) from the database.
    const traceId = randomBytes(16).toString('hex');
    const response = await postForm<{ access_token: string; refresh_token: string }>(
      `${url}/token`,
      { grant_type: 'password', username, password, scope: 'openid offline_access' },
      {
        authorization: basic(client.id, client.secret),
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
        'x-request-id': 'otel-req-1',
      },
    );
    expect(response.status).toBe(200);
    seen.push(response.body.access_token, response.body.refresh_token);

    const trace = await receiver.until(() => {
      const spans = receiver.spans.filter((s) => s.traceId === traceId);
      const server = spans.find((s) => s.kind === SPAN_KIND_SERVER);
      const db = spans.filter((s) => s.kind === SPAN_KIND_CLIENT && attr(s, 'db.system.name') === 'postgresql');
      return server && db.length > 0 ? { server, db, spans } : undefined;
    }, 'traced /token request with database spans');
    expect(trace.server.parentSpanId).toBeTruthy(); // the caller's span
    expect(attr(trace.server, 'url.path')).toBe('/token');
    expect(attr(trace.server, 'http.response.status_code')).toBe(200);
    expect(attr(trace.server, 'idp.request_id')).toBe('otel-req-1');
    expect(attr(trace.server, 'idp.tenant')).toBe('/');
    // Every span of the request hangs under its server span; the SQL is parameterised text.
    const ids = new Set(trace.spans.map((s) => s.spanId));
    for (const span of trace.db) expect(ids.has(span.parentSpanId!)).toBe(true);
    expect(trace.db.some((s) => /\$1/.test(String(attr(s, 'db.query.text'))))).toBe(true);
  });

  it('gives each GraphQL operation a span with its name, on graphql-js and on graphql-jit', async () => {
    const token = (
      await postForm<{ access_token: string }>(
        `${url}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
      )
    ).body.access_token;
    seen.push(token);
    const admin = createAdminSdk(url, token);
    // The first run of a document goes through graphql-js, the second through its compiled jit function.
    await admin.tenants({ first: 5 });
    await admin.tenants({ first: 5 });
    const operations = await receiver.until(() => {
      const found = receiver.spans.filter((s) => s.name === 'query tenants');
      return found.length >= 2 ? found : undefined;
    }, 'two `query tenants` spans');
    for (const span of operations) {
      expect(attr(span, 'graphql.operation.name')).toBe('tenants');
      expect(attr(span, 'graphql.operation.type')).toBe('query');
    }
    expect(new Set(operations.map((s) => s.traceId)).size).toBe(2);
  });

  it('keeps query strings to their parameter names and no secret in any attribute', async () => {
    const refreshToken = `rt-${randomBytes(12).toString('hex')}`;
    const userCode = `UC${randomBytes(4).toString('hex').toUpperCase()}`;
    seen.push(refreshToken, userCode);
    await fetch(`${url}/token?refresh_token=${refreshToken}&device_id=00000000-0000-4000-8000-000000000000`);
    await fetch(`${url}/device?user_code=${userCode}`);
    const redacted = await receiver.until(
      () => receiver.spans.find((s) => attr(s, 'url.path') === '/token' && String(attr(s, 'url.query')).includes('refresh_token')),
      'span of GET /token?refresh_token=…',
    );
    expect(attr(redacted, 'url.query')).toBe('refresh_token=REDACTED&device_id=REDACTED');
    await receiver.until(() => (receiver.spans.some((s) => attr(s, 'url.path') === '/device') ? true : undefined), 'span of GET /device');
    // Metrics: the HTTP server duration histogram arrives over OTLP too.
    await receiver.until(() => (receiver.metricNames.has('http.server.request.duration') ? true : undefined), 'HTTP server metrics');

    const everything = receiver.bodies.join('\n');
    for (const secret of seen) expect(everything).not.toContain(secret);
    // No parameter value after a name, no header captured as an attribute.
    expect(everything).not.toMatch(/(code|token|secret|password|assertion)=(?!REDACTED)/i);
    const keys = receiver.spans.flatMap((s) => (s.attributes ?? []).map((a) => a.key));
    expect(keys.filter((key) => /header|authorization|cookie|password|secret|variables/i.test(key))).toEqual([]);
  });
});

describe('telemetryEnabled: the SDK loads only with an OTLP endpoint', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, false],
  ])('%j → %s', (env, expected) => {
    expect(telemetryEnabled(env)).toBe(expected);
  });
});
