import type { OutboundPolicy } from './outbound-policy';

/**
 * The port for requests the server makes itself (implemented in src/edge/node-outbound-http.ts,
 * injected by the composition root): HTTP stays out of the domain. An implementation applies
 * the {@link OutboundPolicy} of outbound-policy.ts to every resolved address and the
 * OUTBOUND_LIMITS (time, size) to every exchange.
 */
export interface OutboundHttp {
  /** The policy every request is held to, for checking a URL when it is given (outboundUrlRefusal) as well as when it is fetched. */
  readonly policy: OutboundPolicy;
  /**
   * GETs `url` and answers its JSON body; rejects with an {@link OutboundError} for a refused
   * address, a timeout, a body over the size limit, a status other than 200, a response that is
   * not JSON, or any network failure.
   */
  getJson(url: string): Promise<unknown>;
  /**
   * POSTs `form` as application/x-www-form-urlencoded to `url` and answers the response status
   * (the body is read and dropped, within the size limit); rejects with an {@link OutboundError}
   * for a refused address, a timeout, a body over the size limit, or any network failure.
   * Redirects are not followed (a 3xx is answered as its status).
   */
  postForm(url: string, form: Readonly<Record<string, string>>): Promise<number>;

  /**
   * POSTs `body` to `url` with `headers` and answers the response status once it arrives (the response
   * body is not read); rejects with an {@link OutboundError} for a refused address, no answer within
   * the time limit, or any network failure. Redirects are not followed.
   */
  post(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<{ status: number }>;
}

/** Why an outbound request failed; the reason is for logs, never for an answer. */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';
}
