import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildScript, checkOutput, loadExamples, withBaseUrl, type Bindings } from '../support/doc-examples';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * The shell examples marked runnable in README.md and docs/*.md
 * (`<!-- example: name -->`, docs/architecture.md "Documented examples are
 * tests") run in order, in one shell, against a fresh server, and each answers
 * what the output block under it says.
 */
describe('documented examples', () => {
  const ADMIN_CLIENT_SECRET = 'admin-secret-0123456789abcdef'; // the secret the README starts the server with
  const root = path.resolve(__dirname, '..', '..');
  let t: TestServer;
  let scratch: string;

  beforeAll(async () => {
    t = await startTestServer({ env: { ADMIN_CLIENT_SECRET } });
    scratch = mkdtempSync(path.join(os.tmpdir(), 'idp-doc-examples-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('every runnable example answers as documented', async () => {
    const examples = loadExamples(root);
    expect(examples.length).toBeGreaterThan(0);
    const script = path.join(scratch, 'examples.sh');
    writeFileSync(script, buildScript(examples, t.url, scratch));
    await promisify(execFile)('bash', ['--noprofile', '--norc', script], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: scratch, LANG: 'C.UTF-8' },
      timeout: 150_000,
    });

    const bindings: Bindings = new Map();
    examples.forEach((example, index) => {
      const read = (suffix: string) => readFileSync(path.join(scratch, `${index}.${suffix}`), 'utf8');
      const [output, errors, status] = [read('out'), read('err'), read('rc').trim()];
      const fail = (problem: string) => {
        throw new Error(
          `${example.file}:${example.line} example "${example.name}": ${problem}\n--- stdout\n${output.slice(0, 3000)}\n--- stderr\n${errors.slice(0, 3000)}`,
        );
      };
      if (status !== '0') fail(`exited ${status}`);
      if (!example.expect) {
        if (output.trim() !== '') fail('printed output, but the docs show none (add an <!-- expect --> block)');
        return;
      }
      const problem = checkOutput({ ...example.expect, body: withBaseUrl(example.expect.body, t.url) }, output, bindings);
      if (problem) fail(`${problem} (expected output at ${example.file}:${example.expect.line})`);
    });
  }, 180_000);
});
