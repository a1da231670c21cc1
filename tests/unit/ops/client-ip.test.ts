import type { IncomingMessage } from 'node:http';
import express from 'express';
import request from 'supertest';
import { parseEnv } from '../../../src/config/env';
import { clientIp, compileTrustProxy } from '../../../src/ops/client-ip';

/** TRUST_PROXY: which X-Forwarded-For entries become the client IP. */
const fakeRequest = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;

const ipWith = (trustProxy: string | undefined, peer: string, forwardedFor?: string) =>
  clientIp(fakeRequest(peer, forwardedFor), compileTrustProxy(parseEnv({ TRUST_PROXY: trustProxy }).trustProxy));

describe('client IP with TRUST_PROXY', () => {
  it('is the socket address by default, whatever X-Forwarded-For says', () => {
    expect(ipWith(undefined, '10.0.0.2', '203.0.113.7')).toBe('10.0.0.2');
    expect(ipWith('false', '10.0.0.2', '203.0.113.7')).toBe('10.0.0.2');
  });

  it('believes as many X-Forwarded-For entries as the hop count, nearest first', () => {
    expect(ipWith('1', '10.0.0.2', '198.51.100.9, 203.0.113.7, 10.0.0.1')).toBe('10.0.0.1');
    expect(ipWith('2', '10.0.0.2', '198.51.100.9, 203.0.113.7, 10.0.0.1')).toBe('203.0.113.7');
    expect(ipWith('1', '10.0.0.2')).toBe('10.0.0.2');
  });

  it('with a CIDR list, stops at the first address that is not a trusted proxy, so a client cannot spoof past it', () => {
    expect(ipWith('10.0.0.0/8, 192.168.1.1', '10.0.0.2', '198.51.100.9, 203.0.113.7, 192.168.1.1')).toBe('203.0.113.7');
    // The peer is not a trusted proxy: the header is ignored altogether.
    expect(ipWith('10.0.0.0/8', '203.0.113.50', '198.51.100.9')).toBe('203.0.113.50');
    expect(ipWith('loopback', '127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
  });

  it('is what Express reports as req.ip', async () => {
    const app = express();
    app.set('trust proxy', compileTrustProxy(parseEnv({ TRUST_PROXY: 'loopback' }).trustProxy));
    app.get('/', (req, res) => {
      res.json({ ip: req.ip });
    });
    const res = await request(app).get('/').set('X-Forwarded-For', '203.0.113.7');
    expect(res.body).toEqual({ ip: '203.0.113.7' });
  });
});
