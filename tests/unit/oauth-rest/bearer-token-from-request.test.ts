import type { Request } from 'express';
import { bearerTokenFromRequest } from '../../../src/oauth-rest/bearer-token-from-request';
import { domainErrorFrom } from '../expect-domain-error';

const request = (method: string, authorization?: string, body?: Record<string, string>): Request =>
  ({ method, headers: authorization === undefined ? {} : { authorization }, body }) as unknown as Request;

describe('bearerTokenFromRequest (RFC 6750 §2)', () => {
  it('reads the Authorization header, case-insensitively', () => {
    expect(bearerTokenFromRequest(request('GET', 'Bearer abc.def-ghi_~+/=='))).toBe('abc.def-ghi_~+/==');
    expect(bearerTokenFromRequest(request('GET', 'bearer abc'))).toBe('abc');
  });

  it('reads a form-encoded access_token from POST bodies only', () => {
    expect(bearerTokenFromRequest(request('POST', undefined, { access_token: 'abc' }))).toBe('abc');
    expect(bearerTokenFromRequest(request('GET', undefined, { access_token: 'abc' }))).toBeNull();
  });

  it('is null without a token, or with another scheme', () => {
    expect(bearerTokenFromRequest(request('GET'))).toBeNull();
    expect(bearerTokenFromRequest(request('GET', 'Basic YTpi'))).toBeNull();
  });

  it('refuses a malformed header and two methods at once with invalid_request', () => {
    expect(domainErrorFrom(() => bearerTokenFromRequest(request('GET', 'Bearer a b'))).code).toBe('invalid_request');
    expect(domainErrorFrom(() => bearerTokenFromRequest(request('GET', 'Bearer'))).code).toBe('invalid_request');
    expect(domainErrorFrom(() => bearerTokenFromRequest(request('POST', 'Bearer abc', { access_token: 'abc' }))).code).toBe(
      'invalid_request',
    );
  });
});
