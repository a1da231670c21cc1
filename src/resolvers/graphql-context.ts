import type { Actor } from '../domain/actor';
import type { Domain } from '../domain/create-domain';
import { errors } from '../domain/errors';

/** Per-request GraphQL context: the shared domain and the caller, if a valid bearer token was sent. */
export interface GraphQLContext {
  domain: Domain;
  actor: Actor | null;
  /** Why the bearer token was refused, when one was sent and refused. */
  authError?: Error;
  /** Where the request came from, for the audit trail. */
  request?: { id: string; ip: string | null; userAgent: string | null };
}

/** The authenticated caller, or UNAUTHENTICATED. */
export function requireActor(context: GraphQLContext): Actor {
  if (context.actor) return context.actor;
  throw context.authError ?? errors.unauthenticated('a bearer access token is required');
}
