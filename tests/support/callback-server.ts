import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackServer {
  url: string;
  hits: URLSearchParams[];
  close(): Promise<void>;
}

/** A client's redirect endpoint for browser tests: a tiny loopback server that records what it receives. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const hits: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    hits.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html><body style="font:16px system-ui;padding:40px"><h1>Example App</h1><p id="result">Authorization response received: ${
        url.searchParams.has('code') ? 'code' : 'error'
      }</p></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/callback`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
