import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { readBody } from '../../../src/oauth-rest/read-body';

const FORM = 'application/x-www-form-urlencoded';

function request(body: string | null, headers: Record<string, string> = {}): IncomingMessage {
  const stream = Readable.from(body === null ? [] : [Buffer.from(body, 'utf8')]) as unknown as IncomingMessage;
  const length = body === null ? {} : { 'content-length': String(Buffer.byteLength(body)) };
  Object.assign(stream, { headers: { 'content-type': FORM, ...length, ...headers }, url: '/x' });
  return stream;
}

/** What the WHATWG decoder makes of a form, or null when the reader must refuse it (repeated names, control characters). */
function expected(text: string): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (Object.prototype.hasOwnProperty.call(params, key) || /[\u0000-\u001f\u007f-\u009f]/.test(key + value)) return null;
    params[key] = value;
  }
  return params;
}

describe('readBody', () => {
  it('reads a form exactly as URLSearchParams decodes it, plain ASCII or not', async () => {
    const part = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom('%41', '%zz', '+', '%E2%82%AC', '=', 'a=b', '&', '?'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 10 }), async (parts) => {
        const text = parts.join('');
        const want = expected(text);
        // A failure may be thrown at once or rejected later (MaybePromise): both count as a refusal here.
        const got = Promise.resolve()
          .then(() => readBody('form', request(text)))
          .then(
            (read) => read.params,
            () => null,
          );
        expect(await got).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a JWT-sized plain form without decoding', async () => {
    const token = `${'a'.repeat(300)}.${'B-_'.repeat(100)}.${'c9'.repeat(150)}`;
    const { params } = await readBody('form', request(`token=${token}&token_type_hint=access_token&&x=`));
    expect(params).toEqual({ token, token_type_hint: 'access_token', x: '' });
  });

  it('reads a body that arrives in several chunks, with or without a Content-Length', async () => {
    const parts = ['token=abc', '.def&token_type_hint=', 'access_token'];
    for (const headers of [{ 'content-length': String(parts.join('').length) }, { 'transfer-encoding': 'chunked' }]) {
      const req = Readable.from(parts.map((part) => Buffer.from(part))) as unknown as IncomingMessage;
      Object.assign(req, { headers: { 'content-type': FORM, ...headers }, url: '/x' });
      expect((await readBody('form', req)).params).toEqual({ token: 'abc.def', token_type_hint: 'access_token' });
    }
  });

  it('takes a POST without a body (no Content-Length, or 0) as an empty form at once', async () => {
    for (const req of [request(null), request('')]) {
      expect((await readBody('optional-form', req)).params).toEqual({});
    }
  });
});
