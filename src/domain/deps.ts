import type { Repositories } from '../data/repositories';
import type { ChangeBus } from './cache/change-bus';
import type { Clock } from './clock';
import type { ServerSecret } from './crypto/server-secret';

/** Minimal logger the domain needs; pino satisfies it. */
export interface DomainLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** Everything domain services are built from; assembled once in the composition root. Stays inside the domain. */
export interface DomainDeps {
  /** The data layer: one repository per aggregate (src/data). */
  readonly data: Repositories;
  readonly secret: ServerSecret;
  readonly clock: Clock;
  /** Public base URL, the `iss` of every token. */
  readonly issuer: string;
  readonly bus: ChangeBus;
  readonly log: DomainLogger;
}
