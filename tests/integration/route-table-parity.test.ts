import type { IncomingMessage, ServerResponse } from 'node:http';
import { fastPath } from '../../src/oauth-rest/fast-path';
import type { Route } from '../../src/oauth-rest/routes';
import { createTestClient, type TestClient } from '../fixtures/token-clients';
import { basic } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Issue 9 item 1: one route table, served alike by the node:http fast path
 * (exact method and URL) and by Express (the same path with a query string).
 * The same request must get the same status, the same headers of note and a
 * body of the same shape through both.
 */
describe('route table: the fast path and Express answer alike', () => {
  let t: TestServer;
  let service: TestClient;

  beforeAll(async () => {
    t = await startTestServer();
    service = await createTestClient(t.server.app.domain, '/');
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends exact table URLs down the fast path and query-string variants to Express', () => {
    const served: string[] = [];
    const take = fastPath(t.server.app.routes, (route: Route) => served.push(`${route.method} ${route.path}`));
    const call = (method: string, url: string) => take({ method, url } as IncomingMessage, {} as ServerResponse);
    expect(call('POST', '/token')).toBe(true);
    expect(call('POST', '/revoke')).toBe(true);
    expect(call('GET', '/.well-known/jwks.json')).toBe(true);
    expect(call('POST', '/token?via=express')).toBe(false);
    // `query` routes (seed 002 device refresh) match on the path alone, query string or not.
    expect(call('GET', '/token')).toBe(true);
    expect(call('GET', '/token?refresh_token=x&device_id=y')).toBe(true);
    expect(call('GET', '/tokens?refresh_token=x&device_id=y')).toBe(true);
    expect(call('GET', '/authorize')).toBe(false);
    // A trailing path parameter (RFC 7592 `/register/:client_id`) matches one last segment, at the root and under a tenant issuer.
    expect(call('PUT', '/register/abc')).toBe(true);
    expect(call('DELETE', '/t/acme/register/abc')).toBe(true);
    expect(call('GET', '/register/abc?via=express')).toBe(false);
    expect(call('GET', '/register/a%62c')).toBe(false);
    expect(call('GET', '/register/')).toBe(false);
    expect(served).toEqual([
      'POST /token',
      'POST /revoke',
      'GET /.well-known/jwks.json',
      'GET /token',
      'GET /token',
      'GET /tokens',
      'PUT /register/:client_id',
      'DELETE /t/:issuer/register/:client_id',
    ]);
  });

  const NOTED = ['content-type', 'cache-control', 'pragma', 'www-authenticate', 'retry-after'];
  /** Status, headers of note, and the body's shape (keys and value types; error codes and descriptions verbatim). */
  async function outcome(path: string, init: { headers?: Record<string, string>; body?: string }) {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', ...init });
    const text = await res.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    const shape = body && (typeof body.error === 'string' ? body : Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v])));
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    return { status: res.status, headers: Object.fromEntries(NOTED.map((name) => [name, res.headers.get(name)])), body: shape };
  }
  const form = 'application/x-www-form-urlencoded';
  const auth = () => ({ authorization: basic(service.clientId, service.clientSecret!) });

  it.each([
    [
      'a client_credentials grant',
      '/token',
      () => ({ headers: { 'content-type': form, ...auth() }, body: 'grant_type=client_credentials' }),
      200,
    ],
    [
      'a form with a charset parameter',
      '/token',
      () => ({ headers: { 'content-type': `${form}; charset=UTF-8`, ...auth() }, body: 'grant_type=client_credentials' }),
      200,
    ],
    [
      'a wrong client secret',
      '/token',
      () => ({ headers: { 'content-type': form, authorization: basic(service.clientId, 'wrong') }, body: 'grant_type=client_credentials' }),
      401,
    ],
    ['an unsupported grant type', '/token', () => ({ headers: { 'content-type': form, ...auth() }, body: 'grant_type=implicit' }), 400],
    [
      'a JSON body',
      '/token',
      () => ({ headers: { 'content-type': 'application/json', ...auth() }, body: '{"grant_type":"client_credentials"}' }),
      400,
    ],
    [
      'repeated parameters',
      '/token',
      () => ({ headers: { 'content-type': form, ...auth() }, body: 'grant_type=client_credentials&scope=email&scope=email' }),
      400,
    ],
    [
      'a body over 64 KiB',
      '/token',
      () => ({ headers: { 'content-type': form, ...auth() }, body: `grant_type=client_credentials&pad=${'x'.repeat(70_000)}` }),
      413,
    ],
    [
      'repeated parameters at /introspect',
      '/introspect',
      () => ({ headers: { 'content-type': form, ...auth() }, body: 'token=a&token=b' }),
      400,
    ],
    [
      'a body over 64 KiB at /revoke',
      '/revoke',
      () => ({ headers: { 'content-type': form, ...auth() }, body: `token=${'x'.repeat(70_000)}` }),
      413,
    ],
    ['a revocation of an unknown token', '/revoke', () => ({ headers: { 'content-type': form, ...auth() }, body: 'token=unknown' }), 200],
  ])('%s', async (_, path, init, status) => {
    const viaFastPath = await outcome(path, init());
    const viaExpress = await outcome(`${path}?via=express`, init());
    expect(viaFastPath.status).toBe(status);
    expect(viaExpress).toEqual(viaFastPath);
  });

  it('builds the same request scope for the domain through both adapters', async () => {
    const exchange = jest.spyOn(t.server.app.domain.tokenEndpoint, 'exchange');
    try {
      for (const path of ['/token', '/token?via=express']) {
        exchange.mockClear();
        const res = await fetch(`${t.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': form, 'user-agent': 'parity-test/1', 'x-request-id': `scope-${path.length}`, ...auth() },
          body: 'grant_type=client_credentials',
        });
        expect(res.status).toBe(200);
        const scope = exchange.mock.calls[0]![2]!;
        expect({
          requestId: scope.requestId,
          clientIp: scope.clientIp,
          userAgent: scope.userAgent,
          clientId: scope.clientId,
          actor: scope.actor,
        }).toEqual({
          requestId: `scope-${path.length}`,
          clientIp: '127.0.0.1',
          userAgent: 'parity-test/1',
          clientId: service.clientId,
          actor: null,
        });
      }
    } finally {
      exchange.mockRestore();
    }
  });
});
