import { mkdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CONSOLE_CSP } from '../../src/pages/console.router';
import { deviceRefresh, deviceWorld, userTokens } from '../fixtures/device-setup';
import { createTestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { launchChromium } from '../support/launch-chromium';
import { basic, clientCredentialsToken, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/** Screenshots of the main screens, referenced from docs/operations.md ("Admin console"). */
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
  /**
   * Waits until the console shows `title`'s screen: its nav link is current (set in the same render as the
   * screen) and the screen's heading has the keyboard focus. A navigation is a hash change, delivered as a
   * task of its own, so a step that does not wait for it may act on the screen it left (see `slowHashChange`).
   */
  const shown = async (page: Page, title: string) => {
    await page
      .locator('nav[aria-label="Screens"] a[aria-current="page"]')
      .filter({ hasText: new RegExp(`^${title}$`) })
      .waitFor();
    await page.locator('main h2:focus').waitFor();
  };
  const screen = async (page: Page, title: string) => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: title, exact: true }).click();
    await shown(page, title);
  };
  /**
   * Delivers every `hashchange` 250 ms late, as a loaded machine sometimes does. The journey once filled the
   * Tenants screen's "Name" input after clicking "Clients" (the new screen was not rendered yet): the client's
   * Name stayed empty, the browser refused the required field, no request was sent and the field-error wait timed
   * out. With the delay that race happens on every run unless each step waits for its screen.
   */
  const slowHashChange = (context: BrowserContext) =>
    context.addInitScript(() => {
      type Add = (type: string, listener: (event: Event) => void, options?: unknown) => void;
      const add = window.addEventListener.bind(window) as Add;
      window.addEventListener = ((type, listener, options) =>
        add(
          type,
          type === 'hashchange' ? (event) => setTimeout(() => listener(event), 250) : listener,
          options,
        )) as Add as typeof window.addEventListener;
    });
  /** Accepts every confirmation the page asks for, keeping the questions. */
  const acceptDialogs = (page: Page): string[] => {
    const questions: string[] = [];
    page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    return questions;
  };
  /** A `datetime-local` value (with seconds, not :00, which Chromium would shorten) `ms` from now in the browser's zone. */
  const browserTimeIn = (page: Page, ms: number) =>
    page.evaluate((offset) => {
      const time = new Date(Date.now() + offset);
      if (time.getSeconds() === 0) time.setSeconds(1);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
    }, ms);
  const introspect = async (clientId: string, secret: string, token: string) =>
    (await postForm<{ active: boolean }>(`${t.url}/introspect`, { token }, { authorization: basic(clientId, secret) })).body.active;
  const signIn = async (page: Page, user: { username: string; password: string }, path = '/console/') => {
    await page.goto(`${t.url}${path}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.fill('input[name="username"]', user.username);
    await page.fill('input[name="password"]', user.password);
    await page.click('button[type="submit"]');
    await page.getByRole('heading', { name: 'Tenant tree' }).waitFor();
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

  it("signs a human admin in with PKCE, creates a tenant, a client and a user, revokes a device, a user's tokens and a batch by time, rotates a key, and finds each in the audit trail", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await slowHashChange(context);
    const page = await context.newPage();
    const questions = acceptDialogs(page);
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
    await signIn(page, ADMIN);
    const authorize = new URL(authorizeRequests[0]!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: 'console',
      scope: 'admin',
      code_challenge_method: 'S256',
      redirect_uri: `${t.issuer}/console/callback`,
    });
    expect(page.url()).toBe(`${t.url}/console/`);

    // A tenant.
    await page.getByLabel('Path', { exact: true }).fill('/acme');
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
    expect(await page.getByRole('heading', { name: 'Users of /acme' }).count()).toBe(1);
    expect(await page.getByTestId('shown-secret').count()).toBe(0); // shown once: gone after leaving the screen
    await page.getByLabel('Username').fill('grace');
    await page.getByLabel('Password').fill('grace-password-123');
    await page.getByLabel('Email').fill('grace@acme.example');
    await page.getByLabel(/^Admin of \/acme/).check();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row').filter({ hasText: 'grace' }).getByRole('button', { name: 'Remove admin' }).waitFor();
    await shoot(page, 'console-users');

    // Grace's tokens, made through the API: a password grant (access and refresh token), a device set made with
    // that access token (GraphQL createDevice), and one device refresh (the device's access token).
    const root = await rootAdminSdk(t.url);
    const grace = (await root.users({ tenantPath: '/acme', first: 10 })).users.nodes.find((u) => u.username === 'grace')!;
    const app = await createTestClient(t.server.app.domain, '/acme', 'user', {
      grantTypes: ['password', 'refresh_token', 'device_tokens'],
    });
    const tokens = await userTokens(t.url, {
      tenantPath: '/acme',
      app,
      rs: app,
      userId: grace.id,
      username: 'grace',
      password: 'grace-password-123',
    });

    // Her devices, reached from the Users screen by keyboard; revoking the one device reports its refresh token and
    // the access token its refresh issued.
    await page.getByRole('link', { name: 'Devices of grace' }).focus();
    await page.keyboard.press('Enter');
    await shown(page, 'Devices');
    await page.getByRole('heading', { name: 'Devices of grace (/acme)' }).waitFor();
    const device = page.locator(`tr[data-device-id="${tokens.deviceId}"]`);
    await device.filter({ hasText: 'active' }).waitFor();
    const cells = await device.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual([
      'laptop',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
      expect.stringMatching(/UTC$/),
      'active',
    ]);
    await device.getByRole('button', { name: 'Revoke device laptop' }).click();
    await page.getByTestId('revocation-result').filter({ hasText: 'Revoked device laptop: 2 tokens made inactive.' }).waitFor();
    await device.filter({ hasText: /revoked \d{4}-/ }).waitFor();
    expect(questions.pop()).toBe('Revoke device laptop? This cannot be undone.');
    expect((await deviceRefresh(t.url, tokens.deviceRefreshToken, tokens.deviceId)).body).toMatchObject({ error: 'invalid_grant' });
    await shoot(page, 'console-devices');

    // All of grace's remaining tokens (the password grant's access and refresh token), from the Users screen's link, by keyboard.
    await screen(page, 'Users');
    await page.getByRole('link', { name: 'Revoke tokens of grace' }).click();
    await shown(page, 'Revocation');
    const userInput = page.getByLabel('User id');
    expect(await userInput.inputValue()).toBe(grace.id);
    await userInput.focus();
    await page.keyboard.press('Enter');
    await page
      .getByTestId('user-revocation-result')
      .filter({ hasText: `Revoked every token of user ${grace.id}: 2 tokens made inactive.` })
      .waitFor();
    expect(questions.pop()).toMatch(/^Revoke every token of user /);
    expect((await fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status).toBe(401);

    // A batch by time for /acme: a malformed tenant path is reported under its input with code and field; then the
    // backend client's two tokens (the one above and one more) go; grace's, already revoked, are not counted again.
    const backendToken = await clientCredentialsToken(t.url, clientId, secret);
    const tenantInput = page.getByLabel('Tenant (and subtree)');
    await tenantInput.fill('acme');
    await page.getByLabel('Issued before', { exact: true }).fill(await browserTimeIn(page, 120_000));
    await page.getByRole('button', { name: 'Revoke tokens issued before' }).click();
    const tenantError = page.locator('.field.invalid').filter({ has: tenantInput }).locator('.field-error');
    expect(await tenantError.textContent()).toMatch(/^\[BAD_USER_INPUT\] path: must start with "\/"/);
    expect(await tenantInput.getAttribute('aria-invalid')).toBe('true');
    await tenantInput.fill('/acme');
    await page.getByRole('button', { name: 'Revoke tokens issued before' }).click();
    await page
      .getByTestId('batch-revocation-result')
      .filter({ hasText: /^Revoked every token of \/acme and its subtree issued before .+: 2 tokens made inactive\.$/ })
      .waitFor();
    expect(await tenantInput.getAttribute('aria-invalid')).toBeNull();
    expect(questions.pop()).toMatch(/^Revoke every token of \/acme and its subtree issued before \d{4}-.*Z\? This cannot be undone\.$/);
    expect(await introspect(clientId, secret, backendToken)).toBe(false);
    await shoot(page, 'console-revocation');

    // Rotate the signing key.
    await screen(page, 'Signing keys');
    await page.getByRole('caption').filter({ hasText: /keys$/ }).waitFor();
    const before = await page.locator('tbody tr').count();
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await page
      .getByRole('caption')
      .filter({ hasText: new RegExp(`^${before + 1} keys$`) })
      .waitFor();
    await shoot(page, 'console-keys');

    // Each action in the audit trail, by the human admin.
    await screen(page, 'Audit events');
    await page.getByLabel('Tenant (and subtree)').fill('');
    await page.getByLabel('Actor (user or client id)').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    for (const action of [
      'createTenant',
      'createClient',
      'createUser',
      'revokeDevice',
      'revokeUserTokens',
      'revokeTokensIssuedBefore',
      'rotateSigningKey',
    ]) {
      const event = page.locator(`tr[data-action="${action}"]`).first();
      await event.waitFor();
      expect(await event.textContent()).toContain('user');
    }
    await page.getByLabel('Action').fill('createClient');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // The refused attempt (bad redirect URI) is in the trail too.
    await page
      .getByRole('caption')
      .filter({ hasText: /^2 events$/ })
      .waitFor();
    expect((await page.locator('tbody tr').allTextContents()).map((text) => /success|failure/.exec(text)?.[0]).sort()).toEqual([
      'failure',
      'success',
    ]);
    await shoot(page, 'console-audit');

    expect(cspViolations).toEqual([]);
    expect(graphqlCookies.length).toBeGreaterThan(5);
    expect(graphqlCookies.every((cookie) => cookie === undefined)).toBe(true);
    await context.close();

    // What the console did is what the API holds.
    expect((await root.users({ tenantPath: '/acme', first: 10 })).users.nodes.map((u) => [u.username, u.admin])).toEqual([['grace', true]]);
  });

  it('creates an API with a permission and a role granting it, assigns the role to a user and a client, and tokens carry it', async () => {
    const root = await rootAdminSdk(t.url);
    const API = 'https://orders.shop.example';
    await root.createTenant({ input: { path: '/shop', name: 'Shop' } });
    await root.createUser({ input: { tenantPath: '/shop', username: 'olga', password: 'olga-password-123' } });
    const worker = await createTestClient(t.server.app.domain, '/shop', 'service', { allowedScopes: [] });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await slowHashChange(context);
    const page = await context.newPage();
    const questions = acceptDialogs(page);
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    await signIn(page, ADMIN);
    await page.getByRole('list', { name: 'Tenants' }).getByRole('button', { name: '/shop' }).click();

    // An API: a permission named like one of the server's scopes is refused next to the permissions input; then created.
    await screen(page, 'APIs');
    await page.getByLabel('Identifier').fill(API);
    await page.getByLabel('Name', { exact: true }).fill('Orders');
    await page.getByLabel('Permissions').fill('orders:read Read orders\nopenid');
    await page.getByRole('button', { name: 'Create API' }).click();
    const permissionsError = page
      .locator('.field.invalid')
      .filter({ has: page.getByLabel('Permissions') })
      .locator('.field-error');
    expect(await permissionsError.textContent()).toMatch(/^\[BAD_USER_INPUT\] .*openid.* scope of this server/);
    await page.getByLabel('Permissions').fill('orders:read Read orders\norders:write Change orders');
    await page.getByLabel('Access token lifetime (s)').fill('600');
    await page.getByRole('button', { name: 'Create API' }).click();
    const apiRow = page.locator(`tr[data-api="${API}"]`);
    await apiRow.filter({ hasText: 'orders:write' }).waitFor();
    expect(await apiRow.textContent()).toContain('600 s');
    await shoot(page, 'console-apis');

    // A role granting orders:read.
    await screen(page, 'Roles');
    await page.getByRole('group', { name: `Permissions of ${API}` }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('order-reader');
    await page.getByLabel('Description').fill('Reads orders');
    await page
      .getByRole('group', { name: `Permissions of ${API}` })
      .getByLabel('orders:read')
      .check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.locator('tr[data-role="order-reader"]').filter({ hasText: 'orders:read' }).waitFor();
    expect(await page.locator('tr[data-role="admin"]').textContent()).toContain('built-in');
    await shoot(page, 'console-roles');

    // Assigned to olga on the Users screen, and to the worker client on the Clients screen.
    await screen(page, 'Users');
    await page.getByRole('button', { name: 'Roles of olga' }).click();
    await page.getByRole('region', { name: 'Roles of olga' }).getByLabel('order-reader').check();
    await page.getByTestId('held-roles').filter({ hasText: 'olga holds: order-reader' }).waitFor();
    await screen(page, 'Clients');
    await page.getByRole('button', { name: `Roles of ${worker.clientId}` }).click();
    const clientRoles = page.getByRole('region', { name: `Roles of ${worker.clientId}` });
    expect(await clientRoles.getByLabel('admin').count()).toBe(0);
    await clientRoles.getByLabel('order-reader').check();
    await page
      .getByTestId('held-roles')
      .filter({ hasText: `${worker.clientId} holds: order-reader` })
      .waitFor();

    expect(cspViolations).toEqual([]);
    await context.close();

    // What the console did is what the API holds, and what tokens for the API carry.
    const olga = (await root.users({ tenantPath: '/shop', first: 10 })).users.nodes.find((u) => u.username === 'olga')!;
    expect((await root.userRoles({ id: olga.id })).user.roles.map((r) => r.name)).toEqual(['order-reader']);
    expect((await root.clientRoles({ clientId: worker.clientId })).client.roles.map((r) => r.name)).toEqual(['order-reader']);
    const [api] = (await root.apis({ tenantPath: '/shop' })).apis;
    expect(api).toMatchObject({
      identifier: API,
      accessTokenLifetime: 600,
      permissions: [{ name: 'orders:read' }, { name: 'orders:write' }],
    });
    const token = await postForm<{ access_token: string }>(
      `${t.url}/token`,
      { grant_type: 'client_credentials', resource: API },
      { authorization: basic(worker.clientId, worker.clientSecret!) },
    );
    expect(decodeJwt(token.body.access_token)).toMatchObject({ aud: API, scope: 'orders:read' });
    expect(questions).toEqual([]);
  });

  it('searches lists through the API (search argument), with cursor paging over the matches', async () => {
    const root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/search', name: 'Search test' } });
    // 22 "bulk" clients, then "zeta service": oldest first, so zeta is not on the first page of 20.
    for (let i = 0; i < 22; i += 1)
      await root.createClient({ input: { tenantPath: '/search', name: `bulk ${String(i).padStart(2, '0')}` } });
    await root.createClient({ input: { tenantPath: '/search', name: 'zeta service' } });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await slowHashChange(context);
    const page = await context.newPage();
    const clientQueries: Array<Record<string, unknown>> = [];
    page.on('request', (request) => {
      const body =
        request.url() === `${t.url}/graphql` ? (request.postDataJSON() as { query: string; variables: Record<string, unknown> }) : null;
      if (body && /^\s*query clients\(/.test(body.query)) clientQueries.push(body.variables);
    });
    const caption = (text: string) =>
      page
        .getByRole('caption')
        .filter({ hasText: new RegExp(`^${text}$`) })
        .waitFor();
    await signIn(page, ADMIN);

    // The tenant tree searched by path or name.
    await page.getByLabel('Search tenants').pressSequentially('test');
    await page.getByRole('list', { name: 'Tenants' }).getByRole('button', { name: '/search' }).waitFor();
    await waitUntil(
      async () =>
        (await page.getByRole('list', { name: 'Tenants' }).locator('li').allTextContents()).join('|').startsWith('/search') &&
        (await page.getByRole('list', { name: 'Tenants' }).locator('li').count()) === 1,
    );
    await page.getByRole('list', { name: 'Tenants' }).getByRole('button', { name: '/search' }).click();

    await screen(page, 'Clients');
    await caption('23 clients');
    expect(await page.getByRole('row').filter({ hasText: 'zeta service' }).count()).toBe(0);
    const box = page.getByLabel('Search clients');
    await box.pressSequentially('zeta');
    await caption('1 clients');
    await page.getByRole('row').filter({ hasText: 'zeta service' }).waitFor();
    expect(clientQueries.at(-1)).toEqual({ tenantPath: '/search', search: 'zeta', first: 20, after: null });

    // Paging follows the matches: 20, then 2 with the first page's cursor, then back.
    await box.fill('bulk');
    await caption('22 clients');
    expect(await page.locator('tbody tr').count()).toBe(20);
    await page.getByRole('button', { name: 'Next page' }).click();
    await waitUntil(async () => (await page.locator('tbody tr').count()) === 2);
    expect(clientQueries.at(-1)).toEqual({ tenantPath: '/search', search: 'bulk', first: 20, after: expect.any(String) });
    // Another search while on page 2 starts at its own first page (the old cursor is not sent with it).
    await box.fill('bulk 2');
    await caption('2 clients');
    expect(clientQueries.at(-1)).toEqual({ tenantPath: '/search', search: 'bulk 2', first: 20, after: null });
    expect(await page.locator('tbody tr').allTextContents()).toEqual([
      expect.stringContaining('bulk 20'),
      expect.stringContaining('bulk 21'),
    ]);
    // Enter searches at once; the API's refusal of an over-long term shows under the box with its code.
    await box.fill('x'.repeat(201));
    await box.press('Enter');
    const boxError = page.locator('.list-tools.invalid + .field-error');
    expect(await boxError.textContent()).toMatch(/^\[BAD_USER_INPUT\] /);
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });

  it("never shows a subtree admin a sibling tenant's devices, and refuses its revocations next to the input", async () => {
    // /north has a human admin and its own console client; /south, its sibling, a user with a device and a client.
    const domain = t.server.app.domain;
    const root = await rootAdminSdk(t.url);
    const south = await deviceWorld(domain, '/south');
    const southTokens = await userTokens(t.url, south);
    await root.createTenant({ input: { path: '/north' } });
    const nadia = { username: 'nadia', password: 'nadia-password-123' };
    await root.createUser({ input: { tenantPath: '/north', ...nadia, admin: true } });
    await root.createClient({
      input: {
        tenantPath: '/north',
        clientId: 'north-console',
        name: 'North console',
        isPublic: true,
        firstParty: true,
        redirectUris: [`${t.issuer}/console/callback`],
        grantTypes: ['authorization_code', 'refresh_token'],
        allowedScopes: ['openid', 'admin'],
      },
    });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await slowHashChange(context);
    const page = await context.newPage();
    const questions = acceptDialogs(page);
    await signIn(page, nadia, '/console/?client_id=north-console');
    expect(await page.getByTestId('current-tenant').textContent()).toBe('/north');
    expect(await page.getByRole('list', { name: 'Tenants' }).textContent()).not.toContain('/south');

    // The sibling's user: the Devices screen reports it as not found (as an unknown id) on the user input and shows no row.
    await screen(page, 'Devices');
    await page.getByLabel('User id').fill(south.userId);
    await page.keyboard.press('Enter');
    const userError = page.locator('.field.invalid .field-error');
    expect(await userError.textContent()).toBe(`[NOT_FOUND] user "${south.userId}" not found`);
    expect(await page.getByLabel('User id').getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('caption').filter({ hasText: 'No devices shown' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(0);
    expect(await page.content()).not.toContain(southTokens.deviceId);

    // Revocation by user, by client and by time in the sibling: each refused, next to its own input.
    await screen(page, 'Revocation');
    const refusals: Array<[label: string, value: string, button: string]> = [
      ['User id', south.userId, "Revoke user's tokens"],
      ['Client id', south.app.clientId, "Revoke client's tokens"],
      ['Tenant (and subtree)', '/south', 'Revoke tokens issued before'],
    ];
    for (const [label, value, button] of refusals) {
      const input = page.getByLabel(label);
      await input.fill(value);
      await page.getByRole('button', { name: button }).click();
      expect(await page.locator('.field.invalid').filter({ has: input }).locator('.field-error').textContent()).toMatch(
        /^\[NOT_FOUND\] (user|client|tenant) ".+" not found$/,
      );
    }
    expect(questions).toHaveLength(3);
    expect(await page.getByRole('status').count()).toBe(0);
    await context.close();

    // Nothing of /south was revoked.
    expect((await deviceRefresh(t.url, southTokens.deviceRefreshToken, southTokens.deviceId)).status).toBe(200);
    expect((await fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${southTokens.accessToken}` } })).status).toBe(200);
  });
  it('creates a webhook (secret shown once, bad URL named), lists its deliveries and redelivers one', async () => {
    // A receiver on loopback answering 204; each request resolves the next waiter.
    const received: string[] = [];
    let arrived: () => void = () => undefined;
    const receiver = http.createServer((req, res) => {
      received.push(String(req.headers['webhook-id']));
      req.resume().on('end', () => res.writeHead(204).end());
      arrived();
    });
    const next = () => new Promise<void>((resolve) => (arrived = resolve));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/hooks', name: 'Hooks' } });

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await slowHashChange(context);
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.getByRole('list', { name: 'Tenants' }).getByRole('button', { name: '/hooks' }).click();
    await screen(page, 'Webhooks');
    await page.getByLabel('user.created').check();
    await page.getByLabel('URL').fill('http://hooks.example.com/in');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const urlError = page
      .locator('.field.invalid')
      .filter({ has: page.getByLabel('URL') })
      .locator('.field-error');
    expect(await urlError.textContent()).toMatch(/^\[BAD_USER_INPUT\] .*https/);
    await page.getByLabel('URL').fill(hookUrl);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    expect(await page.getByTestId('shown-secret').textContent()).toMatch(/^whsec_/);

    const first = next();
    await root.createUser({ input: { tenantPath: '/hooks', username: 'hana', password: 'hana-password-123' } });
    await first;
    await page.getByRole('button', { name: 'Deliveries' }).click();
    const row = page.locator('tr[data-status="DELIVERED"]').filter({ hasText: 'user.created' });
    await waitUntil(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await row.count()) === 1;
    });
    await shoot(page, 'console-webhooks');
    const again = next();
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await again;
    expect(received).toHaveLength(2);
    expect(received[1]).toBe(received[0]);
    await context.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
});
