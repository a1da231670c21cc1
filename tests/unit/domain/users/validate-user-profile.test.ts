import { validatePassword, validateUserProfile, validateUsername } from '../../../../src/domain/users/validate-user-profile';
import { domainErrorFrom } from '../../expect-domain-error';

describe('validateUsername', () => {
  it.each(['alice', 'Alice.O-Brien_2', 'alice+test@example.com', 'a', 'x'.repeat(128)])('accepts %j', (username) => {
    expect(validateUsername(username)).toBe(username);
  });

  it.each(['', 'has space', 'x'.repeat(129), 'semi;colon', 'ünïcode', 'new\nline'])('refuses %j', (username) => {
    expect(domainErrorFrom(() => validateUsername(username))).toMatchObject({ code: 'validation_failed', field: 'username' });
  });
});

describe('validatePassword (NIST SP 800-63B §5.1.1.2)', () => {
  it.each([8, 64, 1024])('accepts %d characters', (length) => {
    const password = 'p'.repeat(length);
    expect(validatePassword(password)).toBe(password);
  });

  it.each([0, 7, 1025])('refuses %d characters', (length) => {
    expect(domainErrorFrom(() => validatePassword('p'.repeat(length)))).toMatchObject({ code: 'validation_failed', field: 'password' });
  });

  it('reports the caller-supplied field name', () => {
    expect(domainErrorFrom(() => validatePassword('short', 'newPassword')).field).toBe('newPassword');
  });
});

describe('validateUserProfile', () => {
  it('leaves absent fields absent', () => {
    expect(validateUserProfile({})).toEqual({});
    expect(Object.keys(validateUserProfile({ firstname: 'Ada' }))).toEqual(['firstname']);
  });

  it('trims values', () => {
    expect(
      validateUserProfile({ email: '  ada@example.com ', phone: ' +44 20 7946 0958 ', firstname: ' Ada ', lastname: ' Lovelace ' }),
    ).toEqual({
      email: 'ada@example.com',
      phone: '+44 20 7946 0958',
      firstname: 'Ada',
      lastname: 'Lovelace',
    });
  });

  it.each([null, '', '   '])('clears a field given %j', (value) => {
    expect(validateUserProfile({ email: value, phone: value, firstname: value, lastname: value })).toEqual({
      email: null,
      phone: null,
      firstname: null,
      lastname: null,
    });
  });

  it.each(['ada', 'ada@', '@example.com', 'ada@example', 'ada lovelace@example.com'])('refuses the email %j', (email) => {
    expect(domainErrorFrom(() => validateUserProfile({ email }))).toMatchObject({ code: 'validation_failed', field: 'email' });
  });

  it.each(['+1 (555) 123-4567', '0123456789', '555'])('accepts the phone %j', (phone) => {
    expect(validateUserProfile({ phone }).phone).toBe(phone);
  });

  it.each(['call me', '12', '+1 555 CALL-NOW', `+${'1'.repeat(33)}`])('refuses the phone %j', (phone) => {
    expect(domainErrorFrom(() => validateUserProfile({ phone }))).toMatchObject({ code: 'validation_failed', field: 'phone' });
  });

  it.each(['firstname', 'lastname'] as const)('limits %s to 200 characters', (field) => {
    expect(validateUserProfile({ [field]: 'n'.repeat(200) })[field]).toHaveLength(200);
    expect(domainErrorFrom(() => validateUserProfile({ [field]: 'n'.repeat(201) }))).toMatchObject({ code: 'validation_failed', field });
  });

  it('accepts any text in names', () => {
    expect(validateUserProfile({ firstname: 'Zoë', lastname: "O'Brien-Łukasiewicz" })).toEqual({
      firstname: 'Zoë',
      lastname: "O'Brien-Łukasiewicz",
    });
  });
});
