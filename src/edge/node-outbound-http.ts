import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { OutboundError, type OutboundHttp } from '../domain/outbound/outbound-http';
import { OUTBOUND_LIMITS, outboundAddressAllowed, parseIp, type OutboundPolicy } from '../domain/outbound/outbound-policy';

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;|$)/i;

/**
 * {@link OutboundHttp} on node:http(s). The address is checked after DNS resolution, in the
 * socket's own `lookup` hook, so the connection goes to the very address that was judged (no
 * second resolution to rebind); an IP literal is judged before connecting. Redirects are not
 * followed. The whole exchange is bounded by `limits.timeoutMs` and the body, streamed, by
 * `limits.maxBytes` (the request is aborted as soon as it is exceeded). No global lock: every
 * request runs on its own.
 */
export function nodeOutboundHttp(policy: OutboundPolicy, limits: { timeoutMs: number; maxBytes: number } = OUTBOUND_LIMITS): OutboundHttp {
  const lookup = guardedLookup(policy);
  /** The URL when it may be requested at all (scheme, an IP literal the policy allows); else the refusal. */
  const checked = (target: string): URL | OutboundError => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return new OutboundError('not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return new OutboundError(`scheme ${url.protocol} not allowed`);
    if (parseIp(url.hostname) && !outboundAddressAllowed(url.hostname, policy))
      return new OutboundError(`address ${url.hostname} is refused`);
    return url;
  };
  return {
    policy,
    postForm: (target, form) =>
      new Promise<number>((resolve, reject) => {
        const url = checked(target);
        if (url instanceof OutboundError) return reject(url);
        const body = Buffer.from(new URLSearchParams(form).toString(), 'utf8');
        let settled = false;
        const fail = (error: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          request.destroy();
          reject(error instanceof OutboundError ? error : new OutboundError(error.message));
        };
        const request = (url.protocol === 'https:' ? https : http).request(
          url,
          {
            method: 'POST',
            agent: false,
            lookup,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) },
          },
          (response) => {
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > limits.maxBytes) fail(new OutboundError(`response over ${limits.maxBytes} bytes`));
            });
            response.on('error', fail);
            response.on('end', () => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              resolve(response.statusCode ?? 0);
            });
          },
        );
        const timer = setTimeout(() => fail(new OutboundError(`no answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
        timer.unref();
        request.on('error', fail);
        request.end(body);
      }),
    getJson: (target) =>
      new Promise<unknown>((resolve, reject) => {
        let url: URL;
        try {
          url = new URL(target);
        } catch {
          return reject(new OutboundError('not a URL'));
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:') return reject(new OutboundError(`scheme ${url.protocol} not allowed`));
        if (parseIp(url.hostname) && !outboundAddressAllowed(url.hostname, policy))
          return reject(new OutboundError(`address ${url.hostname} is refused`));
        let settled = false;
        const fail = (error: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          request.destroy();
          reject(error instanceof OutboundError ? error : new OutboundError(error.message));
        };
        const request = (url.protocol === 'https:' ? https : http).request(
          url,
          { method: 'GET', agent: false, lookup, headers: { Accept: 'application/jwk-set+json, application/json' } },
          (response) => {
            if (response.statusCode !== 200) return fail(new OutboundError(`status ${response.statusCode}`));
            if (!JSON_TYPE.test(response.headers['content-type'] ?? '')) return fail(new OutboundError('response is not JSON'));
            const declared = Number(response.headers['content-length']);
            if (declared > limits.maxBytes) return fail(new OutboundError(`response over ${limits.maxBytes} bytes`));
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > limits.maxBytes) return fail(new OutboundError(`response over ${limits.maxBytes} bytes`));
              chunks.push(chunk);
            });
            response.on('error', fail);
            response.on('end', () => {
              if (settled) return;
              try {
                const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
                settled = true;
                clearTimeout(timer);
                resolve(body);
              } catch {
                fail(new OutboundError('response is not valid JSON'));
              }
            });
          },
        );
        const timer = setTimeout(() => fail(new OutboundError(`no answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
        timer.unref();
        request.on('error', fail);
        request.end();
      }),
    post: (target, headers, body) =>
      new Promise<{ status: number }>((resolve, reject) => {
        let url: URL;
        try {
          url = new URL(target);
        } catch {
          return reject(new OutboundError('not a URL'));
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:') return reject(new OutboundError(`scheme ${url.protocol} not allowed`));
        if (parseIp(url.hostname) && !outboundAddressAllowed(url.hostname, policy))
          return reject(new OutboundError(`address ${url.hostname} is refused`));
        let settled = false;
        const fail = (error: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          request.destroy();
          reject(error instanceof OutboundError ? error : new OutboundError(error.message));
        };
        const payload = Buffer.from(body, 'utf8');
        const request = (url.protocol === 'https:' ? https : http).request(
          url,
          {
            method: 'POST',
            agent: false,
            lookup,
            headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(payload.length) },
          },
          (response) => {
            // The status is the answer: the body is never read, so a huge or endless one costs nothing.
            settled = true;
            clearTimeout(timer);
            response.destroy();
            request.destroy();
            resolve({ status: response.statusCode ?? 0 });
          },
        );
        const timer = setTimeout(() => fail(new OutboundError(`no answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
        timer.unref();
        request.on('error', fail);
        request.end(payload);
      }),
  };
}

/** The socket `lookup` hook that refuses, after DNS resolution, every address the policy refuses (so the connection goes to the address judged). */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = found as unknown as LookupAddress[];
      const refused = addresses.find((entry) => !outboundAddressAllowed(entry.address, policy));
      if (refused || addresses.length === 0) {
        return callback(new OutboundError(`${hostname} resolves to a refused address ${refused?.address ?? '(none)'}`), '', 0);
      }
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
