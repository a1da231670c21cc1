import type { IncomingMessage } from 'node:http';
import { ensureNoControlCharacter, TAB_ALLOWED_PARAMETERS } from '../domain/control-characters';
import { mapMaybePromise, type MaybePromise } from '../domain/util/maybe-promise';
import { errors } from '../domain/errors';
import { RESOURCE_SEPARATOR } from '../domain/grants/token-targets';

/**
 * How a route takes its parameters:
 * - `form`: an `application/x-www-form-urlencoded` body, required (RFC 6749 §3.2);
 * - `optional-form`: a form body when one is sent (POST `/userinfo`, OIDC Core §5.3.1), else none;
 * - `json`: an `application/json` object body;
 * - `form-or-json`: either of the two, by Content-Type (seed 001's register endpoints);
 * - `client-metadata`: a `json` object body whose every failure (content type, syntax, not an object)
 *   is `invalid_client_metadata` (RFC 7591 §3.2.2, the registration endpoint);
 * - `query`: the URL's query string (any body is read and ignored);
 * - `none`: no parameters (any body is read and ignored).
 */
export type BodyKind = 'form' | 'optional-form' | 'json' | 'form-or-json' | 'client-metadata' | 'query' | 'none';

/** What the reader hands the endpoint: string parameters (form or query), and the JSON value for `json`. */
export interface ReadBody {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly json?: unknown;
}

const MAX_BODY_BYTES = 64 * 1024;
const MAX_PARAMETERS = 100;
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const NONE: ReadBody = Object.freeze({ params: Object.freeze({}) });

/** Thrown for a body over {@link MAX_BODY_BYTES}; answered 413 and the connection closed. */
class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor() {
    super('the request body is too large');
  }
}

/** The media type of a Content-Type header, without parameters (`; charset=...`), lower-cased. */
const mediaType = (header: string | undefined): string =>
  header === FORM || header === JSON_TYPE ? header : (header ?? '').split(';', 1)[0]!.trim().toLowerCase();

/**
 * The one body reader of every route in the table, whichever HTTP stack
 * received the request: 64 KiB limit (413), content type checked, repeated
 * parameters refused (RFC 6749 §3.1, §3.2) except `resource` (RFC 8707 §2,
 * whose values arrive joined by RESOURCE_SEPARATOR), at most 100 parameters, and no
 * control character in a parameter name or value (RFC 6749 Appendix A; tab
 * only in `username` and `password`). Answers at once when there is no body
 * to wait for; a failure is thrown then, else rejected.
 */
export function readBody(kind: BodyKind, req: IncomingMessage): MaybePromise<ReadBody> {
  switch (kind) {
    case 'none':
      req.resume();
      return NONE;
    case 'query': {
      req.resume();
      const query = (req.url ?? '').indexOf('?');
      return query < 0 ? NONE : { params: parseParams(req.url!.slice(query + 1)) };
    }
    case 'optional-form':
      if (mediaType(req.headers['content-type']) !== FORM) {
        req.resume();
        return NONE;
      }
      return mapMaybePromise(readText(req), formBody);
    case 'form':
      return readForm(req);
    case 'json':
      return readJson(req);
    case 'client-metadata':
      return readJson(req, errors.invalidClientMetadata);
    case 'form-or-json':
      return mediaType(req.headers['content-type']) === JSON_TYPE ? readJson(req) : readForm(req);
  }
}

const formBody = (text: string): ReadBody => ({ params: parseParams(text) });

function readForm(req: IncomingMessage): MaybePromise<ReadBody> {
  if (mediaType(req.headers['content-type']) !== FORM) {
    req.resume();
    throw errors.invalidRequest(`the request body must be ${FORM}`);
  }
  return mapMaybePromise(readText(req), formBody);
}

async function readJson(req: IncomingMessage, invalid: (description: string) => Error = errors.invalidRequest): Promise<ReadBody> {
  if (mediaType(req.headers['content-type']) !== JSON_TYPE) {
    req.resume();
    throw invalid(`the request body must be ${JSON_TYPE}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readText(req));
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    throw invalid('the request body is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('the request body must be a JSON object');
  return { params: {}, json };
}

/** Needs the full application/x-www-form-urlencoded decoding (percent-escapes, `+` for space, non-ASCII). */
const NEEDS_DECODING = /[%+\u0080-\uffff]/;

/**
 * The name-value pairs of a form or query string, as URLSearchParams reads
 * them. Most token requests carry only plain ASCII (base64url tokens, ids),
 * which decode to themselves: those are split directly, without the
 * WHATWG decoder's per-character pass.
 */
function formPairs(text: string): Iterable<[string, string]> {
  if (NEEDS_DECODING.test(text)) return new URLSearchParams(text);
  const pairs: [string, string][] = [];
  // Like URLSearchParams given a string: one leading `?` is dropped.
  for (const part of (text.startsWith('?') ? text.slice(1) : text).split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  return pairs;
}

/** The one parameter that may repeat (RFC 8707 §2 `resource`). */
const REPEATABLE_PARAMETER = 'resource';

function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  const repeated = new Set<string>();
  let count = 0;
  for (const [key, value] of formPairs(text)) {
    if (++count > MAX_PARAMETERS) throw errors.invalidRequest('the request has too many parameters');
    ensureNoControlCharacter(key, key);
    ensureNoControlCharacter(key, value, TAB_ALLOWED_PARAMETERS.has(key));
    if (Object.prototype.hasOwnProperty.call(params, key)) {
      if (key === REPEATABLE_PARAMETER) {
        params[key] += RESOURCE_SEPARATOR + value;
        continue;
      }
      repeated.add(key);
    }
    params[key] = value;
  }
  if (repeated.size > 0) throw errors.invalidRequest(`parameters must not be repeated: ${[...repeated].join(', ')}`);
  return params;
}

/** The body as UTF-8 text; rejects at once, without reading the rest, past {@link MAX_BODY_BYTES}. */
function readText(req: IncomingMessage): Promise<string> | string {
  const length = req.headers['content-length'];
  // RFC 9112 §6.3: no Transfer-Encoding and a Content-Length of 0, or neither header: the body is empty.
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) {
    req.resume();
    return '';
  }
  const declared = Number(length);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new BodyTooLargeError());
  // With a Content-Length (and no Transfer-Encoding), Node's parser hands over exactly that many bytes:
  // the body is complete with its last byte, without waiting for the stream's 'end' event.
  const expected = req.headers['transfer-encoding'] === undefined && Number.isSafeInteger(declared) ? declared : -1;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const text = () => (chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    req.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
      if (size === expected) resolve(text());
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES && size !== expected) resolve(text());
    });
  });
}
