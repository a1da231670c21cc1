import type { Browser, Page } from 'playwright-core';
import { rootAdminSdk } from '../support/admin-sdk';
import { launchChromium } from '../support/launch-chromium';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

/**
 * Issue 20: a tenant's own admins use the console at the tenant's issuer, `{ISSUER}/t/acme/console`, with
 * no client made by hand first. Before, that URL answered 404; the admin of /acme needed a console client
 * created for /acme and `/console/?client_id=…`.
 */
describe("a tenant's console at {I}/console in Chromium", () => {
  let t: TestServer;
  let browser: Browser;
  let issuer: string;
  const acmeAdmin = { username: 'acme-admin', password: 'acme-admin-password-1' };
  const betaAdmin = { username: 'beta-admin', password: 'beta-admin-password-1' };

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    const root = await rootAdminSdk(t.url);
    for (const path of ['/acme', '/beta']) await root.createTenant({ input: { path } });
    await root.createUser({ input: { tenantPath: '/acme', ...acmeAdmin, admin: true } });
    await root.createUser({ input: { tenantPath: '/beta', ...betaAdmin, admin: true } });
    for (const [tenantPath, clientId] of [
      ['/acme', 'acme-app'],
      ['/beta', 'beta-app'],
    ]) {
      await root.createClient({ input: { tenantPath, clientId, name: `${tenantPath} app`, grantTypes: ['client_credentials'] } });
    }
    issuer = (await root.tenant({ path: '/acme' })).tenant!.issuer;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Opens `{I}/console`, presses Sign in and submits the hosted form at `{I}/authorize`. */
  const signIn = async (page: Page, user: { username: string; password: string }) => {
    const authorizeRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/authorize?')) authorizeRequests.push(request.url());
    });
    await page.goto(`${issuer}/console`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.fill('input[name="username"]', user.username);
    await page.fill('input[name="password"]', user.password);
    await page.click('button[type="submit"]');
    return authorizeRequests;
  };

  it("signs the tenant's admin in at the tenant's issuer and shows the tenant's clients", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    const authorizeRequests = await signIn(page, acmeAdmin);
    await page.getByRole('heading', { name: 'Tenant tree' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/t/acme/console/');
    expect(await page.getByTestId('current-tenant').textContent()).toBe('/acme');

    // The code flow ran at /acme's issuer with /acme's server-made console client.
    const authorize = new URL(authorizeRequests[0]!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${issuer}/authorize`);
    const acmeId = (await t.server.app.domain.tenants.findByPath('/acme'))!.id;
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: `console.${acmeId}`,
      redirect_uri: `${issuer}/console/callback`,
      scope: 'admin',
      code_challenge_method: 'S256',
    });

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('heading', { name: 'Clients of /acme' }).waitFor();
    const table = page.locator('table');
    await table.locator('code').getByText('acme-app', { exact: true }).waitFor();
    expect(await table.textContent()).toContain(`console.${acmeId}`);
    expect(await table.textContent()).not.toContain('beta-app');
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('refuses a user of another tenant at the sign-in of {I}/console', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, betaAdmin);
    await page.getByRole('alert').filter({ hasText: 'Invalid username or password.' }).waitFor();
    expect(`${new URL(page.url()).origin}${new URL(page.url()).pathname}`).toMatch(new RegExp(`^${issuer}/authorize`));
    expect(await page.getByRole('heading', { name: 'Tenant tree' }).count()).toBe(0);
    await context.close();
  });
});
