import type http from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * How long a keep-alive socket that finished a response a moment before the
 * drain began stays open for the request its client may already have on the
 * wire. Closing it at once resets that request (the server's kernel holds it
 * unread and answers the close with RST); a socket idle for longer closes at once.
 */
const DRAIN_LINGER_MS = 1_000;

/**
 * A rolling restart that loses nothing (issue 24): from `drain()` on the
 * listener accepts no connection, every response carries `Connection: close`
 * (the socket closes after it), sockets idle for more than the linger close at
 * once, the others as soon as their response is written, and only what is left
 * at the end of the grace period is destroyed.
 */
export interface ConnectionDrain {
  /** True from the moment `drain()` was called (readiness answers 503). */
  readonly draining: boolean;
  /** First thing the request listener calls for every request. */
  admit(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Stops accepting and resolves once every connection has closed; destroys what is left after `graceMs`. */
  drain(graceMs: number): Promise<{ forced: number }>;
}

interface SocketState {
  /** Responses admitted on the socket and not closed yet (more than one when the client pipelines). */
  responses: Set<http.ServerResponse>;
  /** When the socket last became idle (connected, or its last response closed). */
  idleSince: number;
  /** `socket.bytesRead` then: more read since means a request is arriving (headers not complete yet). */
  bytesReadWhenIdle: number;
  lingering?: NodeJS.Timeout;
}

export function connectionDrain(server: http.Server, lingerMs = DRAIN_LINGER_MS): ConnectionDrain {
  const sockets = new Map<Socket, SocketState>();
  let draining = false;

  server.on('connection', (socket: Socket) => {
    const state: SocketState = { responses: new Set(), idleSince: performance.now(), bytesReadWhenIdle: 0 };
    sockets.set(socket, state);
    socket.once('close', () => {
      clearTimeout(state.lingering);
      sockets.delete(socket);
    });
  });

  // A request whose first bytes were read is answered (with `Connection: close`), never cut off.
  const arriving = (socket: Socket, state: SocketState) => socket.bytesRead > state.bytesReadWhenIdle;
  /** Closes an idle socket: at once when idle long enough, else once the linger has passed with no request. */
  const closeWhenIdle = (socket: Socket, state: SocketState) => {
    if (state.responses.size > 0 || state.lingering || arriving(socket, state)) return;
    const wait = state.idleSince + lingerMs - performance.now();
    if (wait <= 0) {
      socket.destroy();
      return;
    }
    state.lingering = setTimeout(() => {
      state.lingering = undefined;
      if (state.responses.size === 0 && !arriving(socket, state)) socket.destroy();
    }, wait);
  };

  // http.Server#close (Node ≥ 19) destroys every idle socket at once, a socket whose client is already sending its
  // next request included: close() calls this method, so the drain's own lingering close takes its place.
  server.closeIdleConnections = () => {
    for (const [socket, state] of sockets) closeWhenIdle(socket, state);
  };

  return {
    get draining() {
      return draining;
    },
    admit(req, res) {
      if (draining) res.setHeader('connection', 'close');
      const socket = req.socket;
      const state = sockets.get(socket);
      if (!state) return;
      clearTimeout(state.lingering);
      state.lingering = undefined;
      state.responses.add(res);
      res.once('close', () => {
        state.responses.delete(res);
        if (state.responses.size > 0) return;
        state.idleSince = performance.now();
        state.bytesReadWhenIdle = socket.bytesRead;
        // A response whose headers left before the drain kept the connection open: close it like an idle one.
        if (draining && !socket.destroyed) closeWhenIdle(socket, state);
      });
    },
    drain(graceMs) {
      if (!draining) {
        draining = true;
        // Responses under way whose headers have not left yet close their connection too.
        for (const state of sockets.values()) {
          for (const res of state.responses) if (!res.headersSent) res.setHeader('connection', 'close');
        }
      }
      return new Promise((resolve) => {
        let forced = 0;
        const force = setTimeout(() => {
          forced = sockets.size;
          for (const socket of sockets.keys()) socket.destroy();
        }, graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve({ forced });
        });
      });
    },
  };
}
