import { parseRoute, routeHref } from '../../../console/src/route';

describe('console routes in the URL fragment', () => {
  const screens = ['tenants', 'users', 'devices', 'revocation'] as const;

  it('reads the screen and its parameters', () => {
    expect(parseRoute('#devices?user=6f1c2a', screens, 'tenants')).toEqual({ screen: 'devices', params: { user: '6f1c2a' } });
    expect(parseRoute('#revocation?client=web%20app&user=', screens, 'tenants')).toEqual({
      screen: 'revocation',
      params: { client: 'web app' },
    });
    expect(parseRoute('users', screens, 'tenants')).toEqual({ screen: 'users', params: {} });
  });

  it('falls back, without parameters, for an empty or unknown screen', () => {
    expect(parseRoute('', screens, 'tenants')).toEqual({ screen: 'tenants', params: {} });
    expect(parseRoute('#keys?user=1', screens, 'tenants')).toEqual({ screen: 'tenants', params: {} });
    expect(parseRoute('#?user=1', screens, 'tenants')).toEqual({ screen: 'tenants', params: {} });
  });

  it('writes fragments that read back the same, leaving empty parameters out', () => {
    expect(routeHref('devices', { user: 'a&b=c' })).toBe('#devices?user=a%26b%3Dc');
    expect(routeHref('revocation', { user: null, client: '' })).toBe('#revocation');
    const href = routeHref('revocation', { client: 'acme/backend', user: 'u 1' });
    expect(parseRoute(href, screens, 'tenants')).toEqual({ screen: 'revocation', params: { client: 'acme/backend', user: 'u 1' } });
  });
});
