import { chromium, type Browser } from 'playwright-core';
import { resolveChromium } from './chromium';

/** Headless Chromium for the e2e tests, from wherever `resolveChromium` finds it (CHROMIUM_PATH, system, or packaged). */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, env } = await resolveChromium();
  return chromium.launch({
    executablePath,
    env: env ? { ...process.env, ...env } : undefined,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
