import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * The README's shell examples (OAuth 2.0 / OpenID Connect, Devices, Revocation
 * by scope with seed 003's batch revocation, GraphQL administration) run as
 * written against a fresh server and answer what the README says
 * (`scripts/readme-examples.sh`, which exits non-zero at the first mismatch).
 */
describe('README examples', () => {
  const ADMIN_CLIENT_SECRET = 'admin-secret-0123456789abcdef'; // the secret the README starts the server with
  let t: TestServer;
  let scratch: string;

  beforeAll(async () => {
    t = await startTestServer({ env: { ADMIN_CLIENT_SECRET } });
    scratch = mkdtempSync(path.join(os.tmpdir(), 'idp-readme-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('every example answers as documented', async () => {
    const script = path.join(__dirname, '..', '..', 'scripts', 'readme-examples.sh');
    const run = promisify(execFile)('bash', [script, t.url], { env: { ...process.env, ADMIN_CLIENT_SECRET, TMPDIR: scratch }, timeout: 120_000 });
    const { stdout } = await run.catch((error: { stdout?: string; stderr?: string; code?: number }) => {
      throw new Error(`readme-examples.sh exited ${error.code}:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    expect(stdout).toContain('OK: every README example answered as documented');
  }, 150_000);
});
