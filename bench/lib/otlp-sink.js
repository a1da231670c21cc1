'use strict';
// A local OTLP/HTTP receiver for the tracing comparison: it reads each export, counts
// the spans (without parsing the JSON) and answers 200, as a collector on the same host would.

const http = require('node:http');

/** @returns {Promise<{ url: string, stats: { exports: number, bytes: number, spans: number }, close(): Promise<void> }>} */
function startOtlpSink() {
  const stats = { exports: 0, bytes: 0, spans: 0 };
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      stats.exports++;
      stats.bytes += Buffer.byteLength(text);
      if (req.url === '/v1/traces') stats.spans += text.split('"spanId":').length - 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        stats,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

module.exports = { startOtlpSink };
