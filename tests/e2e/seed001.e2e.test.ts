import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import {
  callApi,
  redeemCode,
  refreshTokens,
  registerClient,
  registerUser,
  seed001AuthorizeUrl,
  seed001Client,
  seed001User,
} from '../fixtures/seed001';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { clientCredentialsToken } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

jest.setTimeout(90_000);

describe('seed 001 in Chromium: register, sign in, code without PKCE, /api, refresh', () => {
  let t: TestServer;
  let browser: Browser;
  let callback: CallbackServer;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [t, callback] = await Promise.all([startTestServer(), startCallbackServer()]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
  });

  it('runs the whole documented flow through the hosted pages', async () => {
    const admin = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    const client = seed001Client(callback.url);
    const user = seed001User();
    expect((await registerClient(t.url, { ...client }, admin)).body).toMatchObject({
      status: 'SUCCESS',
      message: 'register client successfully',
    });
    expect((await registerUser(t.url, { ...user }, admin)).body).toMatchObject({
      status: 'SUCCESS',
      message: 'register user successfully',
    });

    const context = await browser.newContext({ viewport: { width: 720, height: 760 } });
    const page = await context.newPage();
    await page.goto(seed001AuthorizeUrl(t.url, client, 'username email', 'YOUR_STATE'));
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.fill('input[name="username"]', user.username);
    await page.fill('input[name="password"]', user.password);
    await Promise.all([page.waitForURL(`${t.url}/authorize/login`), page.click('button[type="submit"]')]);
    await page.getByRole('heading', { name: /wants to access your account/ }).waitFor();
    expect(await page.locator('.scopes li').count()).toBe(2);
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(client.redirect_uri)),
      page.getByRole('button', { name: 'Allow' }).click(),
    ]);
    await page.locator('#result').waitFor();
    const shot = path.join(ARTIFACTS, 'seed001-callback.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(1000);
    await context.close();

    expect(callback.hits).toHaveLength(1);
    const received = Object.fromEntries(callback.hits[0]!);
    expect(received).toEqual({ code: expect.any(String), state: 'YOUR_STATE', iss: t.issuer });

    const token = await redeemCode(t.url, client, received.code!);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ status: 'SUCCESS', access_token: expect.any(String), refresh_token: expect.any(String) });
    const api = await callApi(t.url, token.body.access_token as string);
    expect(api.body).toEqual({ status: 'SUCCESS', data: { email: user.email, username: user.username } });
    const refreshed = await refreshTokens(t.url, client, token.body.refresh_token as string);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ status: 'SUCCESS', access_token: expect.any(String), refresh_token: expect.any(String) });
    expect((await callApi(t.url, refreshed.body.access_token as string)).body).toEqual(api.body);
  });
});
