import { DomainError, ensure, ERROR_CODES, errors, isDomainError } from '../../../src/domain/errors';
import { ERROR_TABLE } from '../../../src/edge/error-table';

describe('DomainError', () => {
  it('carries code, client-safe description, log-only detail, field and cause', () => {
    const cause = new Error('socket hang up');
    const error = new DomainError('server_error', 'try again later', { detail: 'pg pool exhausted', field: 'x', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'DomainError',
      code: 'server_error',
      description: 'try again later',
      detail: 'pg pool exhausted',
      field: 'x',
    });
    expect(error.cause).toBe(cause);
  });

  it('has no cause when none is given', () => {
    expect('cause' in new DomainError('conflict', 'taken')).toBe(false);
  });

  it('is recognised by isDomainError, and plain errors are not', () => {
    expect(isDomainError(errors.conflict('taken'))).toBe(true);
    expect(isDomainError(new Error('plain'))).toBe(false);
    expect(isDomainError({ code: 'conflict', description: 'duck-typed' })).toBe(false);
  });
});

describe('errors factories', () => {
  it.each([
    ['invalidRequest', errors.invalidRequest('bad', 'f'), 'invalid_request'],
    ['invalidClient', errors.invalidClient(), 'invalid_client'],
    ['invalidGrant', errors.invalidGrant('bad'), 'invalid_grant'],
    ['unauthorizedClient', errors.unauthorizedClient('no'), 'unauthorized_client'],
    ['unsupportedGrantType', errors.unsupportedGrantType('implicit'), 'unsupported_grant_type'],
    ['invalidScope', errors.invalidScope('bad'), 'invalid_scope'],
    ['invalidToken', errors.invalidToken(), 'invalid_token'],
    ['insufficientScope', errors.insufficientScope('admin'), 'insufficient_scope'],
    ['notFound', errors.notFound('client'), 'not_found'],
    ['conflict', errors.conflict('taken'), 'conflict'],
    ['forbidden', errors.forbidden(), 'forbidden'],
    ['unauthenticated', errors.unauthenticated(), 'unauthenticated'],
    ['validation', errors.validation('name', 'required'), 'validation_failed'],
    ['tooManyRequests', errors.tooManyRequests(30), 'too_many_requests'],
    ['serviceUnavailable', errors.serviceUnavailable(new Error('ECONNREFUSED')), 'service_unavailable'],
    ['invalidRedirectUri', errors.invalidRedirectUri('bad'), 'invalid_redirect_uri'],
    ['invalidClientMetadata', errors.invalidClientMetadata('bad'), 'invalid_client_metadata'],
    ['invalidSoftwareStatement', errors.invalidSoftwareStatement('bad'), 'invalid_software_statement'],
    ['invalidDpopProof', errors.invalidDpopProof('bad'), 'invalid_dpop_proof'],
    ['useDpopNonce', errors.useDpopNonce('n'), 'use_dpop_nonce'],
  ])('%s raises code %s', (_, error, code) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(code);
  });

  it('covers every factory', () => {
    expect(Object.keys(errors)).toHaveLength(20);
  });

  it('records the field of validation and invalid_request errors', () => {
    expect(errors.validation('name', 'required').field).toBe('name');
    expect(errors.invalidRequest('bad', 'scope').field).toBe('scope');
  });

  it('records the Retry-After seconds of too_many_requests', () => {
    expect(errors.tooManyRequests(42).retryAfterSeconds).toBe(42);
  });
});

describe('ensure', () => {
  it('does nothing, and does not build the error, when the condition holds', () => {
    const make = jest.fn(() => errors.conflict('never'));
    expect(() => ensure(true, make)).not.toThrow();
    expect(() => ensure('non-empty', make)).not.toThrow();
    expect(() => ensure(1, make)).not.toThrow();
    expect(make).not.toHaveBeenCalled();
  });

  it.each([false, 0, '', null, undefined])('throws the built error when the condition is %j', (condition) => {
    const error = errors.forbidden();
    expect(() => ensure(condition, () => error)).toThrow(error);
  });
});

describe('ERROR_CODES and the error table', () => {
  const GRAPHQL_CODES = [
    'UNAUTHENTICATED',
    'FORBIDDEN',
    'BAD_USER_INPUT',
    'NOT_FOUND',
    'CONFLICT',
    'SERVICE_UNAVAILABLE',
    'INTERNAL_SERVER_ERROR',
  ];
  const OAUTH_CODES = ERROR_CODES.slice(0, ERROR_CODES.indexOf('server_error') + 1);

  it('has no duplicate codes', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('has exactly one row per error code', () => {
    expect(Object.keys(ERROR_TABLE).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each([...ERROR_CODES])('maps %s to an error status, an OAuth error and a GraphQL code', (code) => {
    const row = ERROR_TABLE[code];
    expect(row.status).toBeGreaterThanOrEqual(400);
    expect(row.status).toBeLessThan(600);
    expect(GRAPHQL_CODES).toContain(row.graphqlCode);
    expect(OAUTH_CODES).toContain(row.oauthError);
  });

  it.each(OAUTH_CODES)('maps the OAuth code %s to itself on the wire', (code) => {
    expect(ERROR_TABLE[code].oauthError).toBe(code);
  });

  it('maps the RFC 6749 §5.2 statuses: invalid_client 401, other token errors 400, server_error 500', () => {
    expect(ERROR_TABLE.invalid_client.status).toBe(401);
    for (const code of ['invalid_request', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope'] as const) {
      expect(ERROR_TABLE[code].status).toBe(400);
    }
    expect(ERROR_TABLE.server_error).toEqual({ status: 500, oauthError: 'server_error', graphqlCode: 'INTERNAL_SERVER_ERROR' });
  });
});
