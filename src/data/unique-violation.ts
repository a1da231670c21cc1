import { UniqueConstraintViolationException, type ExceptionConverter, type MikroORM } from '@mikro-orm/core';
import { markUniqueViolation } from '../domain/db-errors';

const MARKED = Symbol('marksUniqueViolations');
/** PostgreSQL's SQLSTATE for unique_violation. */
const UNIQUE_VIOLATION = '23505';

/** Marks `error` for the domain's `isUniqueViolation` when it is a unique violation (the ORM's exception or a raw driver error); returns it. */
export function markIfUniqueViolation(error: unknown): unknown {
  if (error instanceof UniqueConstraintViolationException) return markUniqueViolation(error);
  if (error instanceof Error && (error as { code?: unknown }).code === UNIQUE_VIOLATION) return markUniqueViolation(error);
  return error;
}

/**
 * Translates the ORM's unique-constraint violations into the domain's notion
 * of one: every `UniqueConstraintViolationException` the ORM raises (a flush,
 * a query: all go through the platform's exception converter) leaves it
 * marked for `isUniqueViolation` (src/domain/db-errors.ts). The error keeps
 * its class and fields otherwise. Raw SQL bypasses the converter;
 * `Database.execute` marks its errors itself. Idempotent per ORM.
 */
export function markUniqueViolations(orm: MikroORM): void {
  const converter: ExceptionConverter & { [MARKED]?: true } = orm.em.getPlatform().getExceptionConverter();
  if (converter[MARKED]) return;
  const convert = converter.convertException.bind(converter);
  converter.convertException = (exception) => {
    const converted = convert(exception);
    markIfUniqueViolation(converted);
    return converted;
  };
  converter[MARKED] = true;
}
