import { mkdirSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AdminSdk } from '../../src/sdk/client';
import { rootAdminActor } from '../fixtures/admin-actor';
import { totpCode } from '../fixtures/totp-code';
import { rootAdminSdk } from '../support/admin-sdk';
import { launchChromium } from '../support/launch-chromium';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');
const ADMIN = { username: 'console-admin', password: 'console-admin-password-1' };

jest.setTimeout(120_000);

/** A loopback port nothing listens on: a mail server that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Issue 22, item 3: a tenant's second-factor policy and a user's second factors in the console. Before, the
 * console only showed the policy's name in the tenant tree: no way to change it, nor to see or reset a user's
 * authenticator (a lost phone) without calling GraphQL by hand. Also the email flows' invitations and the
 * mail outbox, which GraphQL had and the console did not.
 */
describe('second factors in the admin console', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let root: AdminSdk;
  let maya: { id: string; username: string };
  const questions: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestServer({
      env: { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` },
    });
    browser = await launchChromium();
    root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/acme', name: 'Acme' } });
    await root.createRole({ input: { tenantPath: '/acme', name: 'auditor', description: 'Reads the books' } });
    // A user of /acme with a confirmed authenticator app, set up through the domain as the account page does.
    const { domain } = t.server.app;
    const user = await domain.users.create(await rootAdminActor(domain), {
      tenantPath: '/acme',
      username: 'maya',
      password: 'maya-password-123',
      email: 'maya@acme.example',
    });
    const tenant = (await domain.tenants.findByPath('/acme'))!;
    const { manualKey } = await domain.secondFactors.startTotp(tenant, user);
    expect(await domain.secondFactors.confirmTotp(tenant, user, totpCode(manualKey), undefined)).toHaveLength(10);
    maya = user;

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
    await page.getByRole('list', { name: 'Tenants' }).getByRole('button', { name: '/acme' }).click();
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

  it("sets a tenant's policy to REQUIRED for holders of admin, and the API holds it", async () => {
    const editor = page.getByRole('region', { name: 'Second factor policy of /acme' });
    await editor.getByTestId('mfa-policy').filter({ hasText: 'Now: second factor optional' }).waitFor();
    await editor.getByLabel('Second factor', { exact: true }).selectOption('REQUIRED');
    // The tenant's roles are offered, the built-in admin among them; none checked would mean everyone.
    const roles = editor.getByRole('group', { name: 'Required for holders of' });
    expect(await roles.getByRole('checkbox').evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).value).sort())).toEqual([
      'admin',
      'auditor',
    ]);
    await roles.getByRole('checkbox', { name: 'admin' }).check();
    await editor.getByRole('button', { name: 'Save policy' }).click();
    await editor.getByTestId('mfa-policy-saved').filter({ hasText: 'Saved: /acme has second factor required for admin' }).waitFor();
    await page
      .getByRole('list', { name: 'Tenants' })
      .getByRole('listitem')
      .filter({ hasText: 'second factor required for admin' })
      .waitFor();
    await shoot('console-tenant-mfa-policy');

    const { tenant } = await root.tenant({ path: '/acme' });
    expect([tenant!.mfaPolicy, tenant!.mfaRequiredRoles]).toEqual(['REQUIRED', ['admin']]);
    // The root tenant, where the console's admin lives, kept its own policy.
    expect((await root.tenant({ path: '/' })).tenant!.mfaPolicy).toBe('OPTIONAL');
  });

  it("lists a user's second factors and resets them after asking, audited", async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('heading', { name: 'Users of /acme' }).waitFor();
    await page.getByRole('button', { name: `Second factors of ${maya.username}` }).click();
    const panel = page.getByRole('region', { name: `Second factors of ${maya.username}` });
    const factor = panel.locator('tr[data-kind="totp"]');
    await factor.waitFor();
    expect(await factor.locator('td').allTextContents()).toEqual([
      'Authenticator app (TOTP)',
      'confirmed',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
    ]);
    expect(await panel.getByTestId('recovery-codes-left').textContent()).toBe('Recovery codes left: 10');
    await shoot('console-user-second-factors');

    await panel.getByRole('button', { name: 'Reset second factors' }).click();
    await panel
      .getByTestId('second-factors-reset')
      .filter({ hasText: `Removed 1 second factor of ${maya.username}` })
      .waitFor();
    expect(questions).toEqual([expect.stringContaining(`Reset every second factor and recovery code of ${maya.username}?`)]);
    await panel
      .getByRole('caption')
      .filter({ hasText: /^0 second factors$/ })
      .waitFor();
    expect(await panel.getByTestId('recovery-codes-left').textContent()).toBe('Recovery codes left: 0');

    expect((await root.userSecondFactors({ userId: maya.id })).userSecondFactors).toEqual({ factors: [], recoveryCodesLeft: 0 });
    const me = await root.users({ tenantPath: '/', search: ADMIN.username, first: 1 });
    let events: Awaited<ReturnType<AdminSdk['auditEvents']>>['auditEvents']['nodes'] = [];
    await waitUntil(async () => {
      events = (await root.auditEvents({ tenantPath: '/acme', action: 'resetSecondFactors' })).auditEvents.nodes;
      return events.length > 0;
    });
    expect(events).toEqual([
      expect.objectContaining({
        outcome: 'success',
        tenantPath: '/acme',
        actorKind: 'user',
        actorId: me.users.nodes[0]!.id,
        targetKind: 'user',
        targetId: maya.id,
        detail: { factors: 1 },
      }),
    ]);
  });

  it('invites a user from the Users screen and shows the invitation pending on the Mail screen while the mail server is down', async () => {
    await page.getByRole('button', { name: 'Invite user' }).click();
    const invite = page.getByRole('region', { name: 'Invite a user to /acme' });
    await invite.getByLabel("Invitee's email").fill('noor@acme.example');
    await invite.getByLabel("Invitee's username").fill('noor');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByTestId('invited').filter({ hasText: 'Invited noor' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'noor@acme.example' }).waitFor();

    // The worker tried at once and failed: the mail stays pending, with its attempt and error, for a retry.
    let owed: Awaited<ReturnType<AdminSdk['mailOutbox']>>['mailOutbox'] = [];
    await waitUntil(async () => {
      owed = (await root.mailOutbox({ tenantPath: '/acme' })).mailOutbox;
      return owed.some((mail) => mail.attempts >= 1 && mail.lastError !== null);
    });
    expect(owed).toEqual([expect.objectContaining({ recipient: 'noor@acme.example', kind: 'invitation', status: 'PENDING' })]);

    await invite.getByRole('link', { name: 'See the mail outbox' }).click();
    await page.getByRole('heading', { name: 'Mail of /acme' }).waitFor();
    const row = page.locator('tr[data-status="PENDING"]').filter({ hasText: 'noor@acme.example' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['pending', 'noor@acme.example', 'invitation']);
    expect(Number(cells[4])).toBeGreaterThanOrEqual(1);
    expect(cells[5]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(cells[6]).not.toBe('');
    await shoot('console-mail');

    // The status boxes choose what is listed: without Pending the invitation is not.
    await page.getByRole('checkbox', { name: /^Sent/ }).check();
    await page
      .getByRole('caption')
      .filter({ hasText: /^1 mails$/ })
      .waitFor();
    await page.getByRole('checkbox', { name: /^Pending/ }).uncheck();
    await page
      .getByRole('caption')
      .filter({ hasText: /^0 mails$/ })
      .waitFor();
  });
});
