'use strict';
// Reads the server's GET /metrics (Prometheus text) for the per-route counters
// `http_requests_total{method,route,status}` and `db_queries_total{route}`.

function parseLabels(s) {
  const out = {};
  const re = /(\w+)="((?:[^"\\]|\\.)*)"/g;
  let m;
  while ((m = re.exec(s))) out[m[1]] = m[2];
  return out;
}

function parse(text) {
  const requests = {}; // route -> count (all methods and statuses)
  const queries = {}; // route -> count
  let background = 0;
  for (const line of text.split('\n')) {
    if (!line || line[0] === '#') continue;
    const m = /^(\w+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const [, name, labels, value] = m;
    const v = Number(value);
    if (name === 'http_requests_total') {
      const { route } = parseLabels(labels || '');
      requests[route] = (requests[route] || 0) + v;
    } else if (name === 'db_queries_total') {
      const { route } = parseLabels(labels || '');
      queries[route] = (queries[route] || 0) + v;
    } else if (name === 'db_queries_background_total') {
      background += v;
    }
  }
  return { requests, queries, background };
}

async function scrape(baseUrl) {
  const res = await fetch(`${baseUrl}/metrics`, { headers: { connection: 'close' } });
  if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
  return parse(await res.text());
}

/** Queries per request on `route` between two scrapes (null when no requests were seen). */
function queriesPerRequest(before, after, route) {
  const req = (after.requests[route] || 0) - (before.requests[route] || 0);
  const q = (after.queries[route] || 0) - (before.queries[route] || 0);
  return req > 0 ? { requests: req, queries: q, perRequest: q / req } : null;
}

module.exports = { scrape, queriesPerRequest };
