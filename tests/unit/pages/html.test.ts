import { randomBytes } from 'node:crypto';
import { ServerSecret } from '../../../src/domain/crypto/server-secret';
import { CsrfTokens } from '../../../src/pages/csrf';
import { escapeHtml, html } from '../../../src/pages/html';
import { formTargets } from '../../../src/pages/page-headers';

describe('html', () => {
  it('escapes every interpolation except nested templates', () => {
    const name = `"><script>alert('x')</script>&`;
    expect(escapeHtml(name)).toBe('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;');
    expect(html`<p title="${name}">${html`<b>${name}</b>`}${[name, null, false]}</p>`.value).toBe(
      `<p title="${escapeHtml(name)}"><b>${escapeHtml(name)}</b>${escapeHtml(name)}</p>`,
    );
  });
});

describe('CsrfTokens', () => {
  const csrf = new CsrfTokens(new ServerSecret(randomBytes(32)));

  it('accepts a token only with the same binding and purpose', () => {
    const token = csrf.issue('cookie-1', 'sign-in');
    expect(csrf.verify(token, 'cookie-1', 'sign-in')).toBe(true);
    expect(csrf.verify(token, 'cookie-2', 'sign-in')).toBe(false);
    expect(csrf.verify(token, 'cookie-1', 'consent')).toBe(false);
    expect(csrf.verify(token, undefined, 'sign-in')).toBe(false);
    expect(csrf.verify(undefined, 'cookie-1', 'sign-in')).toBe(false);
    expect(csrf.verify('v1.a.b.c', 'cookie-1', 'sign-in')).toBe(false);
  });
});

describe('formTargets', () => {
  it('allows the redirect origin, or the private scheme, as a form-action source', () => {
    expect(formTargets('https://app.example:8443/cb?x=1')).toEqual(['https://app.example:8443']);
    expect(formTargets('com.example.app:/cb')).toEqual(['com.example.app:']);
  });
});
