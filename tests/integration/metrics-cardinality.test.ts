import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/test-server';

/** The distinct `route` label values of `http_requests_total`, and the number of per-route lines (series and buckets) of `/metrics`. */
async function scrape(url: string): Promise<{ routes: Set<string>; lines: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const routes = new Set([...text.matchAll(/^http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]!));
  return { routes, lines: text.split('\n').filter((line) => /^(http_request|db_queries_total)\w*\{/.test(line)).length };
}

/** `count` requests, 25 at a time, to paths an attacker picks freely (random, long, case-shuffled). */
async function flood(url: string, count: number): Promise<void> {
  const paths = (i: number) => {
    const noise = randomBytes(48).toString('hex') + 'x'.repeat(1000);
    return [
      `/console/${noise}`,
      `/CoNsOlE/${noise}`,
      `/console/assets/${noise}`,
      `/Console/Assets/${noise}`,
      `/GraphQL/${noise}`,
      `/${noise}`,
      `/authorize/${noise}`,
    ][i % 7]!;
  };
  for (let start = 0; start < count; start += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - start) }, async (_, k) => {
        const res = await fetch(`${url}${paths(start + k)}`, { headers: { accept: 'application/json' } });
        await res.arrayBuffer();
      }),
    );
  }
}

describe('/metrics route labels', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('come from a fixed set whatever paths are requested, so the series do not grow with distinct paths', async () => {
    // The OAuth route table's patterns, the express routes and mounts the flood can reach, and one label for the rest.
    const fixed = new Set([
      ...t.server.app.routes.map((route) => route.path),
      '/console|/console/{*rest}',
      '/console/assets',
      '/metrics',
      '/graphql',
      '/authorize',
      'unmatched',
    ]);
    await scrape(t.url); // so /metrics's own series exists before the first count
    await flood(t.url, 350);
    const first = await scrape(t.url);
    expect([...first.routes].filter((route) => !fixed.has(route)).map((route) => route.slice(0, 60))).toEqual([]);
    // Another flood of new distinct paths adds no series and no lines.
    await flood(t.url, 350);
    const second = await scrape(t.url);
    expect(second.routes).toEqual(first.routes);
    expect(second.lines).toBe(first.lines);
  });
});
