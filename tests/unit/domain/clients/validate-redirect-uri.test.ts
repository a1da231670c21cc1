import { isValidRedirectUri, redirectUriMatches, validateRedirectUri } from '../../../../src/domain/clients/validate-redirect-uri';
import { domainErrorFrom } from '../../expect-domain-error';

describe('validateRedirectUri', () => {
  it.each(['https://app.example.com/callback', 'https://app.example.com:8443/cb?tenant=acme'])(
    'accepts https: %s, returned unchanged',
    (uri) => {
      expect(validateRedirectUri(uri)).toBe(uri);
    },
  );

  it.each(['http://localhost/cb', 'http://localhost:3000/cb', 'http://127.0.0.1:51004/oauth2/callback', 'http://[::1]:8080/cb'])(
    'accepts http on a loopback host (RFC 8252 §7.3): %s',
    (uri) => {
      expect(validateRedirectUri(uri)).toBe(uri);
    },
  );

  it.each([
    'http://app.example.com/cb',
    'http://localhost.evil.example/cb',
    'http://127.0.0.1.nip.io/cb',
    'http://127.0.0.1@evil.example/cb',
    'http://10.0.0.1/cb',
  ])('refuses http on a non-loopback host: %s', (uri) => {
    expect(domainErrorFrom(() => validateRedirectUri(uri))).toMatchObject({ code: 'validation_failed', field: 'redirectUris' });
  });

  it.each(['https://app.example.com/cb#section', 'https://app.example.com/cb#', 'http://127.0.0.1/cb#x', 'com.example.app:/cb#x'])(
    'refuses a fragment (RFC 6749 §3.1.2), even an empty one: %s',
    (uri) => {
      expect(domainErrorFrom(() => validateRedirectUri(uri)).code).toBe('validation_failed');
    },
  );

  it.each(['com.example.app:/oauth2redirect', 'com.example.app://callback'])(
    'accepts a reverse-domain private-use scheme (RFC 8252 §7.1): %s',
    (uri) => {
      expect(validateRedirectUri(uri)).toBe(uri);
    },
  );

  it.each(['myapp://callback', 'javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'ftp://files.example.com/cb'])(
    'refuses a scheme that is neither https, loopback http nor reverse-domain: %s',
    (uri) => {
      expect(domainErrorFrom(() => validateRedirectUri(uri)).code).toBe('validation_failed');
    },
  );

  it.each(['', '/callback', 'callback', 'https://'])('refuses a non-absolute URI: %j', (uri) => {
    expect(domainErrorFrom(() => validateRedirectUri(uri)).code).toBe('validation_failed');
  });

  it.each([
    ['https:/app.example/cb', 'one slash: browsers follow it to https://app.example/cb'],
    ['https:app.example/cb', 'no slashes'],
    ['https:///app.example/cb', 'three slashes'],
    ['https://APP.example/cb', 'upper-case host'],
    ['https://app.example:443/cb', 'default port'],
    ['https://app.example', 'no path'],
    ['https://app.example/a/../cb', 'dot segments'],
    ['https://bücher.example/cb', 'a host that serialises as punycode'],
  ])('refuses a URI that is not its own WHATWG serialisation: %s (%s)', (uri) => {
    expect(domainErrorFrom(() => validateRedirectUri(uri, 'redirectUris[2]'))).toMatchObject({
      code: 'validation_failed',
      field: 'redirectUris[2]',
    });
  });

  it.each([
    'https://app.example/c b',
    'https://app.example/cb ',
    ' https://app.example/cb',
    'https://app.example/c\u00a0b',
    'https://app.example/"cb"',
    "https://app.example/'cb'",
    'https://app.example/<cb>',
    'https://app.example\\cb',
    'https://app.example/cb\\',
    'https://app.example/`cb`',
  ])('refuses whitespace, quotes, angle brackets, backslashes and backticks: %j', (uri) => {
    expect(domainErrorFrom(() => validateRedirectUri(uri))).toMatchObject({ code: 'validation_failed', field: 'redirectUris' });
  });

  it.each([
    'https://user:pw@app.example/cb',
    'https://user@app.example/cb',
    'https://:pw@app.example/cb',
    'https://@app.example/cb',
    'com.example.app://user@cb/x',
  ])('refuses userinfo: %s', (uri) => {
    expect(domainErrorFrom(() => validateRedirectUri(uri)).code).toBe('validation_failed');
  });

  it.each(['https://*.example/cb', 'https://app.example/*', 'https://app.example/cb?x=*', 'com.example.*:/cb'])(
    'refuses a wildcard: %s',
    (uri) => {
      expect(domainErrorFrom(() => validateRedirectUri(uri)).code).toBe('validation_failed');
    },
  );

  it.each([
    'https://app.example/cb',
    'https://app.example/',
    'https://app.example/cb?tenant=acme&x=1',
    'https://app.example/c%20b',
    'https://xn--bcher-kva.example/cb',
    'http://127.0.0.1:51004/cb',
    'http://[::1]/cb',
    'http://localhost/cb',
    'com.example.app:/cb',
  ])('accepts a URI in normal form: %s', (uri) => {
    expect(validateRedirectUri(uri)).toBe(uri);
    expect(isValidRedirectUri(uri)).toBe(true);
  });

  it('reports the caller-supplied field name', () => {
    expect(domainErrorFrom(() => validateRedirectUri('http://example.com/cb', 'redirect_uri')).field).toBe('redirect_uri');
  });
});

describe('redirectUriMatches (RFC 9700 §2.1: exact string comparison)', () => {
  const registered = ['https://app.example.com/cb', 'com.example.app:/cb'];

  it('matches a registered URI exactly', () => {
    expect(redirectUriMatches(registered, 'https://app.example.com/cb')).toBe(true);
    expect(redirectUriMatches(registered, 'com.example.app:/cb')).toBe(true);
  });

  it.each([
    'https://app.example.com/cb/',
    'https://app.example.com/cb?x=1',
    'https://app.example.com/cb/../evil',
    'https://APP.example.com/cb',
    'https://app.example.com:443/cb',
    'https://app.example.com/c',
    'https://app.example.com/cbx',
    'http://app.example.com/cb',
  ])('does not match a near miss: %s', (presented) => {
    expect(redirectUriMatches(registered, presented)).toBe(false);
  });

  it('never matches a stored URI the current rules refuse, even when presented verbatim', () => {
    const legacy = ['https:/app.example/cb', 'https://app.example/c b', 'https://user:pw@app.example/cb', 'https://*.example/cb'];
    for (const uri of legacy) expect(redirectUriMatches(legacy, uri)).toBe(false);
  });

  it('matches nothing when nothing is registered', () => {
    expect(redirectUriMatches([], 'https://app.example.com/cb')).toBe(false);
  });
});
