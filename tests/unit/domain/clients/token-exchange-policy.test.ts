import {
  chooseTokenExchangeMode,
  mayExchangeTokenOf,
  NO_TOKEN_EXCHANGE,
  TOKEN_EXCHANGE_GRANT_TYPE,
  validateTokenExchangePolicy,
} from '../../../../src/domain/clients/token-exchange-policy';
import { exchangedScopes } from '../../../../src/domain/grants/token-exchange.grant';
import { domainErrorFrom } from '../../expect-domain-error';

const WITH_GRANT = ['client_credentials', TOKEN_EXCHANGE_GRANT_TYPE];

describe('token exchange policy (RFC 8693)', () => {
  it('the grant type needs impersonation, delegation or both; the flags default to false', () => {
    expect(validateTokenExchangePolicy({ delegation: true }, WITH_GRANT)).toEqual({
      impersonation: false,
      delegation: true,
      subtree: false,
    });
    expect(validateTokenExchangePolicy({ impersonation: true, subtree: null }, WITH_GRANT)).toEqual({
      impersonation: true,
      delegation: false,
      subtree: false,
    });
    for (const input of [null, {}, { subtree: true }, { impersonation: false, delegation: false }]) {
      expect(domainErrorFrom(() => validateTokenExchangePolicy(input, WITH_GRANT))).toMatchObject({
        code: 'validation_failed',
        field: 'tokenExchange',
      });
    }
  });

  it('an allowance needs the grant type; without it, no allowance is the default', () => {
    expect(validateTokenExchangePolicy(undefined, ['client_credentials'])).toEqual(NO_TOKEN_EXCHANGE);
    for (const input of [{ impersonation: true }, { delegation: true }, { subtree: true }]) {
      expect(domainErrorFrom(() => validateTokenExchangePolicy(input, ['client_credentials']))).toMatchObject({ field: 'tokenExchange' });
    }
  });

  it('an actor token means delegation, none impersonation; a mode the client lacks is invalid_request', () => {
    const both = { impersonation: true, delegation: true, subtree: false };
    expect(chooseTokenExchangeMode(both, true)).toBe('delegation');
    expect(chooseTokenExchangeMode(both, false)).toBe('impersonation');
    expect(domainErrorFrom(() => chooseTokenExchangeMode({ ...both, delegation: false }, true))).toMatchObject({ code: 'invalid_request' });
    expect(domainErrorFrom(() => chooseTokenExchangeMode({ ...both, impersonation: false }, false))).toMatchObject({
      code: 'invalid_request',
    });
    expect(domainErrorFrom(() => chooseTokenExchangeMode(NO_TOKEN_EXCHANGE, false))).toMatchObject({ code: 'invalid_request' });
  });

  it('tokens of the client’s own tenant only, or of its descendants with subtree; never a sibling’s or an ancestor’s', () => {
    const own = { impersonation: true, delegation: false, subtree: false };
    const subtree = { ...own, subtree: true };
    expect(mayExchangeTokenOf(own, '/acme', '/acme')).toBe(true);
    expect(mayExchangeTokenOf(own, '/acme', '/acme/eu')).toBe(false);
    expect(mayExchangeTokenOf(subtree, '/acme', '/acme/eu')).toBe(true);
    expect(mayExchangeTokenOf(subtree, '/acme', '/acme-corp')).toBe(false);
    expect(mayExchangeTokenOf(subtree, '/acme', '/')).toBe(false);
    expect(mayExchangeTokenOf(subtree, '/acme/eu', '/acme')).toBe(false);
    expect(mayExchangeTokenOf(subtree, '/', '/acme')).toBe(true);
  });

  it('the exchanged scope narrows the subject token’s within the client’s allowed scopes, never admin', () => {
    const subject = ['openid', 'email', 'admin', 'orders:read'];
    const allowed = ['openid', 'email', 'admin'];
    expect(exchangedScopes([], subject, allowed)).toEqual(['openid', 'email']);
    expect(exchangedScopes(['email'], subject, allowed)).toEqual(['email']);
    expect(domainErrorFrom(() => exchangedScopes(['phone'], subject, allowed))).toMatchObject({ code: 'invalid_scope' });
    expect(domainErrorFrom(() => exchangedScopes(['orders:read'], subject, allowed))).toMatchObject({ code: 'invalid_scope' });
  });
});
