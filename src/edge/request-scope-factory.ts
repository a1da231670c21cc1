import type { IncomingMessage } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TrustProxy } from '../config/env';
import type { Database } from '../data/database';
import type { Clock } from '../domain/clock';
import type { RequestScope } from '../domain/request-scope';
import { clientIpResolver } from './client-ip';

export type RequestScopeFactory = (req: IncomingMessage, requestId: string) => RequestScope;

/** Builds the {@link RequestScope} of a request, the same way for every transport. */
export function requestScopeFactory(db: Database, clock: Clock, trustProxy: TrustProxy): RequestScopeFactory {
  const clientIp = clientIpResolver(trustProxy);
  return (req, requestId) => {
    let em: EntityManager | undefined;
    const userAgent = req.headers['user-agent'];
    return {
      requestId,
      clientIp: clientIp(req),
      userAgent: typeof userAgent === 'string' ? userAgent : null,
      clock,
      get em() {
        return (em ??= db.em());
      },
      clientId: null,
      actor: null,
    };
  };
}
