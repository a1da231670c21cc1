import { DomainError, isDomainError } from '../../src/domain/errors';

/**
 * Runs `fn`, which must throw a {@link DomainError}, and returns that error so a
 * test can assert on its `code` and `field` (never on message text).
 */
export function domainErrorFrom(fn: () => unknown): DomainError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error('expected a DomainError, but nothing was thrown');
  if (!isDomainError(thrown)) throw new Error(`expected a DomainError, got ${String(thrown)}`);
  return thrown;
}
