import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-postgres';
import { waitUntil } from '../support/wait-until';
import { spawnServer } from '../support/process';
import { basic, postForm } from '../support/oauth';

/**
 * `npm start` as a user runs it: embedded PostgreSQL under DATA_DIR, bootstrap
 * on first start, admin secret printed once, data kept across restarts, clean
 * SIGTERM shutdown that stops the database.
 */
describe('server process with embedded PostgreSQL', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'idp-process-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('bootstraps once, keeps data across a restart and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    const first = spawnServer(env);
    const [, secret] = await first.waitFor(/ADMIN_CLIENT_SECRET=(\S+)/);
    await first.waitFor(/"msg":"server ready"/);
    const base = `http://127.0.0.1:${port}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const token = await postForm(`${base}/token`, { grant_type: 'client_credentials' }, { authorization: basic('admin', secret!) });
    expect(token.status).toBe(200);
    const created = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.body.access_token as string}` },
      body: JSON.stringify({ query: 'mutation { createTenant(input: { path: "/kept" }) { path } }' }),
    });
    expect(await created.json()).toEqual({ data: { createTenant: { path: '/kept' } } });
    const jwksBefore = await (await fetch(`${base}/.well-known/jwks.json`)).json();

    // A request the server has accepted (it answered 100 Continue) before SIGTERM still completes.
    const inFlight = tokenWithDelayedBody(port, basic('admin', secret!));
    await inFlight.accepted;
    const exited = first.stop('SIGTERM');
    await first.waitFor(/"msg":"shutting down"/);
    inFlight.sendBody();
    expect((await inFlight.response).status).toBe(200);
    expect(await exited).toBe(0);
    const shutdownLog = first.output().slice(first.output().indexOf('"msg":"shutting down"'));
    expect(shutdownLog).toMatch(/"msg":"stopped"/);
    // Nothing after the signal dumps a driver object (a pg client carried its prepared statements and cancel key).
    expect(shutdownLog).not.toMatch(/"level":[45]0/);
    expect(
      Math.max(
        ...first
          .output()
          .split('\n')
          .map((line) => line.length),
      ),
    ).toBeLessThan(2000);
    // The secret lives in DATA_DIR with owner-only permissions.
    expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o077).toBe(0);
    expect(readFileSync(path.join(dataDir, 'postgres', 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);

    const second = spawnServer(env);
    await second.waitFor(/"msg":"server ready"/);
    expect(second.output()).not.toMatch(/ADMIN_CLIENT_SECRET=/);
    const again = await postForm(`${base}/token`, { grant_type: 'client_credentials' }, { authorization: basic('admin', secret!) });
    expect(again.status).toBe(200);
    const tenant = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${again.body.access_token as string}` },
      body: JSON.stringify({ query: '{ tenant(path: "/kept") { path } }' }),
    });
    expect(await tenant.json()).toEqual({ data: { tenant: { path: '/kept' } } });
    // The same signing key signs after a restart (the private key was sealed and reloaded).
    expect(await (await fetch(`${base}/.well-known/jwks.json`)).json()).toEqual(jwksBefore);

    // Database gone: liveness stays green, readiness turns 503, nothing internal leaks.
    const postmasterPid = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmasterPid, 'SIGINT'); // PostgreSQL "fast" shutdown
    await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 503);
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'database unreachable', changeBus: expect.any(String) });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await second.stop('SIGTERM');
  }, 90_000);
});

describe('server process with WORKERS=2', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'idp-workers-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves from both workers and reports every worker’s requests on /metrics', async () => {
    const port = await freePort();
    const server = spawnServer({ PORT: String(port), DATA_DIR: dataDir, WORKERS: '2', LOG_LEVEL: 'info' });
    try {
      const [, secret] = await server.waitFor(/ADMIN_CLIENT_SECRET=(\S+)/);
      await server.waitFor(/"msg":"server ready"/);
      const requests = 12;
      const pids = new Set<number>();
      for (let i = 0; i < requests; i++) {
        // A new connection each time, so the primary spreads them over the workers.
        const { status } = await tokenOnNewConnection(port, basic('admin', secret!));
        expect(status).toBe(200);
      }
      for (const match of server.output().matchAll(/"pid":(\d+)[^\n]*"url":"\/token"/g)) pids.add(Number(match[1]));
      expect(pids.size).toBe(2);

      for (let scrape = 0; scrape < 4; scrape++) {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { connection: 'close' } })).text();
        const served = [...text.matchAll(/^http_requests_total\{[^}]*route="\/token"[^}]*status="200"[^}]*\} (\d+)$/gm)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        );
        expect(served).toBe(requests);
      }
    } finally {
      await server.stop('SIGTERM');
    }
  }, 90_000);
});

/**
 * POST /token sending only the headers with `Expect: 100-continue`: `accepted`
 * resolves once the server has dispatched the request (Node answers 100 Continue
 * then), `sendBody()` sends the form, `response` is the final answer.
 */
function tokenWithDelayedBody(
  port: number,
  authorization: string,
): { accepted: Promise<void>; sendBody(): void; response: Promise<{ status: number; body: string }> } {
  const body = 'grant_type=client_credentials';
  const req = http.request({
    host: '127.0.0.1',
    port,
    path: '/token',
    method: 'POST',
    agent: false,
    headers: { authorization, expect: '100-continue', 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
  });
  const accepted = new Promise<void>((resolve, reject) => {
    req.once('continue', () => resolve());
    req.once('error', reject);
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
  });
  req.flushHeaders();
  return { accepted, sendBody: () => req.end(body), response };
}

function tokenOnNewConnection(port: number, authorization: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const body = 'grant_type=client_credentials';
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/token',
        method: 'POST',
        agent: false,
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
