import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '../config/env';

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4, so one CIDR list covers both. */
const plain = (address: string): string => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/**
 * The client's IP address under a TRUST_PROXY setting. Off: the socket's
 * peer. A hop count n: the address n entries left of the peer in
 * `X-Forwarded-For` (the peer being hop 0). A CIDR list: walking from the
 * peer leftwards through X-Forwarded-For, the first address that is not a
 * trusted proxy. Never trusts the header beyond what is configured.
 */
export function clientIpResolver(trust: TrustProxy): (req: IncomingMessage) => string {
  const peer = (req: IncomingMessage) => plain(req.socket.remoteAddress ?? '');
  if (trust.kind === 'off') return peer;
  const chain = (req: IncomingMessage): string[] => {
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((entry) => plain(entry.trim()))
      .filter((entry) => isIP(entry) !== 0);
    return [...forwarded, peer(req)];
  };
  if (trust.kind === 'hops') {
    return (req) => {
      const addresses = chain(req);
      return addresses[Math.max(0, addresses.length - 1 - trust.hops)]!;
    };
  }
  const trusted = new BlockList();
  for (const entry of trust.cidrs) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(prefix), type);
  }
  const isTrusted = (address: string) => trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  return (req) => {
    const addresses = chain(req);
    for (let i = addresses.length - 1; i > 0; i--) {
      if (!isTrusted(addresses[i]!)) return addresses[i]!;
    }
    return addresses[0]!;
  };
}
