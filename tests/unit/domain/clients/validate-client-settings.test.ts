import { validateClientSettings as validate, type ClientSettingsInput } from '../../../../src/domain/clients/validate-client-settings';
import { GRANTS } from '../../../fixtures/grant-catalogue';
const validateClientSettings = (input: ClientSettingsInput, isPublic: boolean) => validate(input, isPublic, GRANTS);
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
      requireSignedRequestObject: false,
      securityProfile: 'NONE',
      tokenEndpointAuthMethod: 'client_secret_basic',
      jwks: null,
      jwksUri: null,
      backchannelLogoutUri: null,
      backchannelLogoutSessionRequired: false,
      postLogoutRedirectUris: [],
    });
  });

  it('requires signed request objects (RFC 9101) only of a client with keys to verify them with', () => {
    const jwks = {
      keys: [
        { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
      ],
    };
    expect(validateClientSettings({ requireSignedRequestObject: true, jwks }, false).requireSignedRequestObject).toBe(true);
    expect(
      validateClientSettings({ requireSignedRequestObject: true, jwksUri: 'https://keys.example/jwks.json' }, false)
        .requireSignedRequestObject,
    ).toBe(true);
    expect(domainErrorFrom(() => validateClientSettings({ requireSignedRequestObject: true }, false))).toMatchObject({
      code: 'validation_failed',
      field: 'requireSignedRequestObject',
    });
  });

  describe('client authentication method and keys', () => {
    const EC_KEY = {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    };
    const fieldOf = (run: () => unknown) => domainErrorFrom(run).field;

    it('defaults confidential clients to client_secret_basic and public ones to none, and keeps them apart', () => {
      expect(validateClientSettings({ redirectUris: [REDIRECT] }, true).tokenEndpointAuthMethod).toBe('none');
      expect(fieldOf(() => validateClientSettings({ tokenEndpointAuthMethod: 'none' }, false))).toBe('tokenEndpointAuthMethod');
      expect(fieldOf(() => validateClientSettings({ redirectUris: [REDIRECT], tokenEndpointAuthMethod: 'private_key_jwt' }, true))).toBe(
        'tokenEndpointAuthMethod',
      );
      expect(fieldOf(() => validateClientSettings({ tokenEndpointAuthMethod: 'tls_client_auth' as 'none' }, false))).toBe(
        'tokenEndpointAuthMethod',
      );
    });

    it('takes a public key set as JSON text or object, and private_key_jwt needs keys', () => {
      const settings = validateClientSettings(
        { tokenEndpointAuthMethod: 'private_key_jwt', jwks: JSON.stringify({ keys: [EC_KEY] }) },
        false,
      );
      expect(settings.jwks).toEqual({ keys: [EC_KEY] });
      expect(validateClientSettings({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [EC_KEY] } }, false).jwks).toEqual({
        keys: [EC_KEY],
      });
      expect(fieldOf(() => validateClientSettings({ tokenEndpointAuthMethod: 'private_key_jwt' }, false))).toBe('jwks');
    });

    it.each([
      ['a private EC key', { keys: [{ ...EC_KEY, d: 'secret' }] }, 'jwks.keys[0]'],
      ['a private RSA key', { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', p: 'x', q: 'y' }] }, 'jwks.keys[0]'],
      ['a symmetric key', { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, 'jwks.keys[0]'],
      ['an unknown key type', { keys: [{ kty: 'XYZ' }] }, 'jwks.keys[0]'],
      ['an EC key without y', { keys: [{ kty: 'EC', crv: 'P-256', x: 'abc' }] }, 'jwks.keys[0]'],
      ['no keys', { keys: [] }, 'jwks'],
      ['21 keys', { keys: Array(21).fill(EC_KEY) }, 'jwks'],
      ['no key set', [EC_KEY], 'jwks'],
      ['over 16 KB', { keys: [{ ...EC_KEY, x5c: ['a'.repeat(17 * 1024)] }] }, 'jwks'],
    ])('refuses %s', (_, jwks, field) => {
      expect(fieldOf(() => validateClientSettings({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: JSON.stringify(jwks) }, false))).toBe(
        field,
      );
    });

    it('takes an https jwks_uri (http only on loopback), never beside jwks', () => {
      expect(
        validateClientSettings({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://rp.example/jwks' }, false).jwksUri,
      ).toBe('https://rp.example/jwks');
      expect(
        validateClientSettings({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://127.0.0.1:9/jwks' }, false).jwksUri,
      ).toBe('http://127.0.0.1:9/jwks');
      for (const jwksUri of [
        'http://rp.example/jwks',
        'ftp://rp.example/jwks',
        'https://u:p@rp.example/jwks',
        'https://rp.example/jwks#x',
        'jwks',
      ])
        expect(fieldOf(() => validateClientSettings({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri }, false))).toBe('jwksUri');
      expect(
        fieldOf(() =>
          validateClientSettings(
            { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [EC_KEY] }, jwksUri: 'https://rp.example/jwks' },
            false,
          ),
        ),
      ).toBe('jwksUri');
    });
  });

  it('accepts the seed001 response style and refuses unknown ones, naming the field', () => {
    expect(validateClientSettings({ responseStyle: 'seed001' }, false).responseStyle).toBe('seed001');
    expect(domainErrorFrom(() => validateClientSettings({ responseStyle: 'loud' as 'seed001' }, false))).toMatchObject({
      code: 'validation_failed',
      field: 'responseStyle',
    });
  });

  it('takes a back-channel logout URI of the outbound URL shape (no fragment, no credentials), naming the field', () => {
    expect(
      validateClientSettings({ backchannelLogoutUri: 'https://rp.example.com/bcl?x=1', backchannelLogoutSessionRequired: true }, false),
    ).toMatchObject({ backchannelLogoutUri: 'https://rp.example.com/bcl?x=1', backchannelLogoutSessionRequired: true });
    expect(validateClientSettings({ backchannelLogoutUri: '' }, false).backchannelLogoutUri).toBeNull();
    for (const uri of ['https://rp.example.com/bcl#f', 'https://u:p@rp.example.com/bcl', 'http://rp.example.com/bcl', 'bcl']) {
      expect(domainErrorFrom(() => validateClientSettings({ backchannelLogoutUri: uri }, false))).toMatchObject({
        code: 'validation_failed',
        field: 'backchannelLogoutUri',
      });
    }
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
          securityProfile: 'FAPI2',
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
      requireSignedRequestObject: false,
      securityProfile: 'FAPI2',
      tokenEndpointAuthMethod: 'client_secret_basic',
      jwks: null,
      jwksUri: null,
      backchannelLogoutUri: null,
      backchannelLogoutSessionRequired: false,
      postLogoutRedirectUris: [],
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
