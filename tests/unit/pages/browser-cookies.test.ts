import type { Response } from 'express';
import { browserCookies, pagePath } from '../../../src/pages/browser-cookies';

const fakeResponse = () => {
  const cookie = jest.fn();
  return { res: { cookie } as unknown as Response, cookie };
};

describe('browserCookies', () => {
  it('uses Secure, prefixed cookies behind an https issuer', () => {
    const cookies = browserCookies('https://id.example/base/');
    expect(cookies.session.name).toBe('__Host-idp_session');
    expect(cookies.interaction.name).toBe('__Host-idp_interaction');
    const { res, cookie } = fakeResponse();
    cookies.session.set(res, 'v');
    expect(cookie).toHaveBeenCalledWith('__Host-idp_session', 'v', {
      httpOnly: true,
      sameSite: 'lax',
      secure: true,
      path: '/',
      maxAge: 8 * 3600_000,
    });
    cookies.interaction.set(res, 'w');
    expect(cookie).toHaveBeenLastCalledWith('__Host-idp_interaction', 'w', {
      httpOnly: true,
      sameSite: 'lax',
      secure: true,
      path: '/',
      maxAge: 600_000,
    });
    expect(pagePath('https://id.example/base', '/authorize/login')).toBe('/base/authorize/login');
  });

  it('drops Secure and the prefixes for a plain-http issuer (local development)', () => {
    const cookies = browserCookies('http://localhost:4000');
    expect(cookies.session.name).toBe('idp_session');
    const { res, cookie } = fakeResponse();
    cookies.session.set(res, 'v');
    expect(cookie.mock.calls[0][2]).toMatchObject({ secure: false, httpOnly: true, sameSite: 'lax' });
    expect(cookies.interaction.name).toBe('idp_interaction');
    cookies.interaction.set(res, 'w');
    expect(cookie.mock.calls[1][2]).toMatchObject({ secure: false, path: '/authorize' });
  });
});
