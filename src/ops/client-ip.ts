import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '../config/env';

/** Whether the address `i` hops away from the server is a trusted proxy (proxy-addr's signature, which Express takes as `trust proxy`). */
export type TrustFunction = (address: string, hop: number) => boolean;

/** proxy-addr's range names. */
const RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4, so one list covers both. */
const plain = (address: string): string => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);
const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** Compiles TRUST_PROXY once; the request scope (and Express's `trust proxy`, if set) use the same function. */
export function compileTrustProxy(trust: TrustProxy): TrustFunction {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  const trusted = new BlockList();
  for (const entry of trust.flatMap((item) => RANGES[item] ?? [item])) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    if (prefix === undefined) trusted.addAddress(address, familyOf(address));
    else trusted.addSubnet(address, Number(prefix), familyOf(address));
  }
  return (address) => isIP(address) !== 0 && trusted.check(address, familyOf(address));
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
  let address = plain(peer);
  if (!trust(address, 0)) return address;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((entry) => plain(entry.trim()));
  for (let hop = 1, i = forwarded.length - 1; i >= 0; i--, hop++) {
    const next = forwarded[i]!;
    if (isIP(next) === 0) return address;
    address = next;
    if (!trust(address, hop)) return address;
  }
  return address;
}
