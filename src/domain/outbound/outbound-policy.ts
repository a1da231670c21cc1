/**
 * Where the server may send requests of its own (a client's `jwks_uri` today; webhooks,
 * back-channel logout and federation later): never to a private, link-local, loopback,
 * unspecified, multicast or otherwise reserved address, decided on the address a name
 * resolved to (never the name), so that a public name pointing inside the network is refused
 * too. Loopback is allowed only while the server's own ISSUER is on loopback (development and
 * tests); an operator may allow further CIDR ranges (OUTBOUND_ALLOW_CIDRS). Pure: no I/O.
 */
export interface OutboundPolicy {
  /** True while ISSUER is on loopback: 127.0.0.0/8 and ::1 may then be reached. */
  readonly allowLoopback: boolean;
  /** Ranges an operator allows although they are private (OUTBOUND_ALLOW_CIDRS). */
  readonly allowCidrs: readonly Cidr[];
}

/** The limits of one outbound request: the whole exchange within `timeoutMs`, at most `maxBytes` of body. */
export const OUTBOUND_LIMITS = Object.freeze({ timeoutMs: 3_000, maxBytes: 64 * 1024 });

export interface Cidr {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly bits: number;
}

/** An IP address as a number (IPv4 in 32 bits, IPv6 in 128), or null when it is not one. */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | null {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIpv4(address);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = parseIpv6(address);
  return v6 === null ? null : { family: 6, value: v6 };
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255 || (part.length > 1 && part.startsWith('0'))) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  const address = text.split('%')[0]!;
  if (!/^[0-9a-fA-F:.]+$/.test(address) || address.split('::').length > 2) return null;
  let groups: string[];
  const [head, tail] = address.split('::');
  const split = (part: string | undefined): string[] => (part ? part.split(':') : []);
  let right = split(tail);
  let left = split(head);
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const last = (tail === undefined ? left : right).at(-1);
  let v4Tail: bigint | null = null;
  if (last?.includes('.')) {
    v4Tail = parseIpv4(last);
    if (v4Tail === null) return null;
    if (tail === undefined) left = left.slice(0, -1);
    else right = right.slice(0, -1);
  }
  const wanted = v4Tail === null ? 8 : 6;
  if (tail === undefined) {
    if (left.length !== wanted) return null;
    groups = left;
  } else {
    const missing = wanted - left.length - right.length;
    if (missing < 1) return null;
    groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  }
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return v4Tail === null ? value : (value << 32n) | v4Tail;
}

/** A CIDR range (`10.1.0.0/16`, `fd00::/8`, or a single address), or null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', bitsText, ...rest] = text.trim().split('/');
  const ip = parseIp(address);
  if (!ip || rest.length > 0) return null;
  const width = ip.family === 4 ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (bits > width) return null;
  return { family: ip.family, base: maskOf(ip.value, bits, width), bits };
}

const maskOf = (value: bigint, bits: number, width: number): bigint =>
  bits === 0 ? 0n : (value >> BigInt(width - bits)) << BigInt(width - bits);

const ranges = (...texts: string[]): Cidr[] => texts.map((text) => parseCidr(text)!);

/** Never reachable (unless an operator allows a range): private, shared, link-local, reserved, multicast, unspecified. */
const REFUSED = ranges(
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '64:ff9b:1::/48',
  '100::/64',
  '2001:db8::/32',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
);
const LOOPBACK = ranges('127.0.0.0/8', '::1/128');

const inCidr = (ip: { family: 4 | 6; value: bigint }, cidr: Cidr): boolean =>
  ip.family === cidr.family && maskOf(ip.value, cidr.bits, ip.family === 4 ? 32 : 128) === cidr.base;

/** IPv4-mapped (::ffff:a.b.c.d) and IPv4-translated NAT64 (64:ff9b::a.b.c.d) addresses, as the IPv4 address they carry. */
function unmapped(ip: { family: 4 | 6; value: bigint }): { family: 4 | 6; value: bigint } {
  return ip.family === 6 && (ip.value >> 32n === 0xffffn || ip.value >> 32n === 0x64ff9b0000000000000000n)
    ? { family: 4, value: ip.value & 0xffffffffn }
    : ip;
}

/** Whether the server may connect to `address` (an IP address, never a name) under `policy`. */
export function outboundAddressAllowed(address: string, policy: OutboundPolicy): boolean {
  const parsed = parseIp(address);
  if (!parsed) return false;
  const ip = unmapped(parsed);
  if (policy.allowCidrs.some((cidr) => inCidr(ip, cidr))) return true;
  if (LOOPBACK.some((cidr) => inCidr(ip, cidr))) return policy.allowLoopback;
  return !REFUSED.some((cidr) => inCidr(ip, cidr));
}

/** Host names that always mean this machine (RFC 6761 §6.3: `localhost` and its subdomains). */
const isLocalhostName = (hostname: string): boolean => hostname === 'localhost' || hostname.endsWith('.localhost');

/**
 * Why the server would never send a request to `target` under `policy`, judged on the URL alone
 * (no DNS lookup: a name is judged again on the address it resolves to, at fetch time); null
 * when nothing in the URL itself rules it out. https only (http on loopback while loopback is
 * allowed), no credentials, and a host that is an IP address or `localhost` must be one the
 * policy allows. For URLs a client supplies (a registration's `jwks_uri`), checked when it is given.
 */
export function outboundUrlRefusal(target: string, policy: OutboundPolicy): string | null {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.username || url.password) return 'must not hold credentials';
  const hostname = url.hostname.toLowerCase();
  const loopbackName = isLocalhostName(hostname);
  const ip = parseIp(hostname);
  const loopback = loopbackName || (ip !== null && LOOPBACK.some((cidr) => inCidr(unmapped(ip), cidr)));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && policy.allowLoopback))
    return 'must be an https URL (http only on loopback while the server itself runs on loopback)';
  if (loopbackName && !policy.allowLoopback) return 'names a loopback host the server may not reach';
  if (ip !== null && !outboundAddressAllowed(hostname, policy)) return 'names a private or reserved address the server may not reach';
  return null;
}
