import { checkCodeChallenge } from '../../../../src/domain/authorize/check-code-challenge';
import { parseMaxAge, parsePrompt } from '../../../../src/domain/authorize/parse-prompt';
import { resolveRedirectUri } from '../../../../src/domain/authorize/resolve-redirect-uri';
import { requestedScopes, validateAuthorizationRequest } from '../../../../src/domain/authorize/validate-authorization-request';
import type { Client } from '../../../../src/domain/clients/client';
import { domainErrorFrom } from '../../expect-domain-error';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const client = (overrides: Partial<Client> = {}): Client =>
  ({
    clientId: 'app',
    isPublic: false,
    redirectUris: ['https://app.example/cb'],
    grantTypes: ['authorization_code'],
    allowedScopes: ['openid', 'email'],
    firstParty: false,
    enabled: true,
    ...overrides,
  }) as Client;

describe('resolveRedirectUri (RFC 6749 §3.1.2.3, RFC 9700 §2.1)', () => {
  it('requires an exact match', () => {
    expect(resolveRedirectUri(client(), 'https://app.example/cb')).toBe('https://app.example/cb');
    for (const uri of ['https://app.example/cb/', 'https://APP.example/cb', 'https://app.example/cb?x=1', 'https://app.example/c']) {
      expect(domainErrorFrom(() => resolveRedirectUri(client(), uri)).code).toBe('invalid_request');
    }
  });

  it('defaults only when exactly one is registered', () => {
    expect(resolveRedirectUri(client(), undefined)).toBe('https://app.example/cb');
    expect(domainErrorFrom(() => resolveRedirectUri(client({ redirectUris: ['https://a/1', 'https://a/2'] }), undefined)).field).toBe(
      'redirect_uri',
    );
  });

  it('never uses a stored URI the current rules refuse, presented or by default', () => {
    const legacy = client({ redirectUris: ['https:/app.example/cb'] });
    expect(domainErrorFrom(() => resolveRedirectUri(legacy, 'https:/app.example/cb')).code).toBe('invalid_request');
    expect(domainErrorFrom(() => resolveRedirectUri(legacy, 'https://app.example/cb')).code).toBe('invalid_request');
    expect(domainErrorFrom(() => resolveRedirectUri(legacy, undefined)).code).toBe('invalid_request');
  });
});

