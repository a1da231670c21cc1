import { decodeJwt } from 'jose';
import { deviceRefresh } from '../fixtures/device-setup';
import { createTestClient, createTestTenant } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { clientSdk, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, secretOnPage, type PageResponse } from '../support/browser';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

/** Seed 002's "Halaman Device" without Chromium: sign in, generate, use, revoke, refused. */
describe('GET /account (fetch-based browser)', () => {
  let t: TestServer;
  let user: { username: string; password: string; user: { id: string } };

  beforeAll(async () => {
    t = await startTestServer();
    await createTestTenant(t.server.app.domain, '/acct');
    user = await createTestUser(t.server.app.domain, '/acct');
  });
  afterAll(async () => {
    await t.close();
  });

  /** Follows the sign-in from /account back to /account; returns the signed-in page. */
  async function signIn(browser: FetchBrowser): Promise<string> {
    const start = await browser.get('/account?tenant=/acct');
    expect(start.status).toBe(302);
    expect(start.location).toBe('/account/sign-in?tenant=%2Facct');
    const signInPage = await browser.get(start.location!);
    expect(signInPage.status).toBe(200);
    const back = await browser.post('/authorize/login', {
      ...hiddenFields(signInPage.body),
      username: user.username,
      password: user.password,
    });
    expect(back.status).toBe(303);
    expect(back.location).toMatch(new RegExp(`^${t.issuer}/account\\?code=`));
    const clean = await browser.get(back.location!);
    expect(clean).toMatchObject({ status: 303, location: '/account' });
    const page = await browser.get('/account');
    expect(page.status).toBe(200);
    return page.body;
  }

  it('signs in, generates a device set shown once, whose refresh token works until the device is revoked', async () => {
    const browser = new FetchBrowser(t.url);
    const page = await signIn(browser);
    expect(page).toContain(user.username);
    expect(page).toContain('No devices yet.');
    const created = await browser.post('/account/devices', { ...hiddenFields(page), name: 'Kasir 1', password: user.password });
    expect(created.status).toBe(201);
    const csp = created.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline'; script");
    expect(created.body).toMatch(/<script src="\/account\/account\.js" defer><\/script>/);
    expect(created.body).not.toMatch(/<script>/);
    const [idToken, refreshToken, deviceId] = ['id-token', 'refresh-token', 'device-id'].map((id) => secretOnPage(created.body, id));
    expect(decodeJwt(idToken!)).toMatchObject({ sub: user.user.id, device_id: deviceId, aud: expect.stringMatching(/^account\./) });
    expect(created.body.match(/data-copy="/g)).toHaveLength(3);

    const refreshed = await deviceRefresh(t.url, refreshToken!, deviceId!);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ ExpiresIn: 86_400, TokenType: 'Bearer' });

    const listed = await browser.get('/account');
    expect(listed.body).toContain('Kasir 1');
    expect(listed.body).not.toContain(refreshToken!);
    const revokeFields = hiddenFields(listed.body);
    expect(revokeFields.device_id).toBe(deviceId);
    expect(await browser.post('/account/devices/revoke', { csrf_token: 'forged', device_id: deviceId })).toMatchObject({ status: 400 });
    expect((await deviceRefresh(t.url, refreshToken!, deviceId!)).status).toBe(200);
    expect(await browser.post('/account/devices/revoke', revokeFields)).toMatchObject({ status: 303, location: '/account' });
    const refused = await deviceRefresh(t.url, refreshToken!, deviceId!);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant' });
    expect((await browser.get('/account')).body).toContain('revoked');
  });

  it('refuses a wrong password and forms without the session’s CSRF token', async () => {
    const browser = new FetchBrowser(t.url);
    const page = await signIn(browser);
    const wrong = await browser.post('/account/devices', { ...hiddenFields(page), name: 'x', password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('That password is not correct.');
    expect(wrong.body).not.toContain('id="refresh-token"');
    const stranger = new FetchBrowser(t.url);
    expect((await stranger.post('/account/devices', { ...hiddenFields(page), name: 'x', password: user.password })).status).toBe(400);
    const script = await fetch(`${t.url}/account/account.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('navigator.clipboard');
  });

  const clientCount = async () => Number((await sqlRows<{ n: string }>(t.databaseUrl, 'select count(*) as n from clients'))[0]!.n);

  /** A page with what differs on every load (the sealed request, the CSRF token) and the asked-for path blanked. */
  const sameness = (page: PageResponse, path: string) => {
    const blank = (text: string) => text.replaceAll(encodeURIComponent(path), 'PATH').replaceAll(path, 'PATH');
    return {
      status: page.status,
      location: page.location === null ? null : blank(page.location),
      body: blank(page.body.replace(/value="[^"]*"/g, 'value=""')),
    };
  };

  it('answers the same for a tenant that exists and one that does not, and an anonymous visit creates nothing', async () => {
    await createTestTenant(t.server.app.domain, '/fresh');
    const before = await clientCount();
    const seen = [];
    for (const path of ['/fresh', '/nowhere']) {
      const browser = new FetchBrowser(t.url);
      const start = await browser.get(`/account?tenant=${path}`);
      const form = await browser.get(start.location!);
      expect(form.status).toBe(200);
      seen.push([sameness(start, path), sameness(form, path)]);
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(await clientCount()).toBe(before);
    // Signing in to a tenant that does not exist fails like a wrong password, with the same form.
    const wrong = [];
    for (const path of ['/fresh', '/nowhere']) {
      const browser = new FetchBrowser(t.url);
      const form = await browser.get((await browser.get(`/account?tenant=${path}`)).location!);
      const failed = await browser.post('/authorize/login', {
        ...hiddenFields(form.body),
        username: 'someone',
        password: 'not the password',
      });
      expect(failed.body).toContain('Invalid username or password.');
      wrong.push(sameness(failed, path));
    }
    expect(wrong[0]).toEqual(wrong[1]);
    expect(await clientCount()).toBe(before);
  });

  it('makes the account client only once a user of the tenant has signed in', async () => {
    await createTestTenant(t.server.app.domain, '/lazy');
    const lazy = await createTestUser(t.server.app.domain, '/lazy');
    const tenant = (await t.server.app.domain.tenants.findByPath('/lazy'))!;
    const browser = new FetchBrowser(t.url);
    const form = await browser.get((await browser.get('/account?tenant=/lazy')).location!);
    expect(await t.server.app.domain.clients.exists(`account.${tenant.id}`)).toBe(false);
    const back = await browser.post('/authorize/login', { ...hiddenFields(form.body), username: lazy.username, password: lazy.password });
    expect(back.location).toMatch(new RegExp(`^${t.issuer}/account\\?code=`));
    const { client } = await (await rootAdminSdk(t.url)).client({ clientId: `account.${tenant.id}` });
    expect(client).toMatchObject({ tenantPath: '/lazy', isPublic: true, firstParty: true });
  });

  describe('a tenant’s account client cannot be squatted by another tenant', () => {
    let southId: string;
    let southUser: { username: string; password: string };

    beforeAll(async () => {
      const { domain } = t.server.app;
      await createTestTenant(domain, '/south');
      await createTestTenant(domain, '/north');
      southId = (await domain.tenants.findByPath('/south'))!.id;
      southUser = await createTestUser(domain, '/south');
    });

    it('refuses the reserved ids on createClient, for a tenant admin and the root admin alike, naming clientId', async () => {
      const northAdmin = await createTestClient(t.server.app.domain, '/north', 'service', { allowedScopes: ['admin'] });
      const north = await clientSdk(t.url, northAdmin.clientId, northAdmin.clientSecret!);
      const root = await rootAdminSdk(t.url);
      for (const clientId of [`account.${southId}`, `ACCOUNT.${southId}`, 'account.anything', 'console', 'Console']) {
        for (const [sdk, tenantPath] of [
          [north, '/north'],
          [root, '/south'],
        ] as const) {
          const error = await graphqlError(
            sdk.createClient({
              input: {
                tenantPath,
                clientId,
                name: 'squat',
                isPublic: true,
                grantTypes: ['authorization_code'],
                redirectUris: [`${t.issuer}/account`],
              },
            }),
          );
          expect({ clientId, extensions: error.extensions }).toEqual({
            clientId,
            extensions: { code: 'BAD_USER_INPUT', field: 'clientId' },
          });
        }
      }
    });

    it('never uses a client of that id made in another tenant before the ids were reserved', async () => {
      const { domain } = t.server.app;
      // The squat as it could be made before the fix: /north holds account.<south id>.
      await domain.clients.insert(
        '/north',
        {
          clientId: `account.${southId}`,
          name: 'Account',
          isPublic: true,
          firstParty: true,
          grantTypes: ['authorization_code'],
          redirectUris: [`${t.issuer}/account`],
          allowedScopes: ['openid'],
        },
        { serverMade: true },
      );
      const northUser = await createTestUser(domain, '/north');
      const audit = async () => {
        await domain.audit.flush();
        return (await (await rootAdminSdk(t.url)).auditEvents({ action: 'signin', first: 50 })).auditEvents.nodes.filter(
          (e) => e.tenantPath === '/north',
        );
      };
      const northSignIns = (await audit()).length;

      // /south's users sign in at /south (never at /north), and the squatted client is not used: the page says so.
      const browser = new FetchBrowser(t.url);
      const form = await browser.get((await browser.get('/account?tenant=/south')).location!);
      const wrong = await browser.post('/authorize/login', {
        ...hiddenFields(form.body),
        username: northUser.username,
        password: northUser.password,
      });
      expect(wrong.body).toContain('Invalid username or password.');
      const refused = await browser.post('/authorize/login', {
        ...hiddenFields(wrong.body),
        username: southUser.username,
        password: southUser.password,
      });
      expect(refused.status).toBe(400);
      expect(refused.location).toBeNull();
      expect(refused.body).toContain('account page is not available');
      expect((await audit()).length).toBe(northSignIns);
      // Nor can the squatted client be driven through /authorize directly.
      const direct = await new FetchBrowser(t.url).get(
        `/authorize?client_id=account.${southId}&response_type=code&redirect_uri=${encodeURIComponent(`${t.issuer}/account`)}&scope=openid&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
      );
      expect(direct.status).toBe(400);
      expect(direct.location).toBeNull();

      // Once the root admin deletes the squatter, /south's own account client is made and used.
      await (await rootAdminSdk(t.url)).deleteClient({ clientId: `account.${southId}` });
      const again = new FetchBrowser(t.url);
      const form2 = await again.get((await again.get('/account?tenant=/south')).location!);
      const back = await again.post('/authorize/login', {
        ...hiddenFields(form2.body),
        username: southUser.username,
        password: southUser.password,
      });
      expect(back.location).toMatch(new RegExp(`^${t.issuer}/account\\?code=`));
      expect((await (await rootAdminSdk(t.url)).client({ clientId: `account.${southId}` })).client.tenantPath).toBe('/south');
    });
  });
});
