import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AdminSdk } from '../../src/sdk/client';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, queryOf } from '../support/browser';
import { launchChromium } from '../support/launch-chromium';
import { clientCredentialsToken } from '../support/oauth';
import { sqlRows } from '../support/sql';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');
const ADMIN = { username: 'console-admin', password: 'console-admin-password-1' };
const UPSTREAM_SECRET = 'upstream-client-secret-0123456789';
const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/;

jest.setTimeout(120_000);

/**
 * Issue 23: identity providers are "managed through GraphQL, the provisioning file and the console", and a
 * user's sessions and the tenant's SCIM tokens are admin objects. Before, the console had none of them: no
 * way to add an upstream provider, to see or end a user's sessions, or to issue a SCIM token without calling
 * GraphQL by hand.
 */
describe('identity providers, sessions and SCIM tokens in the admin console', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let root: AdminSdk;
  let app: CodeFlowClient;
  let lena: { id: string; username: string };
  const questions: string[] = [];
  const password = 'lena-password-123';

  /** Signs lena in through the hosted pages (a new browser, so a new session): the session's sid and refresh token. */
  async function signIn(): Promise<{ sid: string; refreshToken: string }> {
    const fetchBrowser = new FetchBrowser(t.url);
    const params = new URLSearchParams({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: app.redirectUri,
      scope: 'openid offline_access',
    });
    const form = await fetchBrowser.get(`/authorize?${params}`);
    const done = await fetchBrowser.post('/authorize/login', { ...hiddenFields(form.body), username: lena.username, password });
    const response = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: queryOf(done.location).code!, redirect_uri: app.redirectUri }),
    });
    const tokens = (await response.json()) as { refresh_token: string; id_token: string };
    const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()) as { sid: string };
    return { sid: claims.sid, refreshToken: tokens.refresh_token };
  }

  const refreshWorks = async (refreshToken: string): Promise<boolean> =>
    (
      await fetch(`${t.url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      })
    ).status === 200;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestServer({ env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password } });
    browser = await launchChromium();
    root = await rootAdminSdk(t.url);
    app = await createCodeFlowClient(t.server.app.domain, { name: 'Shop', firstParty: true, redirectUris: ['http://127.0.0.1:9/cb'] });
    lena = (await root.createUser({ input: { tenantPath: '/', username: 'lena', password, email: 'lena@example.com' } })).createUser;

    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await page.goto(`${t.url}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.fill('input[name="username"]', ADMIN.username);
    await page.fill('input[name="password"]', ADMIN.password);
    await page.click('button[type="submit"]');
    await page.getByRole('heading', { name: 'Tenant tree' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const shoot = async (name: string) => {
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(5000);
  };
  const screen = async (title: string) => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: title, exact: true }).click();
    await page
      .locator('nav[aria-label="Screens"] a[aria-current="page"]')
      .filter({ hasText: new RegExp(`^${title}$`) })
      .waitFor();
    await page.locator('main h2:focus').waitFor();
  };

  it('creates, edits (an empty secret keeps the stored one) and deletes an identity provider; the secret is never readable', async () => {
    await screen('Identity providers');
    const form = page.getByRole('region', { name: 'New identity provider' });
    // OIDC needs no reachable issuer at creation: discovery happens at the first sign-in through it.
    await form.getByLabel('Name', { exact: true }).fill('Partner SSO');
    await form.getByLabel('Alias').fill('partner');
    await form.getByLabel('Issuer').fill('https://login.partner.example');
    await form.getByLabel('Client id').fill('tenant-idp-at-partner');
    await form.getByLabel('Client secret').fill(UPSTREAM_SECRET);
    await form.getByLabel('Scopes').fill('email profile');
    await form.getByLabel('Email domains').fill('partner.example, partner.test');
    await form.getByLabel('Claim mapping').fill('username=preferred_username');
    await form.getByLabel(/^Exclusive/).check();
    await form.getByRole('button', { name: 'Create identity provider' }).click();
    await page.getByTestId('identity-provider-saved').filter({ hasText: 'Created Partner SSO' }).waitFor();
    const row = page.locator('tr[data-alias="partner"]');
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      'Partner SSO',
      'partner',
      'OIDC',
      'https://login.partner.example',
      'partner.example, partner.test',
      'exclusive',
      'creates users',
      'secret set',
      'enabled',
      expect.stringContaining('Edit'),
    ]);

    const [stored] = (await root.identityProviders({ tenantPath: '/' })).identityProviders;
    expect(stored).toMatchObject({
      kind: 'OIDC',
      alias: 'partner',
      name: 'Partner SSO',
      issuer: 'https://login.partner.example',
      clientId: 'tenant-idp-at-partner',
      hasClientSecret: true,
      scopes: expect.arrayContaining(['openid', 'email', 'profile']),
      emailDomains: ['partner.example', 'partner.test'],
      exclusive: true,
      jitProvisioning: true,
      enabled: true,
    });
    expect(stored!.claimMapping).toContainEqual({ field: 'username', claim: 'preferred_username' });
    // The API has no field that gives the secret back, and the database holds it sealed.
    const asked = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET)}`,
      },
      body: JSON.stringify({ query: `{ identityProvider(id: "${stored!.id}") { clientSecret } }` }),
    }).then((response) => response.json() as Promise<{ errors?: { extensions?: { code?: string } }[] }>);
    expect(asked.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const [sealed] = await sqlRows<{ client_secret_sealed: string }>(
      t.databaseUrl,
      'select client_secret_sealed from identity_providers where id = $1',
      [stored!.id],
    );
    expect(sealed!.client_secret_sealed).not.toContain(UPSTREAM_SECRET);

    // Edit: rename, leave the secret field empty.
    await row.getByRole('button', { name: 'Edit Partner SSO' }).click();
    const edit = page.getByRole('region', { name: 'Edit identity provider Partner SSO' });
    expect(await edit.getByLabel('New client secret (leave empty to keep)').inputValue()).toBe('');
    await edit.getByText('secret set (never shown)').waitFor();
    await edit.getByLabel('Name', { exact: true }).fill('Partner');
    await edit.getByRole('button', { name: 'Save identity provider' }).click();
    await page.getByTestId('identity-provider-saved').filter({ hasText: 'Saved Partner' }).waitFor();
    await row
      .locator('td')
      .first()
      .filter({ hasText: /^Partner$/ })
      .waitFor();
    const { identityProvider: edited } = await root.identityProvider({ id: stored!.id });
    expect([edited.name, edited.hasClientSecret, edited.emailDomains]).toEqual(['Partner', true, ['partner.example', 'partner.test']]);
    const { domain } = t.server.app;
    const provider = (await domain.identityProviders.findById(stored!.id))!;
    expect(domain.identityProviders.upstreamClient(provider, '/').clientSecret).toBe(UPSTREAM_SECRET);
    await shoot('console-identity-providers');

    // A field the API refuses is shown under its input.
    await form.getByLabel('Name', { exact: true }).fill('Other');
    await form.getByLabel('Alias').fill('Not An Alias');
    await form.getByLabel('Issuer').fill('https://other.example');
    await form.getByLabel('Client id').fill('x');
    await form.getByRole('button', { name: 'Create identity provider' }).click();
    await form.locator('.field.invalid').filter({ hasText: '[BAD_USER_INPUT]' }).getByLabel('Alias').waitFor();

    await row.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('caption')
      .filter({ hasText: /^0 identity providers$/ })
      .waitFor();
    expect(questions).toEqual([expect.stringContaining('Delete identity provider Partner')]);
    expect((await root.identityProviders({ tenantPath: '/' })).identityProviders).toEqual([]);
  });

  it("lists a user's sessions, ends one and then all, after asking; GraphQL and the refresh tokens agree", async () => {
    questions.length = 0;
    const first = await signIn();
    const second = await signIn();
    await screen('Users');
    await page.getByRole('button', { name: 'Sessions of lena' }).click();
    const panel = page.getByRole('region', { name: 'Sessions of lena' });
    await panel
      .getByRole('caption')
      .filter({ hasText: /^2 open sessions$/ })
      .waitFor();
    const cells = await panel.locator(`tr[data-sid="${first.sid}"] td`).allTextContents();
    expect(cells).toEqual([expect.stringMatching(TIME), 'pwd', 'Shop', expect.stringMatching(TIME), 'End']);
    await shoot('console-user-sessions');

    await panel
      .locator(`tr[data-sid="${first.sid}"]`)
      .getByRole('button', { name: /^End session started/ })
      .click();
    await panel.getByTestId('sessions-ended').filter({ hasText: 'Ended 1 session of lena.' }).waitFor();
    await panel
      .getByRole('caption')
      .filter({ hasText: /^1 open sessions$/ })
      .waitFor();
    expect((await root.sessions({ userId: lena.id })).sessions.map((session) => session.id)).toEqual([second.sid]);
    expect(await refreshWorks(first.refreshToken)).toBe(false);

    const third = await signIn();
    await panel.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Sessions of lena' }).click();
    await panel
      .getByRole('caption')
      .filter({ hasText: /^2 open sessions$/ })
      .waitFor();
    await panel.getByRole('button', { name: 'End all sessions' }).click();
    await panel.getByTestId('sessions-ended').filter({ hasText: 'Ended 2 sessions of lena.' }).waitFor();
    await panel
      .getByRole('caption')
      .filter({ hasText: /^0 open sessions$/ })
      .waitFor();
    expect(questions).toEqual([
      expect.stringMatching(/^End the session of lena started /),
      expect.stringMatching(/^End all 2 sessions of lena\?/),
    ]);
    expect((await root.sessions({ userId: lena.id })).sessions).toEqual([]);
    expect(await refreshWorks(second.refreshToken)).toBe(false);
    expect(await refreshWorks(third.refreshToken)).toBe(false);
  });

  it('creates a SCIM token shown once, which works until it is revoked', async () => {
    questions.length = 0;
    await screen('SCIM');
    await page.getByLabel('Description').fill('HR directory');
    await page.getByRole('button', { name: 'Create SCIM token' }).click();
    const token = (await page.getByTestId('shown-secret').textContent())!;
    expect(token.length).toBeGreaterThan(20);
    const row = page.locator('tr[data-state="active"]').filter({ hasText: 'HR directory' });
    await row.waitFor();
    const users = () => fetch(`${t.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await users()).toBe(200);

    await row.getByRole('button', { name: 'Revoke HR directory' }).click();
    await page.locator('tr[data-state="revoked"]').filter({ hasText: 'HR directory' }).waitFor();
    expect(questions).toEqual([expect.stringContaining('Revoke the SCIM token “HR directory”?')]);
    const { scimTokens } = await root.scimTokens({ tenantPath: '/' });
    expect(scimTokens).toEqual([expect.objectContaining({ description: 'HR directory', revokedAt: expect.any(String) })]);
    expect(await users()).toBe(401);
  });
});
