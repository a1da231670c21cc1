import { statSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { sha256 } from '../../src/domain/crypto/random';
import { AuthorizationCodeEntity } from '../../src/entities/authorization-code.entity';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { pkcePair } from '../fixtures/pkce';
import { createTestUser } from '../fixtures/test-user';
import { startCallbackServer, type CallbackServer } from '../support/callback-server';
import { launchChromium } from '../support/launch-chromium';
import { changedTempDirModes } from '../support/temp-dir-mode';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

jest.setTimeout(90_000);

describe('hosted sign-in and consent in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let callback: CallbackServer;
  let client: CodeFlowClient;
  let alice: { username: string; password: string };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [t, callback] = await Promise.all([startTestServer(), startCallbackServer()]);
    client = await createCodeFlowClient(t.server.app.domain, { name: 'Example App', redirectUris: [callback.url] });
    alice = await createTestUser(t.server.app.domain);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await t?.close();
  });

  it('signs in, consents and lands on the redirect URI with code, state and iss', async () => {
    const context = await browser.newContext({ viewport: { width: 720, height: 760 } });
    const page = await context.newPage();
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: 'openid profile email',
      state: 'e2e-state-123',
      nonce: 'e2e-nonce-456',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });

    await page.goto(`${t.url}/authorize?${query}`);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'authorize-sign-in.png') });
    await page.fill('input[name="username"]', alice.username);
    await page.fill('input[name="password"]', alice.password);
    await Promise.all([page.waitForURL(`${t.url}/authorize/login`), page.click('button[type="submit"]')]);

    await page.getByRole('heading', { name: /wants to access your account/ }).waitFor();
    expect(await page.locator('.scopes li').count()).toBe(3);
    const consentShot = path.join(ARTIFACTS, 'authorize-consent.png');
    await page.screenshot({ path: consentShot, fullPage: true });

    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(client.redirectUri)),
      page.getByRole('button', { name: 'Allow' }).click(),
    ]);
    await page.locator('#result').waitFor();
    const finalShot = path.join(ARTIFACTS, 'authorize-callback.png');
    await page.screenshot({ path: finalShot, fullPage: true });

    for (const shot of [consentShot, finalShot]) expect(statSync(shot).size).toBeGreaterThan(1000);
    expect(callback.hits).toHaveLength(1);
    const received = Object.fromEntries(callback.hits[0]!);
    expect(received).toEqual({ code: expect.any(String), state: 'e2e-state-123', iss: t.issuer });
    await context.close();

    // Prove the code is real: redeem it if the authorization_code grant is registered, else find its row.
    if (t.server.app.domain.grants.find('authorization_code')) {
      const token = await postForm(
        `${t.url}/token`,
        { grant_type: 'authorization_code', code: received.code!, redirect_uri: client.redirectUri, code_verifier: verifier },
        { authorization: basic(client.clientId, client.clientSecret!) },
      );
      expect(token.status).toBe(200);
      expect(token.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
      const idToken = token.body.id_token as string | undefined;
      if (idToken) expect(JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()).nonce).toBe('e2e-nonce-456');
      const replay = await postForm(
        `${t.url}/token`,
        { grant_type: 'authorization_code', code: received.code!, redirect_uri: client.redirectUri, code_verifier: verifier },
        { authorization: basic(client.clientId, client.clientSecret!) },
      );
      expect(replay.status).toBe(400);
    } else {
      const row = await t.server.orm.em.fork().findOneOrFail(AuthorizationCodeEntity, { codeHash: sha256(received.code!) });
      expect(row).toMatchObject({
        clientId: client.clientId,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        nonce: 'e2e-nonce-456',
      });
    }
  });

  it('shows the error page, not a redirect, for an unregistered redirect_uri', async () => {
    const page = await browser.newPage();
    const response = await page.goto(
      `${t.url}/authorize?client_id=${client.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/evil')}`,
    );
    expect(response!.status()).toBe(400);
    expect(page.url().startsWith(t.url)).toBe(true);
    await page.getByText("This application's sign-in link is not valid.").waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'authorize-error.png') });
    await page.close();
  });

  it('leaves the mode of /tmp as it was before the run once Chromium is unpacked and running', () => {
    expect(browser.isConnected()).toBe(true);
    expect(changedTempDirModes()).toEqual([]);
  });
});
