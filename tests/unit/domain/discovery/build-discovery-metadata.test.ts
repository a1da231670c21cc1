import { buildDiscoveryMetadata, type ServerCapabilities } from '../../../../src/domain/discovery/build-discovery-metadata';

const everything: ServerCapabilities = {
  issuer: 'https://id.example.com',
  grantTypes: ['client_credentials', 'authorization_code', 'refresh_token', 'password'],
  authorizationEndpoint: true,
  endSessionEndpoint: true,
};

describe('buildDiscoveryMetadata', () => {
  it('describes the full server: code flow, PKCE S256, RFC 9207 iss, userinfo and logout', () => {
    expect(buildDiscoveryMetadata(everything)).toMatchObject({
      issuer: 'https://id.example.com',
      authorization_endpoint: 'https://id.example.com/authorize',
      token_endpoint: 'https://id.example.com/token',
      jwks_uri: 'https://id.example.com/.well-known/jwks.json',
      userinfo_endpoint: 'https://id.example.com/userinfo',
      introspection_endpoint: 'https://id.example.com/introspect',
      revocation_endpoint: 'https://id.example.com/revoke',
      end_session_endpoint: 'https://id.example.com/logout',
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: everything.grantTypes,
      authorization_response_iss_parameter_supported: true,
      request_parameter_supported: true,
      request_object_signing_alg_values_supported: [
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
        'Ed25519',
      ],
      request_uri_parameter_supported: false,
      pushed_authorization_request_endpoint: 'https://id.example.com/par',
      require_pushed_authorization_requests: false,
    });
    expect(buildDiscoveryMetadata({ ...everything, requirePushedAuthorizationRequests: true }).require_pushed_authorization_requests).toBe(
      true,
    );
  });

  it('under FAPI2 advertises only what a FAPI2 client may use: private_key_jwt, PAR required, no RS256, no password grant', () => {
    const metadata = buildDiscoveryMetadata({ ...everything, securityProfile: 'FAPI2' });
    expect(metadata).toMatchObject({
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['PS256', 'ES256', 'EdDSA', 'Ed25519'],
      introspection_endpoint_auth_methods_supported: ['private_key_jwt'],
      revocation_endpoint_auth_methods_supported: ['private_key_jwt'],
      require_pushed_authorization_requests: true,
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['ES256', 'EdDSA'],
    });
    expect(metadata.dpop_signing_alg_values_supported).not.toContain('RS256');
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'PS256', 'EdDSA']));
  });

  it('leaves out the code flow without /authorize or without the authorization_code grant', () => {
    for (const capabilities of [
      { ...everything, authorizationEndpoint: false },
      { ...everything, grantTypes: ['client_credentials', 'password'] },
    ]) {
      const metadata = buildDiscoveryMetadata(capabilities);
      expect(metadata.response_types_supported).toEqual([]);
      expect(metadata.request_parameter_supported).toBe(false);
      for (const field of [
        'authorization_endpoint',
        'request_object_signing_alg_values_supported',
        'response_modes_supported',
        'code_challenge_methods_supported',
        'authorization_response_iss_parameter_supported',
        'pushed_authorization_request_endpoint',
        'require_pushed_authorization_requests',
      ]) {
        expect(metadata).not.toHaveProperty(field);
      }
    }
  });

  it('advertises userinfo only when some grant issues user tokens, and logout only when mounted', () => {
    const clientOnly = buildDiscoveryMetadata({
      ...everything,
      grantTypes: ['client_credentials'],
      authorizationEndpoint: false,
      endSessionEndpoint: false,
    });
    expect(clientOnly).not.toHaveProperty('userinfo_endpoint');
    expect(clientOnly).not.toHaveProperty('end_session_endpoint');
    expect(clientOnly.grant_types_supported).toEqual(['client_credentials']);
    expect(buildDiscoveryMetadata({ ...everything, grantTypes: ['password'] })).toHaveProperty('userinfo_endpoint');
  });

  it('advertises back-channel logout (with sid) only where ended sessions reach its sink and the code flow makes sessions', () => {
    const supported = { backchannel_logout_supported: true, backchannel_logout_session_supported: true };
    expect(buildDiscoveryMetadata({ ...everything, backchannelLogout: true })).toMatchObject(supported);
    expect(buildDiscoveryMetadata(everything)).not.toHaveProperty('backchannel_logout_supported');
    expect(buildDiscoveryMetadata({ ...everything, backchannelLogout: true, authorizationEndpoint: false })).not.toHaveProperty(
      'backchannel_logout_supported',
    );
  });

  it('advertises the device authorization endpoint (RFC 8628 §4) exactly with the device_code grant', () => {
    const deviceCode = 'urn:ietf:params:oauth:grant-type:device_code';
    expect(buildDiscoveryMetadata(everything)).not.toHaveProperty('device_authorization_endpoint');
    const withDevice = buildDiscoveryMetadata({
      ...everything,
      grantTypes: ['client_credentials', deviceCode],
      authorizationEndpoint: false,
    });
    expect(withDevice).toMatchObject({
      device_authorization_endpoint: 'https://id.example.com/device_authorization',
      userinfo_endpoint: 'https://id.example.com/userinfo',
    });
    expect(withDevice.grant_types_supported).toContain(deviceCode);
  });

  it('joins endpoint paths onto an issuer with a path or a trailing slash', () => {
    expect(buildDiscoveryMetadata({ ...everything, issuer: 'https://example.com/idp/' }).token_endpoint).toBe(
      'https://example.com/idp/token',
    );
  });

  it('holds no undefined or null values', () => {
    for (const value of Object.values(buildDiscoveryMetadata(everything))) {
      expect(value === undefined || value === null).toBe(false);
    }
  });
});
