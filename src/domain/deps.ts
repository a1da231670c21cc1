import type { MikroORM } from '@mikro-orm/postgresql';
import type { ChangeBus } from './cache/change-bus';
import type { Clock } from './clock';
import type { ServerSecret } from './crypto/server-secret';
import type { PreparedQueries } from './prepared-queries';

/** Minimal logger the domain needs; pino satisfies it. */
export interface DomainLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** Everything domain services are built from; assembled once in the composition root. */
export interface DomainDeps {
  readonly orm: MikroORM;
  /** Hot-path reads as named prepared statements (introspection, userinfo, bearer checks). */
  readonly sql: PreparedQueries;
  readonly secret: ServerSecret;
  readonly clock: Clock;
  /** Public base URL, the `iss` of every token. */
  readonly issuer: string;
  readonly bus: ChangeBus;
  readonly log: DomainLogger;
}
