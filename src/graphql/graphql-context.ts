import type { Actor } from '../domain/actor';
import type { Domain } from '../composition/create-domain';
import { errors } from '../domain/errors';
import type { RequestScope } from '../domain/request-scope';

/** Per-request GraphQL context: the shared domain, the request scope, and the caller if a valid bearer token was sent. */
export interface GraphQLContext {
  domain: Domain;
  /** The same request scope the route table builds; its `actor` is set once the bearer token verified. */
  scope: RequestScope;
  actor: Actor | null;
  /** Why the bearer token was refused, when one was sent and refused. */
  authError?: Error;
  /** This request's DataLoaders (see request-loaders.ts), set on first use. */
  loaders?: ContextLoaders;
}

/**
 * What request-loaders.ts keeps on the context, declared here so that this file
 * imports nothing of that one (which needs `requireActor`): no import cycle.
 */
export interface ContextLoaders {
  deviceCount(user: { id: string; tenantPath: string }): Promise<number>;
}

/** The authenticated caller, or UNAUTHENTICATED. */
export function requireActor(context: GraphQLContext): Actor {
  if (context.actor) return context.actor;
  throw context.authError ?? errors.unauthenticated('a bearer access token is required');
}
