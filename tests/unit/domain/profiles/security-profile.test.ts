import {
  allowsJwsAlgorithm,
  effectiveSecurityProfile,
  ensureAuthenticationAllowed,
  ensureClientConforms,
  ensureGrantAllowed,
  ensureTenantConforms,
  profileRequirements,
  requirementsOf,
  validateSecurityProfile,
  type ProfiledClientSettings,
} from '../../../../src/domain/profiles/security-profile';
import type { SecurityProfile } from '../../../../src/domain/profiles/security-profiles';
import { domainErrorFrom } from '../../expect-domain-error';

const tenant = (securityProfile: SecurityProfile, signingAlgorithm: 'RS256' | 'ES256' | 'EdDSA' = 'ES256') => ({
  path: '/bank',
  securityProfile,
  signingAlgorithm,
});

const fapiClient: ProfiledClientSettings = {
  clientId: 'bank-app',
  isPublic: false,
  securityProfile: 'FAPI2',
  tokenEndpointAuthMethod: 'private_key_jwt',
  grantTypes: ['authorization_code', 'refresh_token'],
};

describe('effectiveSecurityProfile', () => {
  it('is the client’s own profile when it names one, else its tenant’s', () => {
    expect(effectiveSecurityProfile(tenant('NONE'), { clientId: 'a-client', securityProfile: 'FAPI2' })).toBe('FAPI2');
    expect(effectiveSecurityProfile(tenant('FAPI2'), { clientId: 'a-client', securityProfile: 'NONE' })).toBe('FAPI2');
    expect(effectiveSecurityProfile(tenant('NONE'), { clientId: 'a-client', securityProfile: 'NONE' })).toBe('NONE');
  });

  it('exempts the clients the server makes itself from their tenant’s profile', () => {
    for (const clientId of ['console', 'console.0b6c1f9e', 'account.0b6c1f9e']) {
      expect(effectiveSecurityProfile(tenant('FAPI2'), { clientId, securityProfile: 'NONE' })).toBe('NONE');
    }
    // A look-alike id an admin could register is not exempt.
    expect(effectiveSecurityProfile(tenant('FAPI2'), { clientId: 'consoles', securityProfile: 'NONE' })).toBe('FAPI2');
  });
});

describe('requirementsOf', () => {
  it('NONE requires nothing beyond the server’s rules', () => {
    const none = requirementsOf('NONE');
    expect(none).toMatchObject({ pushedAuthorizationRequests: false, pkce: false, dpop: false, rotateRefreshTokens: true });
    expect(allowsJwsAlgorithm(none, 'RS256')).toBe(true);
    expect(() => ensureGrantAllowed(none, 'password')).not.toThrow();
    expect(() => ensureAuthenticationAllowed(none, true, 'none')).not.toThrow();
  });

  it('FAPI2 requires PAR, PKCE, redirect_uri in the push, DPoP, no refresh token rotation, and no RS256', () => {
    const fapi = requirementsOf('FAPI2');
    expect(fapi).toMatchObject({
      pushedAuthorizationRequests: true,
      pkce: true,
      redirectUriInPush: true,
      dpop: true,
      rotateRefreshTokens: false,
      confidentialClientsOnly: true,
      tokenEndpointAuthMethods: ['private_key_jwt'],
    });
    for (const alg of ['PS256', 'ES256', 'EdDSA']) expect(allowsJwsAlgorithm(fapi, alg)).toBe(true);
    for (const alg of ['RS256', 'HS256', 'none', 'ES384']) expect(allowsJwsAlgorithm(fapi, alg)).toBe(false);
  });

  it('FAPI2 refuses the password grant (unauthorized_client) and keeps the code, refresh and client_credentials grants', () => {
    const fapi = requirementsOf('FAPI2');
    expect(domainErrorFrom(() => ensureGrantAllowed(fapi, 'password')).code).toBe('unauthorized_client');
    expect(domainErrorFrom(() => ensureGrantAllowed(fapi, 'urn:ietf:params:oauth:grant-type:device_code')).code).toBe(
      'unauthorized_client',
    );
    for (const grant of ['authorization_code', 'refresh_token', 'client_credentials'])
      expect(() => ensureGrantAllowed(fapi, grant)).not.toThrow();
  });

  it('FAPI2 authenticates confidential clients with private_key_jwt only (invalid_client otherwise)', () => {
    const fapi = requirementsOf('FAPI2');
    expect(() => ensureAuthenticationAllowed(fapi, false, 'private_key_jwt')).not.toThrow();
    for (const method of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt']) {
      expect(domainErrorFrom(() => ensureAuthenticationAllowed(fapi, false, method)).code).toBe('invalid_client');
    }
    expect(domainErrorFrom(() => ensureAuthenticationAllowed(fapi, true, 'none')).code).toBe('invalid_client');
  });

  it('profileRequirements follows the effective profile', () => {
    expect(profileRequirements(tenant('FAPI2'), { clientId: 'console', securityProfile: 'NONE' }).profile).toBe('NONE');
    expect(profileRequirements(tenant('FAPI2'), { clientId: 'bank-app', securityProfile: 'NONE' }).profile).toBe('FAPI2');
  });
});

