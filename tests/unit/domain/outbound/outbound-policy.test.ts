import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  outboundAddressAllowed,
  outboundUrlRefusal,
  parseCidr,
  type OutboundPolicy,
} from '../../../../src/domain/outbound/outbound-policy';
import { OutboundError } from '../../../../src/domain/outbound/outbound-http';
import { nodeOutboundHttp } from '../../../../src/edge/node-outbound-http';

/** The policy of a server whose ISSUER is not on loopback (production). */
const PRODUCTION: OutboundPolicy = { allowLoopback: false, allowCidrs: [] };
/** The policy of a server on loopback (tests, development). */
const LOOPBACK: OutboundPolicy = { allowLoopback: true, allowCidrs: [] };

describe('outbound address policy', () => {
  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    'fd00::1',
    'fe80::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    'not-an-ip',
    '',
  ])('refuses %s, also with loopback allowed', (address) => {
    expect(outboundAddressAllowed(address, PRODUCTION)).toBe(false);
    expect(outboundAddressAllowed(address, LOOPBACK)).toBe(false);
  });

  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '[::1]'])(
    'allows loopback %s only while ISSUER is on loopback',
    (address) => {
      expect(outboundAddressAllowed(address, PRODUCTION)).toBe(false);
      expect(outboundAddressAllowed(address, LOOPBACK)).toBe(true);
    },
  );

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(outboundAddressAllowed(address, PRODUCTION)).toBe(true);
  });

  it('allows the ranges an operator names (OUTBOUND_ALLOW_CIDRS), and nothing beside them', () => {
    const policy: OutboundPolicy = { allowLoopback: false, allowCidrs: [parseCidr('10.20.0.0/16')!, parseCidr('fd12::/16')!] };
    expect(outboundAddressAllowed('10.20.3.4', policy)).toBe(true);
    expect(outboundAddressAllowed('10.21.3.4', policy)).toBe(false);
    expect(outboundAddressAllowed('fd12:1::5', policy)).toBe(true);
    expect(outboundAddressAllowed('fd13::5', policy)).toBe(false);
    expect(outboundAddressAllowed('127.0.0.1', policy)).toBe(false);
  });

  it('parses CIDR ranges and refuses malformed ones', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ family: 4, base: 0x0a000000n, bits: 8 });
    expect(parseCidr('10.1.2.3')).toMatchObject({ family: 4, bits: 32 });
    expect(parseCidr('::1/128')).toMatchObject({ family: 6, base: 1n, bits: 128 });
    for (const bad of ['10.0.0.0/33', '10.0.0/8', '300.1.1.1', 'fd00::/129', '1:2:3:4:5:6:7:8:9', 'a::b::c', '10.0.0.0/8/1', 'x'])
      expect(parseCidr(bad)).toBeNull();
  });
});

describe('a URL a client supplies, judged when it is given (no DNS)', () => {
  it.each([
    'https://10.0.0.1/jwks.json',
    'https://169.254.169.254/latest',
    'https://[fd00::1]/jwks.json',
    'https://[::ffff:192.168.0.1]/jwks.json',
    'https://0x7f.1/jwks.json',
    'https://127.0.0.1/jwks.json',
    'https://localhost/jwks.json',
    'https://keys.localhost/jwks.json',
    'http://keys.example.com/jwks.json',
    'http://127.0.0.1:9/jwks.json',
    'https://user:pw@keys.example.com/jwks.json',
    'ftp://keys.example.com/jwks.json',
    'not a url',
  ])('refuses %s in production', (url) => {
    expect(outboundUrlRefusal(url, PRODUCTION)).toEqual(expect.any(String));
  });

  it('takes a public https URL (a name is judged on its address at fetch time)', () => {
    expect(outboundUrlRefusal('https://keys.example.com/jwks.json', PRODUCTION)).toBeNull();
    expect(outboundUrlRefusal('https://93.184.215.14/jwks.json', PRODUCTION)).toBeNull();
    expect(outboundUrlRefusal('https://internal.example.com/jwks.json', PRODUCTION)).toBeNull();
  });

  it('takes loopback, over http too, while ISSUER is on loopback, and ranges the operator allows', () => {
    for (const url of ['http://127.0.0.1:9/jwks.json', 'http://localhost:9/jwks.json', 'https://[::1]/jwks.json'])
      expect(outboundUrlRefusal(url, LOOPBACK)).toBeNull();
    expect(outboundUrlRefusal('https://10.0.0.1/jwks.json', LOOPBACK)).toEqual(expect.any(String));
    expect(outboundUrlRefusal('http://10.0.0.1/jwks.json', { allowLoopback: false, allowCidrs: [parseCidr('10.0.0.0/8')!] })).toEqual(
      expect.any(String),
    );
    expect(outboundUrlRefusal('https://10.0.0.1/jwks.json', { allowLoopback: false, allowCidrs: [parseCidr('10.0.0.0/8')!] })).toBeNull();
  });
});

describe('the node outbound HTTP client applies the policy to the resolved address', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses a name that resolves to loopback when ISSUER is not on loopback, before connecting', async () => {
    const production = nodeOutboundHttp(PRODUCTION);
    await expect(production.getJson(`http://localhost:${port}/jwks.json`)).rejects.toBeInstanceOf(OutboundError);
    await expect(production.getJson(`http://127.0.0.1:${port}/jwks.json`)).rejects.toThrow(/refused/);
  });

  it('fetches it when loopback is allowed', async () => {
    await expect(nodeOutboundHttp(LOOPBACK).getJson(`http://localhost:${port}/jwks.json`)).resolves.toEqual({ keys: [] });
  });

  it('fetches it when the operator allows the range', async () => {
    const policy: OutboundPolicy = { allowLoopback: false, allowCidrs: [parseCidr('127.0.0.0/8')!, parseCidr('::1')!] };
    await expect(nodeOutboundHttp(policy).getJson(`http://localhost:${port}/jwks.json`)).resolves.toEqual({ keys: [] });
  });

  it('refuses other schemes', async () => {
    await expect(nodeOutboundHttp(LOOPBACK).getJson('file:///etc/passwd')).rejects.toThrow(/scheme/);
  });
});
