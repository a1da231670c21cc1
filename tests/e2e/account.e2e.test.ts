import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { deviceRefresh } from '../fixtures/device-setup';
import { createTestUser } from '../fixtures/test-user';
import { createTestTenant } from '../fixtures/token-clients';
import { launchChromium } from '../support/launch-chromium';
import { startTestServer, type TestServer } from '../support/test-server';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

jest.setTimeout(90_000);

/** Seed 002's device page in Chromium: sign in, generate a device set, copy, use it, revoke, refused. */
describe('account page in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let bob: { username: string; password: string };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestServer();
    await createTestTenant(t.server.app.domain, '/shop');
    bob = await createTestUser(t.server.app.domain, '/shop');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, generates a device set, copies it, refreshes with it, revokes the device and sees the refresh refused', async () => {
    const context = await browser.newContext({ viewport: { width: 720, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    await page.goto(`${t.url}/account?tenant=/shop`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('input[name="username"]', bob.username);
    await page.fill('input[name="password"]', bob.password);
    await Promise.all([page.waitForURL(`${t.url}/account`), page.click('button[type="submit"]')]);
    await page.getByRole('heading', { name: 'Devices' }).waitFor();

    await page.fill('input[name="name"]', 'Kasir 2');
    await page.fill('input[name="password"]', bob.password);
    await Promise.all([page.waitForURL(`${t.url}/account/devices`), page.getByRole('button', { name: 'Generate token' }).click()]);
    const refreshToken = (await page.locator('#refresh-token').textContent())!;
    const deviceId = (await page.locator('#device-id').textContent())!;
    expect(await page.locator('#id-token').textContent()).toMatch(/^ey/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'account-device-created.png'), fullPage: true });

    await page.getByRole('button', { name: 'Copy RefreshToken' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(refreshToken);
    expect(cspViolations).toEqual([]);

    expect((await deviceRefresh(t.url, refreshToken, deviceId)).status).toBe(200);

    await page.goto(`${t.url}/account`);
    await Promise.all([
      page.waitForURL(`${t.url}/account`),
      page.locator(`li[data-device-id="${deviceId}"] button`, { hasText: 'Revoke' }).click(),
    ]);
    await page.locator(`li[data-device-id="${deviceId}"]`, { hasText: 'revoked' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'account-device-revoked.png'), fullPage: true });
    const refused = await deviceRefresh(t.url, refreshToken, deviceId);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant' });
    await context.close();
  });
});
