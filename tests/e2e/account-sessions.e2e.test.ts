import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestUser } from '../fixtures/test-user';
import { createTestTenant } from '../fixtures/token-clients';
import { launchChromium } from '../support/launch-chromium';
import { startTestServer, type TestServer } from '../support/test-server';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');

jest.setTimeout(90_000);

/** Issue 23: the account page lists the user's browser sessions (this one marked) and ends them. */
describe('account page sessions in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let ada: { username: string; password: string };
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestServer();
    await createTestTenant(t.server.app.domain, '/shop');
    ada = await createTestUser(t.server.app.domain, '/shop');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await t?.close();
  });

  /** A fresh browser signed in on the account page. */
  async function signedIn(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 720, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${t.url}/account?tenant=/shop`);
    await page.fill('input[name="username"]', ada.username);
    await page.fill('input[name="password"]', ada.password);
    await Promise.all([page.waitForURL(`${t.url}/account`), page.click('button[type="submit"]')]);
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    return page;
  }

  it('lists both browsers’ sessions, marks the current one, ends the other one, then signs out everywhere else', async () => {
    const other = await signedIn();
    const page = await signedIn();
    await page.reload();
    const rows = page.locator('li[data-session-id]');
    expect(await rows.count()).toBe(2);
    await page.locator('li[data-session-id]', { hasText: '(current)' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'account-sessions.png'), fullPage: true });

    const otherRow = page.locator('li[data-session-id]', { hasText: 'Another browser' });
    await Promise.all([page.waitForURL(`${t.url}/account`), otherRow.getByRole('button', { name: /End session/ }).click()]);
    expect(await page.locator('li[data-session-id]').count()).toBe(1);
    // The other browser is signed out.
    await other.goto(`${t.url}/account`);
    await other.getByRole('heading', { name: 'Sign in' }).waitFor();

    // A third browser, then "Sign out everywhere else" keeps only this one.
    await signedIn();
    await page.reload();
    expect(await page.locator('li[data-session-id]').count()).toBe(2);
    await Promise.all([page.waitForURL(`${t.url}/account`), page.getByRole('button', { name: 'Sign out everywhere else' }).click()]);
    expect(await page.locator('li[data-session-id]').count()).toBe(1);
    await page.locator('li[data-session-id]', { hasText: '(current)' }).waitFor();
  });
});
