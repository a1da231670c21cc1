import { validateClientSettings as validate, type ClientSettings } from '../../../../src/domain/clients/validate-client-settings';
import { GRANTS } from '../../../fixtures/grant-catalogue';
const validateClientSettings = (input: Partial<{ [K in keyof ClientSettings]: ClientSettings[K] | null }>, isPublic: boolean) =>
  validate(input, isPublic, GRANTS);
import { domainErrorFrom } from '../../expect-domain-error';

const REDIRECT = 'https://app.example.com/cb';
const TEN_YEARS = 10 * 365 * 24 * 3600;

describe('validateClientSettings', () => {
  it('fills the defaults of a confidential client: client_credentials, 1 h access, 30 d refresh', () => {
    expect(validateClientSettings({}, false)).toEqual({
      redirectUris: [],
      grantTypes: ['client_credentials'],
      allowedScopes: [],
      firstParty: false,
      accessTokenLifetime: 3600,
      refreshTokenLifetime: 30 * 24 * 3600,
      responseStyle: 'standard',
      tokenExchange: { impersonation: false, delegation: false, subtree: false },
      dpopBoundAccessTokens: false,
      requirePushedAuthorizationRequests: false,
    });
  });

  it('accepts the seed001 response style and refuses unknown ones, naming the field', () => {
    expect(validateClientSettings({ responseStyle: 'seed001' }, false).responseStyle).toBe('seed001');
    expect(domainErrorFrom(() => validateClientSettings({ responseStyle: 'loud' as 'seed001' }, false))).toMatchObject({
      code: 'validation_failed',
      field: 'responseStyle',
    });
  });

  it('defaults a public client to authorization_code + refresh_token', () => {
    expect(validateClientSettings({ redirectUris: [REDIRECT] }, true).grantTypes).toEqual(['authorization_code', 'refresh_token']);
  });

  it('treats null as absent', () => {
    const settings = validateClientSettings(
      {
        grantTypes: null,
        redirectUris: null,
        allowedScopes: null,
        firstParty: null,
        accessTokenLifetime: null,
        refreshTokenLifetime: null,
      },
      false,
    );
    expect(settings).toEqual(validateClientSettings({}, false));
  });

  it('keeps supplied values', () => {
    expect(
      validateClientSettings(
        {
          grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
          redirectUris: [REDIRECT],
          allowedScopes: ['openid', 'profile'],
          firstParty: true,
          accessTokenLifetime: 600,
          refreshTokenLifetime: 86400,
          responseStyle: 'seed001',
          dpopBoundAccessTokens: true,
          requirePushedAuthorizationRequests: true,
        },
        false,
      ),
    ).toEqual({
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      redirectUris: [REDIRECT],
      allowedScopes: ['openid', 'profile'],
      firstParty: true,
      accessTokenLifetime: 600,
      refreshTokenLifetime: 86400,
      responseStyle: 'seed001',
      tokenExchange: { impersonation: false, delegation: false, subtree: false },
      dpopBoundAccessTokens: true,
      requirePushedAuthorizationRequests: true,
    });
  });

  it('token exchange (RFC 8693): confidential clients only, with the allowance the grant type needs', () => {
    const grantTypes = ['urn:ietf:params:oauth:grant-type:token-exchange'];
    expect(
      validateClientSettings({ grantTypes, tokenExchange: { impersonation: true, delegation: false, subtree: true } }, false),
    ).toMatchObject({
      grantTypes,
      tokenExchange: { impersonation: true, delegation: false, subtree: true },
    });
    expect(domainErrorFrom(() => validateClientSettings({ grantTypes }, false))).toMatchObject({ field: 'tokenExchange' });
    expect(
      domainErrorFrom(() =>
        validateClientSettings({ grantTypes, tokenExchange: { impersonation: true, delegation: true, subtree: false } }, true),
      ),
    ).toMatchObject({ field: 'grantTypes' });
  });

  it('de-duplicates grant types and redirect URIs', () => {
    const settings = validateClientSettings(
      { grantTypes: ['authorization_code', 'authorization_code'], redirectUris: [REDIRECT, REDIRECT] },
      false,
    );
    expect(settings.grantTypes).toEqual(['authorization_code']);
    expect(settings.redirectUris).toEqual([REDIRECT]);
  });

  it('refuses client_credentials for a public client (it has no secret to authenticate with)', () => {
    expect(domainErrorFrom(() => validateClientSettings({ grantTypes: ['client_credentials'] }, true))).toMatchObject({
      code: 'validation_failed',
      field: 'grantTypes',
    });
  });

  it('refuses, for a public client, every grant whose declaration excludes public clients (password too)', () => {
    expect(domainErrorFrom(() => validateClientSettings({ grantTypes: ['password'] }, true))).toMatchObject({
      code: 'validation_failed',
      field: 'grantTypes',
      description: 'grantTypes: public clients cannot use password',
    });
  });

  it('accepts client_credentials for a confidential client', () => {
    expect(validateClientSettings({ grantTypes: ['client_credentials'] }, false).grantTypes).toEqual(['client_credentials']);
  });

  it.each([
    ['a confidential client', false],
    ['a public client (default grants)', true],
  ])('requires a redirect URI for authorization_code: %s', (_, isPublic) => {
    const input = isPublic ? {} : { grantTypes: ['authorization_code'] };
    expect(domainErrorFrom(() => validateClientSettings(input, isPublic))).toMatchObject({
      code: 'validation_failed',
      field: 'redirectUris',
    });
  });

  it('refuses an unknown grant type', () => {
    expect(domainErrorFrom(() => validateClientSettings({ grantTypes: ['implicit'] }, false))).toMatchObject({
      code: 'validation_failed',
      field: 'grantTypes',
    });
  });

  it('refuses an empty grant type list', () => {
    expect(domainErrorFrom(() => validateClientSettings({ grantTypes: [] }, false))).toMatchObject({
      code: 'validation_failed',
      field: 'grantTypes',
    });
  });

  it('validates every redirect URI', () => {
    expect(
      domainErrorFrom(() =>
        validateClientSettings({ grantTypes: ['authorization_code'], redirectUris: [REDIRECT, 'http://evil.example/cb'] }, false),
      ),
    ).toMatchObject({ code: 'validation_failed', field: 'redirectUris[1]' });
  });

  it('validates allowed scopes', () => {
    expect(domainErrorFrom(() => validateClientSettings({ allowedScopes: ['open"id'] }, false))).toMatchObject({
      code: 'validation_failed',
      field: 'allowedScopes',
    });
  });

  describe.each(['accessTokenLifetime', 'refreshTokenLifetime'] as const)('%s', (field) => {
    it.each([1, 3600, TEN_YEARS])('accepts %d seconds', (seconds) => {
      expect(validateClientSettings({ [field]: seconds }, false)[field]).toBe(seconds);
    });

    it.each([0, -1, 1.5, TEN_YEARS + 1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d', (seconds) => {
      expect(domainErrorFrom(() => validateClientSettings({ [field]: seconds }, false))).toMatchObject({
        code: 'validation_failed',
        field,
      });
    });
  });
});
