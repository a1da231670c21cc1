import { createTestUser } from '../fixtures/test-user';
import { graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Issue 20: the console and the account page work under every tenant's issuer, with no client to make by
 * hand first. Before, `{I}/console` answered 404 and a sub-tenant's admin needed a console client created
 * for its tenant (and `/console/?client_id=…`); `console.*` ids were free for anyone to take.
 */
describe("a tenant's console at {I}/console", () => {
  let t: TestServer;
  let acmeId: string;
  let issuer: string;

  beforeAll(async () => {
    t = await startTestServer();
    const root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/acme' } });
    await root.createTenant({ input: { path: '/beta' } });
    acmeId = (await t.server.app.domain.tenants.findByPath('/acme'))!.id;
    issuer = (await root.tenant({ path: '/acme' })).tenant!.issuer;
    expect(issuer).toBe(`${t.issuer}/t/acme`);
  });
  afterAll(async () => {
    await t.close();
  });

  const consoleClients = async (tenantPath: string) =>
    sqlRows<{ client_id: string }>(
      t.databaseUrl,
      "select c.client_id from clients c join tenants t on t.id = c.tenant_id where t.path = $1 and c.client_id like 'console%'",
      [tenantPath],
    );
  const metaOf = (html: string) => /<meta name="tenant-idp-console" data-issuer="([^"]*)" data-client-id="([^"]*)">/.exec(html)?.slice(1);

  it('makes the tenant its console client on the first visit, exactly one however many visits follow', async () => {
    expect(await consoleClients('/acme')).toEqual([]);
    const pages = await Promise.all(
      [`${issuer}/console`, `${issuer}/console/`, `${issuer}/console/callback?code=x&state=y`].map((url) => fetch(url)),
    );
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(metaOf(await page.text())).toEqual([issuer, `console.${acmeId}`]);
    }
    expect(await consoleClients('/acme')).toEqual([{ client_id: `console.${acmeId}` }]);
    await fetch(`${issuer}/console/`);
    expect(await consoleClients('/acme')).toHaveLength(1);

    const { client } = await (await rootAdminSdk(t.url)).client({ clientId: `console.${acmeId}` });
    expect(client).toMatchObject({
      tenantPath: '/acme',
      isPublic: true,
      firstParty: true,
      redirectUris: [`${issuer}/console/callback`],
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    expect(client.allowedScopes).toContain('admin');
    // The root console's page is unchanged: no meta element, its client `console` in /.
    expect(metaOf(await (await fetch(`${t.url}/console/`)).text())).toBeUndefined();
    // An unknown issuer has no console and makes nothing.
    expect((await fetch(`${t.issuer}/t/nowhere/console`)).status).toBe(404);
  });

  it('refuses console.<id> on GraphQL createClient, naming clientId', async () => {
    const root = await rootAdminSdk(t.url);
    const betaId = (await t.server.app.domain.tenants.findByPath('/beta'))!.id;
    for (const [tenantPath, clientId] of [
      ['/beta', `console.${betaId}`],
      ['/beta', `console.${acmeId}`],
      ['/acme', 'Console.anything'],
    ]) {
      const error = await graphqlError(
        root.createClient({
          input: {
            tenantPath,
            clientId,
            name: 'squat',
            isPublic: true,
            grantTypes: ['authorization_code'],
            redirectUris: [`${t.issuer}/console/callback`],
          },
        }),
      );
      expect({ clientId, extensions: error.extensions }).toEqual({ clientId, extensions: { code: 'BAD_USER_INPUT', field: 'clientId' } });
    }
    expect(await consoleClients('/beta')).toEqual([]);
  });

  it('never uses a console.<id> client of another tenant, made before the ids were reserved: the page answers 409', async () => {
    const { domain } = t.server.app;
    await createTestUser(domain, '/beta');
    const squatted = await rootAdminSdk(t.url).then((root) => root.createTenant({ input: { path: '/gamma' } }));
    const gammaId = (await domain.tenants.findByPath('/gamma'))!.id;
    expect(squatted.createTenant.path).toBe('/gamma');
    await domain.clients.insert(
      '/beta',
      {
        clientId: `console.${gammaId}`,
        name: 'squat',
        isPublic: true,
        grantTypes: ['authorization_code'],
        redirectUris: [`${t.issuer}/t/gamma/console/callback`],
      },
      { serverMade: true },
    );
    const page = await fetch(`${t.issuer}/t/gamma/console/`);
    expect(page.status).toBe(409);
    expect(await page.text()).toMatch(/^the console is not available for this tenant/);
    const client = (await domain.clients.findByClientId(`console.${gammaId}`))!;
    expect(client.tenantId).not.toBe(gammaId);
    expect(client.redirectUris).toEqual([`${t.issuer}/t/gamma/console/callback`]);
  });
});

describe("a tenant's account page at {I}/account", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    const root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/acme' } });
    await root.createTenant({ input: { path: '/beta' } });
  });
  afterAll(async () => {
    await t.close();
  });

  /** From `{I}/account` to the sign-in form, with no `?tenant=` given by the visitor. */
  const signInForm = async (browser: FetchBrowser) => {
    const start = await browser.get(`${t.issuer}/t/acme/account`);
    expect(start.status).toBe(302);
    const form = await browser.get(start.location!);
    expect(form.status).toBe(200);
    return form;
  };

  it("signs a user of the tenant in and shows the user's account page", async () => {
    const user = await createTestUser(t.server.app.domain, '/acme');
    const browser = new FetchBrowser(t.url);
    const form = await signInForm(browser);
    const back = await browser.post('/authorize/login', { ...hiddenFields(form.body), username: user.username, password: user.password });
    expect(back.status).toBe(303);
    expect(back.location).toMatch(new RegExp(`^${t.issuer}/account\\?code=`));
    expect(await browser.get(back.location!)).toMatchObject({ status: 303, location: '/account' });
    const page = await browser.get('/account');
    expect(page.status).toBe(200);
    expect(page.body).toContain(user.username);
    // Signed in, {I}/account goes straight to the page.
    expect(await browser.get(`${t.issuer}/t/acme/account`)).toMatchObject({ status: 302, location: '/account' });
  });

  it('refuses a user of another tenant like a wrong password', async () => {
    const stranger = await createTestUser(t.server.app.domain, '/beta');
    const browser = new FetchBrowser(t.url);
    const form = await signInForm(browser);
    const refused = await browser.post('/authorize/login', {
      ...hiddenFields(form.body),
      username: stranger.username,
      password: stranger.password,
    });
    expect(refused.status).not.toBe(303);
    expect(refused.location).toBeNull();
    expect((await browser.get('/account')).status).not.toBe(200);
  });
});
