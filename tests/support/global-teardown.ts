/** Stops the embedded PostgreSQL started by global-setup, if any. */
export default async function globalTeardown(): Promise<void> {
  const child = globalThis.__IDP_TEST_POSTGRES__;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
