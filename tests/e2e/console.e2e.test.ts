import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CONSOLE_CSP } from '../../src/pages/console.router';
import { rootAdminSdk } from '../support/admin-sdk';
import { launchChromium } from '../support/launch-chromium';
import { clientCredentialsToken } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

/** Screenshots of the main screens, referenced from the README. */
const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');
const ADMIN = { username: 'console-admin', password: 'console-admin-password-1' };

jest.setTimeout(120_000);

/** Issue 13's journey: a human admin signs in to /console and administers through the public GraphQL API only. */
describe('admin console in Chromium', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestServer({ env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const shoot = async (page: Page, name: string) => {
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(5000);
  };
  const screen = async (page: Page, title: string) => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: title }).click();
  };

  it('serves the page no-cache and its hashed assets immutable, under a CSP without inline script or style', async () => {
    const index = await fetch(`${t.url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset).toMatch(/-[A-Za-z0-9_-]{8}\.(js|css)$/);
      const response = await fetch(`${t.url}${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await fetch(`${t.url}/console/callback?code=x&state=y`)).headers.get('cache-control')).toBe('no-cache');
    const missing = await fetch(`${t.url}/console/assets/index-00000000.js`);
    expect([missing.status, missing.headers.get('cache-control')]).toEqual([404, 'no-store']);
  });

  it('moves a console opened under another name of the server to the ISSUER origin before signing in', async () => {
    const page = await browser.newPage();
    const other = t.url.replace('127.0.0.1', 'localhost');
    await page.goto(`${other}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${t.url}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.toString().startsWith(`${t.issuer}/authorize?`));
    await page.close();
  });

  it('signs a human admin in with PKCE, and creates a tenant, a client and a user, rotates a key, and finds each in the audit trail', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    const graphqlCookies: Array<string | undefined> = [];
    const authorizeRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${t.url}/authorize?`)) authorizeRequests.push(request.url());
      if (request.url() === `${t.url}/graphql`) void request.allHeaders().then((headers) => graphqlCookies.push(headers.cookie));
    });

    // Sign in through the server's own authorization code flow.
    await page.goto(`${t.url}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.fill('input[name="username"]', ADMIN.username);
    await page.fill('input[name="password"]', ADMIN.password);
    await page.click('button[type="submit"]');
    await page.getByRole('heading', { name: 'Tenant tree' }).waitFor();
    const authorize = new URL(authorizeRequests[0]!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: 'console', scope: 'admin', code_challenge_method: 'S256', redirect_uri: `${t.issuer}/console/callback` });
    expect(page.url()).toBe(`${t.url}/console/`);

    // A tenant.
    await page.getByLabel('Path').fill('/acme');
    await page.getByLabel('Name', { exact: true }).fill('Acme Inc.');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('list', { name: 'Tenants' }).getByRole('button', { name: '/acme' }).click();
    await expect(page.getByTestId('current-tenant').textContent()).resolves.toBe('/acme');
    await shoot(page, 'console-tenants');

    // A client: a bad redirect URI is reported next to its input with code and field; then created, its secret shown once.
    await screen(page, 'Clients');
    await page.getByLabel('Name', { exact: true }).fill('Acme backend');
    await page.getByLabel('Redirect URIs').fill('http://example.com/cb');
    await page.getByRole('button', { name: 'Create client' }).click();
    const redirectError = page.locator('.field.invalid .field-error');
    await redirectError.waitFor();
    expect(await redirectError.textContent()).toMatch(/^\[BAD_USER_INPUT\] .*https/);
    expect(await page.getByLabel('Redirect URIs').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Redirect URIs').fill('');
    await page.getByRole('button', { name: 'Create client' }).click();
    const secret = (await page.getByTestId('shown-secret').textContent())!;
    expect(secret.length).toBeGreaterThanOrEqual(43);
    const row = page.getByRole('row').filter({ hasText: 'Acme backend' });
    const clientId = (await row.locator('code').textContent())!;
    // The secret shown is the real one.
    expect(await clientCredentialsToken(t.url, clientId, secret)).toEqual(expect.any(String));
    await shoot(page, 'console-clients');

    // A user with the admin role.
    await screen(page, 'Users');
    await page.getByRole('heading', { name: 'Users of /acme' }).waitFor();
    expect(await page.getByTestId('shown-secret').count()).toBe(0); // shown once: gone after leaving the screen
    await page.getByLabel('Username').fill('grace');
    await page.getByLabel('Password').fill('grace-password-123');
    await page.getByLabel('Email').fill('grace@acme.example');
    await page.getByLabel(/^Admin of \/acme/).check();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row').filter({ hasText: 'grace' }).filter({ hasText: 'admin' }).waitFor();
    await shoot(page, 'console-users');

    // Rotate the signing key.
    await screen(page, 'Signing keys');
    await page.getByRole('caption').filter({ hasText: /keys$/ }).waitFor();
    const before = await page.locator('tbody tr').count();
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await page.getByRole('caption').filter({ hasText: `${before + 1} keys` }).waitFor();
    await shoot(page, 'console-keys');

    // Each action in the audit trail, by the human admin.
    await screen(page, 'Audit events');
    await page.getByLabel('Tenant (and subtree)').fill('');
    await page.getByLabel('Actor (user or client id)').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    for (const action of ['createTenant', 'createClient', 'createUser', 'rotateSigningKey']) {
      const event = page.locator(`tr[data-action="${action}"]`).first();
      await event.waitFor();
      expect(await event.textContent()).toContain('user');
    }
    await page.getByLabel('Action').fill('createClient');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // The refused attempt (bad redirect URI) is in the trail too.
    await page.getByRole('caption').filter({ hasText: '2 events' }).waitFor();
    expect((await page.locator('tbody tr').allTextContents()).map((text) => /success|failure/.exec(text)?.[0]).sort()).toEqual(['failure', 'success']);
    await shoot(page, 'console-audit');

    expect(cspViolations).toEqual([]);
    expect(graphqlCookies.length).toBeGreaterThan(5);
    expect(graphqlCookies.every((cookie) => cookie === undefined)).toBe(true);
    await context.close();

    // What the console did is what the API holds.
    const root = await rootAdminSdk(t.url);
    expect((await root.users({ tenantPath: '/acme', first: 10 })).users.nodes.map((u) => [u.username, u.admin])).toEqual([['grace', true]]);
  });
});
