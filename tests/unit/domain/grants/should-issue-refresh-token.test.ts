import type { Client } from '../../../../src/domain/clients/client';
import { shouldIssueRefreshToken } from '../../../../src/domain/grants/should-issue-refresh-token';

const client = (grantTypes: string[]) => ({ grantTypes }) as unknown as Client;

describe('shouldIssueRefreshToken', () => {
  it('never issues to clients without the refresh_token grant, even with offline_access', () => {
    expect(shouldIssueRefreshToken(client(['authorization_code']), ['openid', 'offline_access'])).toBe(false);
  });

  it('issues for OpenID Connect requests only with offline_access (OIDC Core §11)', () => {
    const withRefresh = client(['authorization_code', 'refresh_token']);
    expect(shouldIssueRefreshToken(withRefresh, ['openid', 'offline_access'])).toBe(true);
    expect(shouldIssueRefreshToken(withRefresh, ['openid', 'profile'])).toBe(false);
  });

  it('issues for plain OAuth requests when the client is configured for refresh (seed 001)', () => {
    expect(shouldIssueRefreshToken(client(['authorization_code', 'refresh_token']), ['username', 'email'])).toBe(true);
    expect(shouldIssueRefreshToken(client(['password', 'refresh_token']), [])).toBe(true);
  });
});
