import { chromium, type Browser } from 'playwright-core';
import { resolveChromium } from './chromium';

/** A headless Chromium for the browser tests, resolved by {@link resolveChromium} (no system Chromium needed). */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, env } = await resolveChromium();
  return chromium.launch({
    executablePath,
    env: env ? { ...process.env, ...env } : undefined,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
