import type { Client } from '../../../src/domain/clients/client';
import { errors } from '../../../src/domain/errors';
import type { TokenResponse } from '../../../src/domain/grants/token-response';
import { withSeedFieldNames } from '../../../src/domain/compat/seed-field-names';
import { styleTokenResponse } from '../../../src/domain/compat/style-token-response';

const response: TokenResponse = { access_token: 'at', token_type: 'Bearer', expires_in: 60, scope: 'email' };

describe('styleTokenResponse', () => {
  it('adds status SUCCESS for seed001 clients only, keeping the RFC 6749 fields', () => {
    expect(styleTokenResponse({ responseStyle: 'seed001' } as Client, response)).toEqual({ status: 'SUCCESS', ...response });
    expect(styleTokenResponse({ responseStyle: 'standard' } as Client, response)).toEqual(response);
  });
});

describe('withSeedFieldNames', () => {
  it('renames the field of a validation error to the seed document’s name', async () => {
    await expect(
      withSeedFieldNames({ clientSecret: 'client_secret' }, () => Promise.reject(errors.validation('clientSecret', 'too short'))),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      field: 'client_secret',
      description: 'client_secret: too short',
    });
  });

  it('passes other errors and unmapped fields through unchanged', async () => {
    const conflict = errors.conflict('taken');
    await expect(withSeedFieldNames({ clientId: 'client_id' }, () => Promise.reject(conflict))).rejects.toBe(conflict);
    const unmapped = errors.validation('name', 'bad');
    await expect(withSeedFieldNames({ clientId: 'client_id' }, () => Promise.reject(unmapped))).rejects.toBe(unmapped);
    await expect(withSeedFieldNames({}, () => Promise.resolve(7))).resolves.toBe(7);
  });
});
