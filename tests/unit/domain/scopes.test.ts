import { grantScopes, narrowScopes, parseScope, validateScopeList } from '../../../src/domain/scopes';
import { domainErrorFrom } from '../expect-domain-error';

describe('parseScope (RFC 6749 §3.3)', () => {
  it.each([undefined, null, '', '   '])('gives no scopes for %j', (raw) => {
    expect(parseScope(raw)).toEqual([]);
  });

  it('splits on spaces, tolerating repeated spaces', () => {
    expect(parseScope('openid  profile email ')).toEqual(['openid', 'profile', 'email']);
  });

  it('removes duplicates and keeps the first-seen order', () => {
    expect(parseScope('profile openid profile email openid')).toEqual(['profile', 'openid', 'email']);
  });

  it('accepts every printable character the grammar allows', () => {
    expect(parseScope('read:users https://api.example.com/x!#$')).toEqual(['read:users', 'https://api.example.com/x!#$']);
  });

  it.each([
    ['open"id', 'double quote (%x22)'],
    ['a\\b', 'backslash (%x5C)'],
    ['openid\tprofile', 'tab'],
    ['openid\nprofile', 'newline'],
    ['profilé', 'non-ASCII'],
    ['ok\u0000', 'NUL'],
  ])('refuses %j (%s) with invalid_scope', (raw) => {
    expect(domainErrorFrom(() => parseScope(raw)).code).toBe('invalid_scope');
  });
});

describe('grantScopes', () => {
  const allowed = ['openid', 'profile', 'email'] as const;

  it('grants every allowed scope when none is requested (seed 003)', () => {
    const granted = grantScopes([], allowed);
    expect(granted).toEqual(['openid', 'profile', 'email']);
    expect(granted).not.toBe(allowed);
  });

  it('grants nothing when none is requested and none is allowed', () => {
    expect(grantScopes([], [])).toEqual([]);
  });

  it('grants exactly the requested scopes when all are allowed', () => {
    expect(grantScopes(['email', 'openid'], allowed)).toEqual(['email', 'openid']);
  });

  it('refuses, rather than silently drops, a scope outside the allowed list', () => {
    expect(domainErrorFrom(() => grantScopes(['openid', 'admin'], allowed)).code).toBe('invalid_scope');
  });
});

describe('narrowScopes (RFC 6749 §6)', () => {
  const granted = ['openid', 'profile', 'offline_access'];

  it('keeps the original grant when no scope is requested', () => {
    expect(narrowScopes([], granted)).toEqual(granted);
  });

  it('narrows to a subset', () => {
    expect(narrowScopes(['openid'], granted)).toEqual(['openid']);
  });

  it('refuses to widen the original grant', () => {
    expect(domainErrorFrom(() => narrowScopes(['openid', 'email'], granted)).code).toBe('invalid_scope');
  });
});

describe('validateScopeList', () => {
  it('de-duplicates a configured list', () => {
    expect(validateScopeList(['openid', 'email', 'openid'], 'allowedScopes')).toEqual(['openid', 'email']);
  });

  it('refuses a malformed scope as validation_failed on the given field', () => {
    expect(domainErrorFrom(() => validateScopeList(['openid', 'bad scope'], 'allowedScopes'))).toMatchObject({
      code: 'validation_failed',
      field: 'allowedScopes',
    });
  });
});