describe('checkCodeChallenge (RFC 7636 §4.3)', () => {
  it('accepts S256 and refuses plain, a missing method and malformed challenges', () => {
    expect(checkCodeChallenge(CHALLENGE, 'S256', true)).toEqual({ codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' });
    expect(domainErrorFrom(() => checkCodeChallenge(CHALLENGE, 'plain', false)).code).toBe('invalid_request');
    expect(domainErrorFrom(() => checkCodeChallenge(CHALLENGE, undefined, false)).field).toBe('code_challenge_method');
    expect(domainErrorFrom(() => checkCodeChallenge('a'.repeat(42), 'S256', false)).field).toBe('code_challenge');
    expect(domainErrorFrom(() => checkCodeChallenge('a'.repeat(129), 'S256', false)).field).toBe('code_challenge');
    expect(domainErrorFrom(() => checkCodeChallenge(`${'a'.repeat(42)}+`, 'S256', false)).field).toBe('code_challenge');
  });

  it('requires a challenge only when told to', () => {
    expect(checkCodeChallenge(undefined, undefined, false)).toEqual({ codeChallenge: null, codeChallengeMethod: null });
    expect(domainErrorFrom(() => checkCodeChallenge(undefined, undefined, true)).code).toBe('invalid_request');
    expect(domainErrorFrom(() => checkCodeChallenge(undefined, 'S256', false)).code).toBe('invalid_request');
  });
});

describe('parsePrompt and parseMaxAge (OIDC Core §3.1.2.1)', () => {
  it('parses prompt values, refusing unknown ones and none with others', () => {
    expect(parsePrompt(undefined)).toEqual([]);
    expect(parsePrompt('login  consent login')).toEqual(['login', 'consent']);
    expect(domainErrorFrom(() => parsePrompt('none login')).code).toBe('invalid_request');
    expect(domainErrorFrom(() => parsePrompt('sometimes')).field).toBe('prompt');
  });

  it('parses max_age as a non-negative integer', () => {
    expect(parseMaxAge(undefined)).toBeNull();
    expect(parseMaxAge('0')).toBe(0);
    expect(parseMaxAge('3600')).toBe(3600);
    for (const bad of ['-1', '1.5', 'soon', '99999999999']) expect(domainErrorFrom(() => parseMaxAge(bad)).field).toBe('max_age');
  });
});

describe('validateAuthorizationRequest', () => {
  const base = { response_type: 'code', scope: 'openid email', state: 'xyz', nonce: 'n' };

  it('answers request_uri_not_supported (OIDC Core §6) rather than ignoring a request_uri', () => {
    expect(
      domainErrorFrom(() =>
        validateAuthorizationRequest(client(), 'https://app.example/cb', { ...base, request_uri: 'https://x.example/r' }),
      ).code,
    ).toBe('request_uri_not_supported');
  });

  it('returns the validated request', () => {
    expect(
      validateAuthorizationRequest(client(), 'https://app.example/cb', {
        ...base,
        code_challenge: CHALLENGE,
        code_challenge_method: 'S256',
        max_age: '60',
        prompt: 'login',
      }),
    ).toEqual({
      clientId: 'app',
      redirectUri: 'https://app.example/cb',
      resources: [],
      scopes: ['openid', 'email'],
      state: 'xyz',
      nonce: 'n',
      dpopJkt: null,
      codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256',
      prompt: ['login'],
      maxAge: 60,
      acrValues: [],
      responseMode: 'query',
    });
  });

  it('takes response_mode query (the default) or form_post, the latter only for an http(s) redirect URI', () => {
    const uri = 'https://app.example/cb';
    expect(validateAuthorizationRequest(client(), uri, base).responseMode).toBe('query');
    expect(validateAuthorizationRequest(client(), uri, { ...base, response_mode: 'query' }).responseMode).toBe('query');
    expect(validateAuthorizationRequest(client(), uri, { ...base, response_mode: 'form_post' }).responseMode).toBe('form_post');
    const app = client({ redirectUris: ['com.example.app:/cb'] });
    expect(
      domainErrorFrom(() => validateAuthorizationRequest(app, 'com.example.app:/cb', { ...base, response_mode: 'form_post' })).field,
    ).toBe('response_mode');
  });

  it('maps each problem to its RFC 6749 §4.1.2.1 code', () => {
    const uri = 'https://app.example/cb';
    expect(domainErrorFrom(() => validateAuthorizationRequest(client(), uri, { ...base, response_type: 'token' })).code).toBe(
      'unsupported_response_type',
    );
    expect(domainErrorFrom(() => validateAuthorizationRequest(client(), uri, { ...base, response_type: undefined })).code).toBe(
      'invalid_request',
    );
    expect(domainErrorFrom(() => validateAuthorizationRequest(client(), uri, { ...base, response_type: ['code', 'code'] })).code).toBe(
      'invalid_request',
    );
    expect(domainErrorFrom(() => validateAuthorizationRequest(client(), uri, { ...base, response_mode: 'fragment' })).code).toBe(
      'invalid_request',
    );
    expect(domainErrorFrom(() => validateAuthorizationRequest(client({ grantTypes: ['client_credentials'] }), uri, base)).code).toBe(
      'unauthorized_client',
    );
    expect(domainErrorFrom(() => validateAuthorizationRequest(client(), uri, { ...base, scope: 'openid admin' })).code).toBe(
      'invalid_scope',
    );
    expect(domainErrorFrom(() => validateAuthorizationRequest(client(), uri, { ...base, scope: '' })).code).toBe('invalid_scope');
    expect(domainErrorFrom(() => validateAuthorizationRequest(client({ isPublic: true }), uri, base)).code).toBe('invalid_request');
  });
});

describe('requestedScopes (OIDC Core §3.1.2.1: unknown scope values are ignored)', () => {
  const app = client({ allowedScopes: ['openid', 'email', 'orders:read'] });

  it('drops values the server does not know from OpenID requests', () => {
    expect(requestedScopes(app, 'openid email something-else urn:x:unknown')).toEqual(['openid', 'email']);
    expect(requestedScopes(app, 'openid orders:read')).toEqual(['openid', 'orders:read']);
  });

  it('still refuses, with invalid_scope, a value the server knows that the client may not use', () => {
    for (const known of ['admin', 'offline_access', 'profile']) {
      expect(domainErrorFrom(() => requestedScopes(app, `openid ${known} unknown-one`)).code).toBe('invalid_scope');
    }
    expect(domainErrorFrom(() => requestedScopes(client({ allowedScopes: ['email'] }), 'openid email')).code).toBe('invalid_scope');
  });

  it('refuses every value outside the allowed scopes in plain OAuth requests, and an empty or malformed scope', () => {
    expect(domainErrorFrom(() => requestedScopes(app, 'email something-else')).code).toBe('invalid_scope');
    expect(domainErrorFrom(() => requestedScopes(app, '')).code).toBe('invalid_scope');
    expect(domainErrorFrom(() => requestedScopes(app, 'openid "x"')).code).toBe('invalid_scope');
  });
});
