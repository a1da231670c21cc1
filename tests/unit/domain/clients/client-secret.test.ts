import { chooseClientSecret, MIN_SUPPLIED_SECRET_LENGTH } from '../../../../src/domain/clients/client-secret';
import { domainErrorFrom } from '../../expect-domain-error';

describe('chooseClientSecret', () => {
  it('requires a supplied secret of at least 20 characters', () => {
    expect(MIN_SUPPLIED_SECRET_LENGTH).toBe(20);
    expect(domainErrorFrom(() => chooseClientSecret('x'.repeat(19)))).toMatchObject({ code: 'validation_failed', field: 'clientSecret' });
    expect(domainErrorFrom(() => chooseClientSecret(''))).toMatchObject({ code: 'validation_failed', field: 'clientSecret' });
  });

  it('keeps a supplied secret of 20 characters or more unchanged', () => {
    const supplied = 'seed-001-secret-0123';
    expect(supplied).toHaveLength(20);
    expect(chooseClientSecret(supplied)).toBe(supplied);
  });

  it('reports the caller-supplied field name', () => {
    expect(domainErrorFrom(() => chooseClientSecret('short', 'client_secret')).field).toBe('client_secret');
  });

  it.each([undefined, null])('generates 256 random bits as 43 base64url characters when %s is supplied', (supplied) => {
    const secret = chooseClientSecret(supplied);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('generates a different secret each time', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => chooseClientSecret(undefined)));
    expect(secrets.size).toBe(20);
  });
});
