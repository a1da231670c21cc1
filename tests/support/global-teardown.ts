import { rmSync } from 'node:fs';
import { changedTempDirModes } from './temp-dir-mode';

/** Stops the embedded PostgreSQL started by global-setup, if any, then fails the run if /tmp's mode changed. */
export default async function globalTeardown(): Promise<void> {
  const child = globalThis.__IDP_TEST_POSTGRES__;
  if (child && child.exitCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
  if (process.env.IDP_TEST_RUNTIME_DIR) rmSync(process.env.IDP_TEST_RUNTIME_DIR, { recursive: true, force: true });
  const changed = changedTempDirModes();
  if (changed.length > 0)
    throw new Error(`the test run changed the mode of ${changed.join('; ')}: every other user of the directory is now broken`);
}
