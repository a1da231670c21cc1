import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackServer {
  url: string;
  /** Query parameters of every GET to the callback (response_mode=query). */
  hits: URLSearchParams[];
  /** Every POST to the callback (response_mode=form_post): its form body and Content-Type. */
  posts: { body: URLSearchParams; contentType: string | undefined }[];
  close(): Promise<void>;
}

/** A client's redirect endpoint for browser tests: a tiny loopback server that records what it receives, by query or form post. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const hits: URLSearchParams[] = [];
  const posts: CallbackServer['posts'] = [];
  const page = (received: URLSearchParams) =>
    `<!doctype html><html><body style="font:16px system-ui;padding:40px"><h1>Example App</h1><p id="result">Authorization response received: ${
      received.has('code') ? 'code' : 'error'
    }</p></body></html>`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        posts.push({ body, contentType: req.headers['content-type'] });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page(body));
      });
      return;
    }
    hits.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(url.searchParams));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/callback`, hits, posts, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
