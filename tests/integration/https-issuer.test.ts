import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { createTestUser } from '../fixtures/test-user';
import { FetchBrowser, hiddenFields, queryOf } from '../support/browser';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * An https issuer behind a TLS-terminating proxy (TRUST_PROXY): HSTS on every
 * response and a `__Host-` interaction cookie; a plain-http (development)
 * issuer: neither.
 */
describe('an https issuer', () => {
  let https: TestServer;
  let plain: TestServer;

  beforeAll(async () => {
    [https, plain] = await Promise.all([
      startTestServer({ env: { ISSUER: 'https://idp.example.test', TRUST_PROXY: 'loopback' } }),
      startTestServer(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([https.close(), plain.close()]);
  });

  /** Requests reaching every way of answering: the node:http fast path, a table route through Express, pages, Apollo, ops, the console, 404. */
  const requests: [string, RequestInit?][] = [
    ['/.well-known/openid-configuration'],
    ['/.well-known/openid-configuration?via=express'],
    ['/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }],
    ['/userinfo'],
    ['/authorize'],
    ['/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }],
    ['/healthz'],
    ['/metrics'],
    ['/console'],
    ['/console/assets/missing.js'],
    ['/no-such-endpoint'],
  ];
  const hstsOf = async (server: TestServer) =>
    Promise.all(
      requests.map(async ([path, init]) => {
        const res = await fetch(`${server.url}${path}`, {
          ...init,
          headers: { 'x-forwarded-for': '203.0.113.7', ...init?.headers },
          redirect: 'manual',
        });
        await res.arrayBuffer();
        return [path, res.headers.get('strict-transport-security')];
      }),
    );

  it('sends Strict-Transport-Security (one year, this host only) on every response, and none for an http issuer', async () => {
    expect(await hstsOf(https)).toEqual(requests.map(([path]) => [path, 'max-age=31536000']));
    expect(await hstsOf(plain)).toEqual(requests.map(([path]) => [path, null]));
  });

  describe('the interaction cookie', () => {
    let client: CodeFlowClient;
    let alice: { username: string; password: string };
    const authorize = (c: CodeFlowClient) =>
      `/authorize?${new URLSearchParams({ client_id: c.clientId, response_type: 'code', redirect_uri: c.redirectUri, scope: 'openid', state: 's' })}`;

    beforeAll(async () => {
      client = await createCodeFlowClient(https.server.app.domain, { firstParty: true });
      alice = await createTestUser(https.server.app.domain);
    });

    it('is __Host- prefixed (Secure, Path=/, no Domain) and still carries the sign-in through', async () => {
      const browser = new FetchBrowser(https.url, { 'x-forwarded-for': '203.0.113.8' });
      const page = await browser.get(authorize(client));
      expect(page.status).toBe(200);
      const cookies = page.headers.getSetCookie();
      expect(cookies.filter((c) => /idp_interaction=/.test(c))).toHaveLength(1);
      const interaction = cookies.find((c) => c.startsWith('__Host-idp_interaction='))!;
      expect(interaction).toBeDefined();
      const attributes = interaction
        .split(';')
        .slice(1)
        .map((a) => a.trim());
      expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax']));
      expect(attributes.filter((a) => /^(path|domain)=/i.test(a))).toEqual(['Path=/']);
      const signedIn = await browser.post('/authorize/login', {
        ...hiddenFields(page.body),
        username: alice.username,
        password: alice.password,
      });
      expect(signedIn.location?.startsWith(client.redirectUri)).toBe(true);
      expect(queryOf(signedIn.location).code).toEqual(expect.any(String));
    });

    it('keeps its plain name and /authorize path for an http issuer', async () => {
      const local = await createCodeFlowClient(plain.server.app.domain);
      const page = await new FetchBrowser(plain.url).get(authorize(local));
      const interaction = page.headers.getSetCookie().find((c) => c.startsWith('idp_interaction='))!;
      expect(interaction).toMatch(/; Path=\/authorize(;|$)/);
      expect(interaction).not.toMatch(/Secure/);
    });
  });
});
