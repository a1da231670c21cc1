import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from '../config/env';
import type { Actor } from '../domain/actor';
import type { Clock } from '../domain/clock';
import type { RequestScope } from '../domain/request-scope';
import { clientIp, compileTrustProxy } from '../ops/client-ip';
import { tracing } from '../ops/trace-hooks';

export type RequestScopeFactory = (req: IncomingMessage, requestId: string) => RequestScope;

/** A class rather than an object literal: the hot path builds one per request. */
class Scope implements RequestScope {
  clientId: string | null = null;
  actor: Actor | null = null;
  issuerTenantId: string | null = null;
  tenantPath: string | null = null;

  constructor(
    readonly requestId: string,
    readonly clientIp: string | null,
    readonly userAgent: string | null,
    readonly clock: Clock,
  ) {}
}

/** Builds the {@link RequestScope} of a request, the same way for every transport. */
export function requestScopeFactory(clock: Clock, trustProxy: TrustProxy): RequestScopeFactory {
  const trust = compileTrustProxy(trustProxy);
  return (req, requestId) => {
    const userAgent = req.headers['user-agent'];
    const scope = new Scope(requestId, clientIp(req, trust) ?? null, typeof userAgent === 'string' ? userAgent : null, clock);
    // Tracing (when on) reads the request id and tenant back when the request's span ends.
    tracing.hooks?.scope(req, scope);
    return scope;
  };
}
