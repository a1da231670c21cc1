import { chooseAccessTokenLifetime } from '../../../../src/domain/tokens/choose-access-token-lifetime';
import { domainErrorFrom } from '../../expect-domain-error';

describe('chooseAccessTokenLifetime (seed 003 access-token-lifetime)', () => {
  const maximum = 3600;

  it.each([undefined, ''])('uses the client maximum when the parameter is %j', (requested) => {
    expect(chooseAccessTokenLifetime(requested, maximum)).toBe(maximum);
  });

  it.each([
    ['1', 1],
    ['60', 60],
    ['3599', 3599],
    ['3600', 3600],
    ['0060', 60],
  ])('lowers the lifetime to %j → %d', (requested, expected) => {
    expect(chooseAccessTokenLifetime(requested, maximum)).toBe(expected);
  });

  it.each(['3601', '7200', '9999999999'])('never raises it above the maximum: %j', (requested) => {
    expect(chooseAccessTokenLifetime(requested, maximum)).toBe(maximum);
  });

  it.each(['0', '00', '-5', '1.5', '1e3', ' 60', '60 ', '+60', 'abc', '0x10', '12345678901'])(
    'refuses %j with invalid_request on access-token-lifetime',
    (requested) => {
      expect(domainErrorFrom(() => chooseAccessTokenLifetime(requested, maximum))).toMatchObject({
        code: 'invalid_request',
        field: 'access-token-lifetime',
      });
    },
  );
});
