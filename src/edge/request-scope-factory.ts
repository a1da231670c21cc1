import type { IncomingMessage } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TrustProxy } from '../config/env';
import type { Database } from '../data/database';
import type { Actor } from '../domain/actor';
import type { Clock } from '../domain/clock';
import type { RequestScope } from '../domain/request-scope';
import { clientIp, compileTrustProxy } from '../ops/client-ip';

export type RequestScopeFactory = (req: IncomingMessage, requestId: string) => RequestScope;

/** A class rather than an object literal with a getter: the hot path builds one per request. */
class Scope implements RequestScope {
  clientId: string | null = null;
  actor: Actor | null = null;
  private fork: EntityManager | undefined;

  constructor(
    readonly requestId: string,
    readonly clientIp: string | null,
    readonly userAgent: string | null,
    readonly clock: Clock,
    private readonly db: Database,
  ) {}

  /** The request's unit of work, forked on first use. */
  get em(): EntityManager {
    return (this.fork ??= this.db.em());
  }
}

/** Builds the {@link RequestScope} of a request, the same way for every transport. */
export function requestScopeFactory(db: Database, clock: Clock, trustProxy: TrustProxy): RequestScopeFactory {
  const trust = compileTrustProxy(trustProxy);
  return (req, requestId) => {
    const userAgent = req.headers['user-agent'];
    return new Scope(requestId, clientIp(req, trust) ?? null, typeof userAgent === 'string' ? userAgent : null, clock, db);
  };
}
