import { isReservedClientId, serverMadeClientInPlace, validateClientId } from '../../../../src/domain/clients/validate-client-id';
import { domainErrorFrom } from '../../expect-domain-error';

describe('validateClientId: ids the server makes itself are reserved', () => {
  const tenantId = '3f1c2a4e-0000-4000-8000-000000000001';

  it.each([
    `account.${tenantId}`,
    'account.x',
    'ACCOUNT.x',
    'Account.x',
    'console',
    'Console',
    'CONSOLE',
    `console.${tenantId}`,
    'console.x',
    'Console.x',
  ])('refuses %s on every create path, naming the field', (clientId) => {
    expect(isReservedClientId(clientId)).toBe(true);
    expect(domainErrorFrom(() => validateClientId(clientId, 'client_id'))).toMatchObject({
      code: 'validation_failed',
      field: 'client_id',
    });
  });

  it('lets the server make them', () => {
    expect(validateClientId(`account.${tenantId}`, 'clientId', { serverMade: true })).toBe(`account.${tenantId}`);
    expect(validateClientId('console', 'clientId', { serverMade: true })).toBe('console');
    expect(validateClientId(`console.${tenantId}`, 'clientId', { serverMade: true })).toBe(`console.${tenantId}`);
  });

  it.each(['accounts', 'my-account.app', 'account', 'consoles', 'console-app', 'app.console'])('accepts an ordinary id: %s', (clientId) => {
    expect(validateClientId(clientId)).toBe(clientId);
  });

  it('places account.<tenant id> and console.<tenant id> in that tenant only, and console in / only', () => {
    expect(serverMadeClientInPlace({ clientId: `account.${tenantId}`, tenantId }, '/south')).toBe(true);
    expect(serverMadeClientInPlace({ clientId: `account.${tenantId}`, tenantId: 'another' }, '/north')).toBe(false);
    expect(serverMadeClientInPlace({ clientId: `console.${tenantId}`, tenantId }, '/north')).toBe(true);
    expect(serverMadeClientInPlace({ clientId: `console.${tenantId}`, tenantId: 'another' }, '/north')).toBe(false);
    expect(serverMadeClientInPlace({ clientId: 'console.x', tenantId }, '/')).toBe(false);
    expect(serverMadeClientInPlace({ clientId: 'console', tenantId }, '/')).toBe(true);
    expect(serverMadeClientInPlace({ clientId: 'console', tenantId }, '/north')).toBe(false);
    expect(serverMadeClientInPlace({ clientId: 'app', tenantId }, '/north')).toBe(true);
  });
});
