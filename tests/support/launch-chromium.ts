import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { resolveChromium } from './chromium';

/**
 * Headless Chromium for the e2e tests, from wherever `resolveChromium` finds it
 * (CHROMIUM_PATH, system, or packaged). Chromium's own temporary files go to a
 * private directory (its TMPDIR), removed when the browser closes, so a run
 * leaves nothing behind in the system temp dir.
 */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, env } = await resolveChromium();
  const privateTmp = mkdtempSync(path.join(os.tmpdir(), 'idp-chromium-'));
  const browser = await chromium.launch({
    executablePath,
    env: { ...process.env, ...(env ?? {}), TMPDIR: privateTmp },
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser.on('disconnected', () => rmSync(privateTmp, { recursive: true, force: true }));
  return browser;
}
