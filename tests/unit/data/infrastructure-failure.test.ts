import { isInfrastructureFailure } from '../../../src/data/infrastructure-failure';
import { errors } from '../../../src/domain/errors';
import { domainErrorOf } from '../../../src/edge/domain-error-of';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('isInfrastructureFailure', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['an admin shutdown (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['a connection exception (08006)', withCode('08006')],
    ['a connection terminated mid-query', new Error('Connection terminated unexpectedly')],
    [
      'a pool acquire timeout',
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
    ],
    ['a refused multi-address connect', new AggregateError([withCode('ECONNREFUSED')], 'connect failed')],
    ['a wrapped cause', new Error('query failed', { cause: withCode('ECONNRESET') })],
  ])('recognises %s', (_, error) => {
    expect(isInfrastructureFailure(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a domain error', errors.invalidToken()],
    ['a non-error', 'ECONNREFUSED'],
  ])('does not take %s for one', (_, error) => {
    expect(isInfrastructureFailure(error)).toBe(false);
  });
});

describe('domainErrorOf', () => {
  it('keeps domain errors, names outages service_unavailable with their cause, and leaves bugs unmapped', () => {
    const token = errors.invalidToken();
    expect(domainErrorOf(token)).toBe(token);
    const refused = withCode('ECONNREFUSED');
    expect(domainErrorOf(refused)).toMatchObject({ code: 'service_unavailable', cause: refused });
    expect(domainErrorOf(new TypeError('bug'))).toBeNull();
  });
});
