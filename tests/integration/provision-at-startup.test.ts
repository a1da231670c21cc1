import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/db/embedded-postgres';
import { PROVISIONING_VARIABLES, provisioningDocument } from '../fixtures/provisioning-file';
import { basic, postForm } from '../support/oauth';
import { spawnServer } from '../support/process';
import { createTestDatabase } from '../support/test-server';

/** `PROVISION_FILE=… npm start`: the real start path (node dist/main.js) applies the file after migrations and bootstrap. */
describe('PROVISION_FILE at start-up', () => {
  let dir: string;
  let databaseUrl: string;
  let db: Client;
  let base: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'idp-provision-'));
    databaseUrl = await createTestDatabase();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    writeFileSync(path.join(dir, 'provision.json'), JSON.stringify(provisioningDocument()));
    base = {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dir,
      SECRET_KEY: randomBytes(32).toString('base64'),
      ADMIN_CLIENT_SECRET: 'startup-admin-secret-0123456789',
      LOG_LEVEL: 'info',
      ...PROVISIONING_VARIABLES,
    };
  });
  afterAll(async () => {
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  });

  const rowCounts = async () =>
    (await db.query('select (select count(*) from tenants) t, (select count(*) from clients) c, (select count(*) from users) u'))
      .rows[0] as Record<string, string>;

  it('applies the file on two starts in a row with no duplicates, and the provisioned client and user work', async () => {
    for (const run of [1, 2]) {
      const port = await freePort();
      const server = spawnServer({ ...base, PORT: String(port), PROVISION_FILE: path.join(dir, 'provision.json') });
      try {
        const [line] = await server.waitFor(/"msg":"provisioning file applied"/);
        expect(line).toBeDefined();
        await server.waitFor(/"msg":"server ready"/);
        const applied = server
          .output()
          .split('\n')
          .find((l) => l.includes('provisioning file applied'))!;
        expect(JSON.parse(applied)).toMatchObject(
          run === 1
            ? { tenants: { created: 2 }, clients: { created: 2 }, users: { created: 1 } }
            : { tenants: { created: 0, updated: 0, unchanged: 2 }, clients: { unchanged: 2 }, users: { unchanged: 1 } },
        );
        const token = await postForm(
          `http://127.0.0.1:${port}/token`,
          { grant_type: 'password', username: 'ada', password: PROVISIONING_VARIABLES.ADA_PASSWORD },
          { authorization: basic('acme-app', PROVISIONING_VARIABLES.ACME_APP_SECRET) },
        );
        expect(token.status).toBe(200);
        // No secret from the file reaches the log.
        for (const secret of Object.values(PROVISIONING_VARIABLES)) expect(server.output()).not.toContain(secret);
      } finally {
        expect(await server.stop('SIGTERM')).toBe(0);
      }
      expect(await rowCounts()).toEqual({ t: '3', c: '4', u: '1' }); // root + 2 tenants; admin, console + 2 clients
    }
  }, 90_000);

  it('refuses to start on an invalid file with one line naming the JSON path, writing nothing', async () => {
    const before = await rowCounts();
    const bad = provisioningDocument();
    bad.tenants.push({ path: '/startup-new', name: 'x', signingAlgorithm: 'RS256', allowSelfSignup: false });
    bad.tenants[1]!.clients![1]!.redirectUris = ['http://evil.example/cb'];
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad));
    const server = spawnServer({ ...base, PORT: String(await freePort()), PROVISION_FILE: path.join(dir, 'bad.json') });
    const code = await new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    expect(code).toBe(1);
    const fatal = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('fatal:'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(
      /^fatal: PROVISION_FILE .*bad\.json was not applied \(nothing was written\): tenants\[1\]\.clients\[1\]\.redirectUris\[0\]: .* must use https/,
    );
    expect(server.output()).not.toMatch(/\n\s+at /); // no stack trace
    expect(await rowCounts()).toEqual(before);
  }, 60_000);
});
