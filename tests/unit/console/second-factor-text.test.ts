import { factorKindText, mfaPolicyText, resetText } from '../../../console/src/second-factor-text';

describe('console second-factor wording', () => {
  it('names known factor kinds in any case and shows an unknown kind as the API spells it', () => {
    expect(factorKindText('totp')).toBe('Authenticator app (TOTP)');
    expect(factorKindText('PASSKEY')).toBe('Passkey');
    expect(factorKindText('security-key')).toBe('security-key');
  });

  it('states a policy with the roles it applies to when required', () => {
    expect(mfaPolicyText({ mfaPolicy: 'OPTIONAL', mfaRequiredRoles: [] })).toBe('second factor optional');
    expect(mfaPolicyText({ mfaPolicy: 'OFF', mfaRequiredRoles: ['admin'] })).toBe('second factor off');
    expect(mfaPolicyText({ mfaPolicy: 'REQUIRED', mfaRequiredRoles: [] })).toBe('second factor required for everyone');
    expect(mfaPolicyText({ mfaPolicy: 'REQUIRED', mfaRequiredRoles: ['admin', 'auditor'] })).toBe(
      'second factor required for admin, auditor',
    );
  });

  it('counts what a reset removed', () => {
    expect(resetText('maya', 1)).toBe('Removed 1 second factor of maya; recovery codes removed too.');
    expect(resetText('maya', 0)).toBe('Removed 0 second factors of maya; recovery codes removed too.');
  });
});