describe('ensureTenantConforms', () => {
  it('refuses FAPI2 with RS256, naming the field the caller set', () => {
    const onProfile = domainErrorFrom(() => ensureTenantConforms(tenant('FAPI2', 'RS256'), 'securityProfile'));
    expect(onProfile).toMatchObject({ code: 'validation_failed', field: 'securityProfile' });
    const onAlgorithm = domainErrorFrom(() => ensureTenantConforms(tenant('FAPI2', 'RS256'), 'signingAlgorithm'));
    expect(onAlgorithm).toMatchObject({ code: 'validation_failed', field: 'signingAlgorithm' });
  });

  it('keeps the root tenant, which holds the secret-based admin client, at NONE', () => {
    expect(domainErrorFrom(() => ensureTenantConforms({ ...tenant('FAPI2'), path: '/' }, 'securityProfile'))).toMatchObject({
      code: 'validation_failed',
      field: 'securityProfile',
    });
    expect(() => ensureTenantConforms({ ...tenant('NONE'), path: '/' }, 'securityProfile')).not.toThrow();
  });

  it('accepts FAPI2 with ES256 or EdDSA, and NONE with anything', () => {
    expect(() => ensureTenantConforms(tenant('FAPI2', 'ES256'), 'securityProfile')).not.toThrow();
    expect(() => ensureTenantConforms(tenant('FAPI2', 'EdDSA'), 'securityProfile')).not.toThrow();
    expect(() => ensureTenantConforms(tenant('NONE', 'RS256'), 'signingAlgorithm')).not.toThrow();
  });
});

describe('ensureClientConforms', () => {
  it('accepts a confidential private_key_jwt code-flow client of an ES256 tenant', () => {
    expect(() => ensureClientConforms(tenant('NONE'), fapiClient)).not.toThrow();
    expect(() => ensureClientConforms(tenant('FAPI2'), { ...fapiClient, securityProfile: 'NONE' })).not.toThrow();
  });

  it('refuses each setting FAPI2 rules out, naming its field', () => {
    const cases: [Partial<ProfiledClientSettings>, string][] = [
      [{ tokenEndpointAuthMethod: 'client_secret_basic' }, 'tokenEndpointAuthMethod'],
      [{ tokenEndpointAuthMethod: 'client_secret_jwt' }, 'tokenEndpointAuthMethod'],
      [{ grantTypes: ['authorization_code', 'password'] }, 'grantTypes'],
      [{ isPublic: true, tokenEndpointAuthMethod: 'none' }, 'securityProfile'],
    ];
    for (const [change, field] of cases) {
      expect(domainErrorFrom(() => ensureClientConforms(tenant('NONE'), { ...fapiClient, ...change }))).toMatchObject({
        code: 'validation_failed',
        field,
      });
    }
    // Held to FAPI2 by its tenant: a public client is refused on isPublic.
    expect(
      domainErrorFrom(() =>
        ensureClientConforms(tenant('FAPI2'), { ...fapiClient, securityProfile: 'NONE', isPublic: true, tokenEndpointAuthMethod: 'none' }),
      ).field,
    ).toBe('isPublic');
  });

  it('refuses a FAPI2 client in a tenant that signs with RS256', () => {
    expect(domainErrorFrom(() => ensureClientConforms(tenant('NONE', 'RS256'), fapiClient))).toMatchObject({
      code: 'validation_failed',
      field: 'securityProfile',
    });
  });

  it('leaves the server’s own clients and NONE clients alone', () => {
    const consoleClient = {
      ...fapiClient,
      clientId: 'console',
      securityProfile: 'NONE' as const,
      isPublic: true,
      tokenEndpointAuthMethod: 'none' as const,
    };
    expect(() => ensureClientConforms(tenant('FAPI2'), consoleClient)).not.toThrow();
    expect(() =>
      ensureClientConforms(tenant('NONE', 'RS256'), { ...fapiClient, securityProfile: 'NONE', grantTypes: ['password'] }),
    ).not.toThrow();
  });
});

describe('validateSecurityProfile', () => {
  it('accepts NONE and FAPI2 only', () => {
    expect(validateSecurityProfile('FAPI2')).toBe('FAPI2');
    expect(domainErrorFrom(() => validateSecurityProfile('FAPI1', 'x.securityProfile'))).toMatchObject({ field: 'x.securityProfile' });
  });
});
