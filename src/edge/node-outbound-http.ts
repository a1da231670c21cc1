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
  /**
   * One bounded exchange: the request is refused before connecting when `checked` refuses its
   * URL; `answer` reads the response and settles with `done` (or `fail`); a timeout, a network
   * error or `fail` aborts it with an {@link OutboundError}.
   */
  const exchange = <T>(
    target: string,
    request: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Buffer },
    answer: (response: http.IncomingMessage, done: (value: T) => void, fail: (error: Error) => void) => void,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const url = checked(target);
      if (url instanceof OutboundError) return reject(url);
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outgoing.destroy();
        reject(error instanceof OutboundError ? error : new OutboundError(error.message));
      };
      const done = (value: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      };
      const headers = request.body ? { ...request.headers, 'Content-Length': String(request.body.length) } : request.headers;
      const outgoing = (url.protocol === 'https:' ? https : http).request(
        url,
        { method: request.method, agent: false, lookup, headers },
        (response) => answer(response, done, fail),
      );
      const timer = setTimeout(() => fail(new OutboundError(`no answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
      timer.unref();
      outgoing.on('error', fail);
      outgoing.end(request.body);
    });
  /** Reads a body within the size limit (aborting beyond it); `then` gets the bytes once it ended. */
  const readBody = (response: http.IncomingMessage, fail: (error: Error) => void, then: (body: Buffer) => void, keep = true) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return fail(new OutboundError(`response over ${limits.maxBytes} bytes`));
      if (keep) chunks.push(chunk);
    });
    response.on('error', fail);
    response.on('end', () => then(Buffer.concat(chunks)));
  };
  return {
    policy,
    postForm: (target, form) =>
      exchange<number>(
        target,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: Buffer.from(new URLSearchParams(form).toString(), 'utf8'),
        },
        (response, done, fail) => readBody(response, fail, () => done(response.statusCode ?? 0), false),
      ),
    getJson: (target) =>
      exchange<unknown>(
        target,
        { method: 'GET', headers: { Accept: 'application/jwk-set+json, application/json' } },
        (response, done, fail) => {
          if (response.statusCode !== 200) return fail(new OutboundError(`status ${response.statusCode}`));
          if (!JSON_TYPE.test(response.headers['content-type'] ?? '')) return fail(new OutboundError('response is not JSON'));
          if (Number(response.headers['content-length']) > limits.maxBytes)
            return fail(new OutboundError(`response over ${limits.maxBytes} bytes`));
          readBody(response, fail, (body) => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(body.toString('utf8'));
            } catch {
              return fail(new OutboundError('response is not valid JSON'));
            }
            done(parsed);
          });
        },
      ),
    post: (target, headers, body) =>
      exchange<{ status: number }>(
        target,
        { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: Buffer.from(body, 'utf8') },
        (response, done) => {
          // The status is the answer: the body is never read, so a huge or endless one costs nothing.
          done({ status: response.statusCode ?? 0 });
          response.destroy();
        },
      ),
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
