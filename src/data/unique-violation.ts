import { UniqueConstraintViolationException, type ExceptionConverter, type MikroORM } from '@mikro-orm/core';
import { markUniqueViolation } from '../domain/db-errors';

const MARKED = Symbol('marksUniqueViolations');

/**
 * Translates the ORM's unique-constraint violations into the domain's notion
 * of one: every `UniqueConstraintViolationException` the ORM raises (from a
 * flush, a query or raw SQL: all go through the platform's exception
 * converter) leaves it marked for `isUniqueViolation` (src/domain/db-errors.ts).
 * The error keeps its class and fields otherwise. Idempotent per ORM.
 */
export function markUniqueViolations(orm: MikroORM): void {
  const converter: ExceptionConverter & { [MARKED]?: true } = orm.em.getPlatform().getExceptionConverter();
  if (converter[MARKED]) return;
  const convert = converter.convertException.bind(converter);
  converter.convertException = (exception) => {
    const converted = convert(exception);
    return converted instanceof UniqueConstraintViolationException ? markUniqueViolation(converted) : converted;
  };
  converter[MARKED] = true;
}
