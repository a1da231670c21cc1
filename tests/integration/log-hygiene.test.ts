import { ClientRepository } from '../../src/data/client.repository';
import { createLogger } from '../../src/ops/logger';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { pkcePair } from '../fixtures/pkce';
import { createTestUser } from '../fixtures/test-user';
import { rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, queryOf } from '../support/browser';
import { basic, clientCredentialsToken, postForm } from '../support/oauth';
import { ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

/**
 * Issue 12 item 5: what a full sign-in, code flow, token, revocation and
 * secret-bearing GraphQL mutation leave in the log (level info, the app's own
 * logger) holds no cookie, code, token, secret, password or Authorization
 * value, no response headers, and no query string.
 */
describe('log hygiene', () => {
  const lines: string[] = [];
  let t: TestServer;
  let client: CodeFlowClient;
  let alice: { username: string; password: string; user: { id: string } };

  beforeAll(async () => {
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    t = await startTestServer({ logger, env: { LOG_LEVEL: 'info' } });
    client = await createCodeFlowClient(t.server.app.domain, { firstParty: true });
    alice = await createTestUser(t.server.app.domain);
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs none of the secrets a sign-in, code flow, refresh, revocation and createClient handle', async () => {
    const secrets: Record<string, string> = {
      password: alice.password,
      clientSecret: client.clientSecret!,
      adminSecret: ADMIN_CLIENT_SECRET,
    };
    const browser = new FetchBrowser(t.url);
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: 'openid offline_access',
      state: 'state-value-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const page = await browser.get(`/authorize?${query}`);
    expect(page.status).toBe(200);
    const signedIn = await browser.post('/authorize/login', {
      ...hiddenFields(page.body),
      username: alice.username,
      password: alice.password,
    });
    expect([302, 303]).toContain(signedIn.status);
    const code = queryOf(signedIn.location).code!;
    expect(code).toEqual(expect.any(String));
    secrets.code = code;
    secrets.sessionCookie = browser.jar.get('idp_session')!;
    expect(secrets.sessionCookie).toEqual(expect.any(String));
    // A signed-in visit: the request carries the session cookie.
    await browser.get(`/authorize?${query}`);

    const authorization = basic(client.clientId, client.clientSecret!);
    secrets.basic = authorization.slice('Basic '.length);
    const tokens = await postForm<{ access_token: string; refresh_token: string }>(
      `${t.url}/token`,
      { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier },
      { authorization },
    );
    expect(tokens.status).toBe(200);
    secrets.accessToken = tokens.body.access_token;
    secrets.refreshToken = tokens.body.refresh_token;
    // A query string on an OAuth route goes through Express: still no query in the log.
    expect(
      (await postForm(`${t.url}/introspect?token=${secrets.accessToken}`, { token: secrets.accessToken }, { authorization })).status,
    ).toBe(200);
    const refreshed = await postForm<{ refresh_token: string }>(
      `${t.url}/token`,
      { grant_type: 'refresh_token', refresh_token: secrets.refreshToken },
      { authorization },
    );
    expect(refreshed.status).toBe(200);
    secrets.rotatedRefreshToken = refreshed.body.refresh_token;
    expect((await postForm(`${t.url}/revoke`, { token: secrets.rotatedRefreshToken }, { authorization })).status).toBe(200);
    // A replayed (revoked) refresh token and a wrong password: failure paths log too.
    expect(
      (await postForm(`${t.url}/token`, { grant_type: 'refresh_token', refresh_token: secrets.refreshToken }, { authorization })).status,
    ).toBe(400);

    secrets.adminToken = await clientCredentialsToken(t.url, 'admin', ADMIN_CLIENT_SECRET);
    const root = await rootAdminSdk(t.url);
    secrets.suppliedSecret = 'a-supplied-secret-Q7w9e2r4t6y8u0';
    const created = await root.createClient({ input: { tenantPath: '/', name: 'logged?', clientSecret: secrets.suppliedSecret } });
    const rotated = await root.rotateClientSecret({ clientId: created.createClient.client.clientId });
    secrets.rotatedSecret = rotated.rotateClientSecret.clientSecret!;
    secrets.newPassword = 'another-password-9876';
    await root.setUserPassword({ id: alice.user.id, password: secrets.newPassword });

    // An unexpected failure deep in the data layer, with the values knex inlines and a cause chain: logged short, without them.
    const deep = (levels: number, make: () => Error): Error => (levels === 0 ? make() : deep(levels - 1, make));
    const long = (label: string) => `${label} ${'detail '.repeat(300)}`;
    const failure = deep(
      30,
      () =>
        new Error(`select "c".* from "clients" where "client_id" = '${secrets.suppliedSecret}' - boom ${long('reason')}`, {
          cause: Object.assign(
            deep(
              30,
              () =>
                new Error(long('driver failure'), {
                  cause: deep(30, () => new Error(long('socket'), { cause: new Error(long('deepest')) })),
                }),
            ),
            { client: { password: secrets.adminSecret } },
          ),
        }),
    );
    const lookup = jest.spyOn(ClientRepository.prototype, 'findWithSecretDigest').mockRejectedValue(failure);
    try {
      expect(
        (
          await postForm(`${t.url}/token`, {
            grant_type: 'client_credentials',
            client_id: 'cold-client',
            client_secret: 'whatever-secret-value-123',
          })
        ).status,
      ).toBe(500);
    } finally {
      lookup.mockRestore();
    }
    expect(lines.some((line) => line.includes('"level":50') && line.includes('boom'))).toBe(true);

    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    expect(text).toContain('request completed');
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, found: text.includes(value) }).toEqual({ name, found: false });
    }
    expect(text).not.toMatch(/set-cookie|"location"|"cookie"|"authorization"|idp_session=|[?&]code=|[?&]token=|state-value-123/i);
    for (const line of lines) expect(line.length).toBeLessThan(2000);
  });
});
