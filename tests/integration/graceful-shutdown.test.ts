import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-postgres';
import { basic } from '../support/oauth';
import { spawnServer, type ServerProcess } from '../support/process';
import { createTestDatabase } from '../support/test-server';

const CLIENTS = 16;
const SECRET = 'drain-admin-secret-0123456789abcdef';

/**
 * A rolling restart loses nothing (issue 24): keep-alive clients sending
 * client_credentials across a SIGTERM see every request they wrote answered —
 * the answers after the signal carry `Connection: close`, and a new connection
 * is refused — never a reset; /readyz answers 503 once shutdown has begun; the
 * process exits 0 long before its grace period would have run out.
 */
describe('graceful shutdown under keep-alive load', () => {
  let dir: string;
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'idp-drain-'));
    port = await freePort();
    server = spawnServer({
      DATABASE_URL: await createTestDatabase(),
      PORT: String(port),
      DATA_DIR: dir,
      SECRET_KEY: randomBytes(32).toString('base64'),
      ADMIN_CLIENT_SECRET: SECRET,
      LOG_LEVEL: 'info',
    });
    await server.waitFor(/"msg":"server ready"/);
  });
  afterAll(async () => {
    await server.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request written on a keep-alive connection, with Connection: close after SIGTERM, and exits 0', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const tally = { before: 0, closing: 0, refused: 0, failed: [] as string[], otherStatus: [] as number[] };
    let signalled = false;
    let warm!: () => void;
    const warmedUp = new Promise<void>((resolve) => (warm = resolve));
    const perClient = new Array<number>(CLIENTS).fill(0);

    /** One client: client_credentials in a loop until an answer says `Connection: close` or the connect is refused. */
    const client = async (index: number) => {
      for (;;) {
        const outcome = await tokenRequest(port, agent);
        if (outcome.kind === 'refused') {
          tally.refused++;
          return;
        }
        if (outcome.kind === 'failed') {
          tally.failed.push(outcome.error);
          return;
        }
        if (outcome.status !== 200) tally.otherStatus.push(outcome.status);
        if (outcome.close) {
          tally.closing++;
          if (!signalled) tally.failed.push('Connection: close before SIGTERM');
          return;
        }
        tally.before++;
        if (++perClient[index]! === 10 && perClient.every((n) => n >= 10)) warm();
      }
    };

    // A /readyz whose first bytes reached the server before the signal and whose end comes after it.
    const probe = await partialReadyz(port);
    // A keep-alive connection that answered once and then idles: the drain closes it, it does not hold the exit.
    const idle = await idleConnection(port);
    const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
    await warmedUp;
    signalled = true;
    const exited = server.stop('SIGTERM');
    await server.waitFor(/"msg":"shutting down"/);
    const readyz = await probe.finish();
    await idle.closed;
    await Promise.all(clients);
    agent.destroy();

    expect(tally.failed).toEqual([]);
    expect(tally.otherStatus).toEqual([]);
    expect(tally.closing + tally.refused).toBe(CLIENTS);
    expect(tally.closing).toBeGreaterThan(0);
    expect(readyz).toMatchObject({ status: 503, connection: 'close', body: { status: 'unavailable', reason: 'shutting down' } });
    expect(await exited).toBe(0);
    const shutdownLog = server.output().slice(server.output().indexOf('"msg":"shutting down"'));
    expect(shutdownLog).toMatch(/"msg":"stopped"/);
    expect(shutdownLog).not.toMatch(/destroyed/);
  }, 60_000);
});

type Outcome = { kind: 'answered'; status: number; close: boolean } | { kind: 'refused' } | { kind: 'failed'; error: string };

function tokenRequest(port: number, agent: http.Agent): Promise<Outcome> {
  const body = 'grant_type=client_credentials';
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/token',
        method: 'POST',
        agent,
        headers: {
          authorization: basic('admin', SECRET),
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0, close: res.headers.connection === 'close' }));
        res.on('error', (error) => resolve({ kind: 'failed', error: `${error.message} (while reading the answer)` }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'failed', error: `${error.code ?? ''} ${error.message}` }),
    );
    req.end(body);
  });
}

/** GET /readyz on a raw socket: everything but the header block's final CRLF now, the rest on `finish()`. */
async function partialReadyz(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
  let raw = '';
  socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  const ended = new Promise<void>((resolve, reject) => socket.once('close', () => resolve()).once('error', reject));
  return {
    finish: async () => {
      socket.write('\r\n');
      await ended;
      const [head = '', text = ''] = raw.split('\r\n\r\n');
      return {
        status: Number(head.split(' ')[1]),
        connection: /^connection: (.*)$/im.exec(head)?.[1],
        body: JSON.parse(text) as unknown,
      };
    },
  };
}

/** A raw keep-alive connection that got one answer (GET /healthz) and sends nothing more; `closed` settles when the server closes it. */
async function idleConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  await answered;
  return { closed };
}
