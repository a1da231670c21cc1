import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../config/env';

/** Whether the address `i` hops away from the server is a trusted proxy (proxy-addr's signature, which Express takes as `trust proxy`). */
export type TrustFunction = (address: string, hop: number) => boolean;

/** Compiles TRUST_PROXY once; Express's `trust proxy` and {@link clientIp} use the same function. */
export function compileTrustProxy(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyaddr.compile([...trust]);
}

/**
 * The client's IP address: the socket's peer, unless that peer is a trusted
 * proxy, in which case X-Forwarded-For is walked from the nearest entry until
 * an address that is not a trusted proxy. Entries beyond it are client-supplied
 * and never believed.
 */
export function clientIp(req: IncomingMessage, trust: TrustFunction): string | undefined {
  const peer = req.socket?.remoteAddress;
  if (!peer) return undefined;
  // An untrusted peer is the client: X-Forwarded-For is not even parsed (proxy-addr answers the same).
  if (!trust(peer, 0)) return peer;
  return proxyaddr(req, trust);
}
