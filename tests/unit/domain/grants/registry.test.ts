import { DEVICE_TOKENS } from '../../../../src/domain/device-token-sets/device-token-set';
import { AUTHORIZATION_CODE } from '../../../../src/domain/grants/authorization-code.grant';
import { CLIENT_CREDENTIALS } from '../../../../src/domain/grants/client-credentials.grant';
import { GrantDeclarations, GrantRegistry, type GrantDeclaration, type GrantHandler } from '../../../../src/domain/grants/grant-registry';

const handlerFor = (declaration: GrantDeclaration): GrantHandler => ({
  declaration,
  handle: () => Promise.reject(new Error('not called')),
});

describe('GrantDeclarations (the catalogue client validation reads, built before any handler)', () => {
  const catalogue = new GrantDeclarations([CLIENT_CREDENTIALS, AUTHORIZATION_CODE], [DEVICE_TOKENS]);

  it('lists token grants first, then permissions without a token request', () => {
    expect(catalogue.grantTypes).toEqual(['client_credentials', 'authorization_code', 'device_tokens']);
    expect(catalogue.tokenGrantTypes).toEqual(['client_credentials', 'authorization_code']);
    expect(catalogue.declaration('device_tokens')).toBe(DEVICE_TOKENS);
    expect(catalogue.declaration('password')).toBeUndefined();
  });
});

describe('GrantRegistry (the token endpoint handlers over a catalogue)', () => {
  const catalogue = new GrantDeclarations([CLIENT_CREDENTIALS, AUTHORIZATION_CODE], [DEVICE_TOKENS]);

  it('serves exactly the catalogue: a handler per token grant, none for a permission', () => {
    const registry = new GrantRegistry(catalogue, [handlerFor(CLIENT_CREDENTIALS), handlerFor(AUTHORIZATION_CODE)]);
    expect(registry.find('authorization_code')?.declaration).toBe(AUTHORIZATION_CODE);
    expect(registry.find('device_tokens')).toBeUndefined();
    expect(registry.grantTypes).toEqual(catalogue.grantTypes);
    expect(registry.tokenGrantTypes).toEqual(catalogue.tokenGrantTypes);
  });

  it('refuses a token grant without a handler, a handler the catalogue does not declare, and a permission with a handler', () => {
    expect(() => new GrantRegistry(catalogue, [handlerFor(CLIENT_CREDENTIALS)])).toThrow(/no grant handler for authorization_code/);
    expect(
      () =>
        new GrantRegistry(catalogue, [
          handlerFor(CLIENT_CREDENTIALS),
          handlerFor(AUTHORIZATION_CODE),
          handlerFor({ ...CLIENT_CREDENTIALS, grantType: 'password' }),
        ]),
    ).toThrow(/password/);
    expect(
      () => new GrantRegistry(catalogue, [handlerFor(CLIENT_CREDENTIALS), handlerFor(AUTHORIZATION_CODE), handlerFor(DEVICE_TOKENS)]),
    ).toThrow(/device_tokens/);
  });
});
