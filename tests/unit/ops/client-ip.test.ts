import type { IncomingMessage } from 'node:http';
import { parseEnv } from '../../../src/config/env';
import { clientIp, compileTrustProxy } from '../../../src/ops/client-ip';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;
const resolverFor = (trustProxy: string) => {
  const trust = compileTrustProxy(parseEnv({ TRUST_PROXY: trustProxy }).trustProxy);
  return (req: IncomingMessage) => clientIp(req, trust);
};

describe('clientIp (TRUST_PROXY)', () => {
  it('off: the socket peer, whatever X-Forwarded-For says', () => {
    const ip = resolverFor('');
    expect(ip(request('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7');
    expect(ip(request('::ffff:203.0.113.7'))).toBe('203.0.113.7');
    expect(ip({ socket: {}, headers: {} } as unknown as IncomingMessage)).toBeUndefined();
  });

  it('a hop count: that many proxies nearest the server are believed, no further than the header goes', () => {
    const one = resolverFor('1');
    expect(one(request('10.0.0.2', '198.51.100.9, 203.0.113.5'))).toBe('203.0.113.5');
    expect(one(request('10.0.0.2'))).toBe('10.0.0.2');
    expect(resolverFor('2')(request('10.0.0.2', '198.51.100.9, 203.0.113.5'))).toBe('198.51.100.9');
    expect(resolverFor('5')(request('10.0.0.2', '198.51.100.9'))).toBe('198.51.100.9');
  });

  it('a list: the first address from the nearest end that is not a trusted proxy; spoofed entries further out are ignored', () => {
    const ip = resolverFor('10.0.0.0/8,127.0.0.1');
    expect(ip(request('127.0.0.1', '1.2.3.4, 203.0.113.5, 10.1.2.3'))).toBe('203.0.113.5');
    expect(ip(request('203.0.113.9', '1.2.3.4'))).toBe('203.0.113.9');
    expect(ip(request('10.0.0.1', 'garbage, 10.0.0.3'))).toBe('10.0.0.3');
  });

  it('understands the range names loopback, linklocal and uniquelocal', () => {
    const ip = resolverFor('loopback,uniquelocal');
    expect(ip(request('::1', '203.0.113.5, 192.168.1.10'))).toBe('203.0.113.5');
    expect(ip(request('169.254.1.1', '203.0.113.5'))).toBe('169.254.1.1');
    expect(resolverFor('linklocal')(request('169.254.1.1', '203.0.113.5'))).toBe('203.0.113.5');
  });
});
