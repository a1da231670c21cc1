import {
  appendQuery,
  authorizationResponse,
  errorParams,
  errorRedirect,
  successParams,
  successRedirect,
} from '../../../../src/domain/authorize/authorization-response';
import { DomainError } from '../../../../src/domain/errors';

const ISS = 'https://id.example';

describe('authorization responses (RFC 6749 §4.1.2, RFC 9207)', () => {
  it('adds code, state and iss, keeping the redirect URI query as it is', () => {
    expect(successRedirect({ redirectUri: 'https://app/cb', state: 'a b' }, 'C', ISS)).toBe(
      'https://app/cb?code=C&state=a+b&iss=https%3A%2F%2Fid.example',
    );
    expect(successRedirect({ redirectUri: 'https://app/cb?x=%20y', state: null }, 'C', ISS)).toBe(
      'https://app/cb?x=%20y&code=C&iss=https%3A%2F%2Fid.example',
    );
    expect(appendQuery('com.example.app:/cb?', { code: 'C' })).toBe('com.example.app:/cb?code=C');
  });

  it('sends errors with a description limited to the allowed characters', () => {
    const location = errorRedirect(
      { redirectUri: 'https://app/cb', state: 's' },
      new DomainError('invalid_scope', 'bad "scope" \\ é'),
      ISS,
    );
    const query = new URL(location).searchParams;
    expect(query.get('error')).toBe('invalid_scope');
    expect(query.get('error_description')).toBe("bad 'scope' ? ?");
    expect(query.get('state')).toBe('s');
    expect(query.get('iss')).toBe(ISS);
    expect(
      new URL(errorRedirect({ redirectUri: 'https://app/cb', state: null }, new DomainError('not_found', 'x'), ISS)).searchParams.get(
        'error',
      ),
    ).toBe('invalid_request');
  });

  it('answers in the target response mode: a query redirect, or fields to post for form_post', () => {
    const target = { redirectUri: 'https://app/cb?x=1', state: 's' };
    expect(authorizationResponse(target, successParams(target, 'C', ISS))).toEqual({
      kind: 'redirect',
      location: 'https://app/cb?x=1&code=C&state=s&iss=https%3A%2F%2Fid.example',
    });
    const posted = { ...target, state: null, responseMode: 'form_post' as const };
    expect(authorizationResponse(posted, successParams(posted, 'C', ISS))).toEqual({
      kind: 'form-post',
      action: 'https://app/cb?x=1',
      fields: { code: 'C', iss: ISS },
    });
    expect(authorizationResponse(posted, errorParams(posted, new DomainError('access_denied', 'no "way"'), ISS))).toEqual({
      kind: 'form-post',
      action: 'https://app/cb?x=1',
      fields: { error: 'access_denied', error_description: "no 'way'", iss: ISS },
    });
  });
});
