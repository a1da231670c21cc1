'use strict';
// A loopback HTTP load balancer for several server processes on one database
// (`SOAK_NODES=3 npm run soak`, tests/integration/three-nodes.test.ts through
// tests/support/round-robin-proxy.cjs): each request goes to the next backend in
// turn. Per request, not per connection: fetch keeps its connections alive, so
// a per-connection TCP proxy would pin a client to one node. The request is
// forwarded as it came (its Host header too, as a load balancer in front of one
// ISSUER would), over a keep-alive agent; a backend that cannot be reached
// answers 502. No stickiness of any kind: every node must answer any request.

const http = require('node:http');

/**
 * @param {string[]} [backends] base URLs (http://127.0.0.1:port); may be set later with setBackends
 *   (the servers need the proxy's URL as their ISSUER before they start).
 */
function startRoundRobinProxy(backends = []) {
  let targets = backends.map((url) => new URL(url));
  let next = 0;
  const counts = new Map(); // backend URL -> requests forwarded
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    if (targets.length === 0) {
      res.writeHead(503).end();
      return;
    }
    const target = targets[next++ % targets.length];
    counts.set(target.origin, (counts.get(target.origin) ?? 0) + 1);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        setBackends(urls) {
          targets = urls.map((url) => new URL(url));
        },
        /** Requests forwarded so far, by backend origin. */
        counts: () => Object.fromEntries(counts),
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
            agent.destroy();
          }),
      });
    });
  });
}

module.exports = { startRoundRobinProxy };
