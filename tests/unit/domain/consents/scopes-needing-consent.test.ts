import { scopesNeedingConsent } from '../../../../src/domain/consents/scopes-needing-consent';

describe('scopesNeedingConsent', () => {
  it('asks only for scopes not granted yet, never for first-party clients, everything when forced', () => {
    expect(scopesNeedingConsent(['openid', 'email'], ['openid'], { firstParty: false, force: false })).toEqual(['email']);
    expect(scopesNeedingConsent(['openid'], ['openid', 'email'], { firstParty: false, force: false })).toEqual([]);
    expect(scopesNeedingConsent(['openid', 'email'], [], { firstParty: true, force: true })).toEqual([]);
    expect(scopesNeedingConsent(['openid', 'email'], ['openid', 'email'], { firstParty: false, force: true })).toEqual(['openid', 'email']);
  });
});
