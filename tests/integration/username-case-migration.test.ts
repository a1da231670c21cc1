import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase } from '../support/test-server';

const MIGRATION = 'Migration20261206030000UsernameCaseInsensitive';
const MIGRATE = path.join(__dirname, '..', '..', 'dist', 'db', 'migrate.js');

/** `node dist/db/migrate.js URL` (what the test run and operators use; the server runs the same migrator on start). */
const migrate = (databaseUrl: string): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [MIGRATE, databaseUrl], { timeout: 60_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr });
    });
  });

/**
 * Usernames become case-insensitive per tenant (migration 20261206030000). On a database of the
 * previous version that already holds case-duplicates the migration must fail, naming them,
 * instead of merging or renaming accounts; otherwise it adds the unique index.
 */
describe('migration: case-insensitive usernames', () => {
  let db: Client;
  let databaseUrl: string;

  /** A database as the previous version left it: every migration but this one (this one's `down`). */
  beforeEach(async () => {
    databaseUrl = await createTestDatabase();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('alter table users add constraint users_tenant_id_username_unique unique (tenant_id, username)');
    await db.query('drop index users_tenant_username_key_unique');
    await db.query('delete from mikro_orm_migrations where name = $1', [MIGRATION]);
  });
  afterEach(async () => {
    await db.end();
  });

  const tenant = async (tenantPath: string): Promise<string> => {
    const id = randomUUID();
    await db.query('insert into tenants (id, path, name) values ($1, $2, $2)', [id, tenantPath]);
    return id;
  };
  const user = (tenantId: string, username: string) =>
    db.query("insert into users (id, tenant_id, username, password_hash) values ($1, $2, $3, 'x')", [randomUUID(), tenantId, username]);
  const usernames = async () =>
    (
      await db.query<{ path: string; username: string }>(
        'select t.path, u.username from users u join tenants t on t.id = u.tenant_id order by t.path, u.username collate "C"',
      )
    ).rows;
  const applied = async () => (await db.query('select 1 from mikro_orm_migrations where name = $1', [MIGRATION])).rowCount;

  it('fails on case-duplicates in one tenant with one message naming each tenant and its usernames and how to resolve them; changes nothing', async () => {
    const root = await tenant('/');
    const acme = await tenant('/acme');
    for (const name of ['admin', 'Admin', 'ADMIN', 'carol']) await user(root, name);
    for (const name of ['bob', 'Bob']) await user(acme, name);
    const before = await usernames();

    const run = await migrate(databaseUrl);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('tenant /: ADMIN, Admin, admin\n');
    expect(run.stderr).toContain('tenant /acme: Bob, bob\n');
    expect(run.stderr).not.toContain('carol');
    expect(run.stderr).toMatch(/usernames are now case-insensitive within a tenant/);
    expect(run.stderr).toMatch(/Rename all but one username of each group[\s\S]*updateUser[\s\S]*then start again/);
    // Nothing merged, renamed or half-applied.
    expect(await usernames()).toEqual(before);
    expect(await applied()).toBe(0);
    expect((await db.query("select 1 from pg_indexes where indexname = 'users_tenant_username_key_unique'")).rowCount).toBe(0);

    // Once renamed, the same database migrates.
    await db.query("update users set username = 'admin2' where username = 'Admin'");
    await db.query("update users set username = 'admin3' where username = 'ADMIN'");
    await db.query("update users set username = 'bob2' where username = 'Bob'");
    expect((await migrate(databaseUrl)).code).toBe(0);
    expect(await applied()).toBe(1);
  });

  it('succeeds without case-duplicates, keeps the stored case, and then refuses a username differing only in case in the same tenant only', async () => {
    const x = await tenant('/x');
    const y = await tenant('/y');
    await user(x, 'Ada');
    await user(y, 'ADA');
    await user(x, 'bob');

    const run = await migrate(databaseUrl);

    expect(run).toEqual({ code: 0, stderr: '' });
    expect(await applied()).toBe(1);
    expect(await usernames()).toEqual([
      { path: '/x', username: 'Ada' },
      { path: '/x', username: 'bob' },
      { path: '/y', username: 'ADA' },
    ]);
    await expect(user(x, 'ada')).rejects.toMatchObject({ code: '23505', constraint: 'users_tenant_username_key_unique' });
    await expect(user(y, 'Bob')).resolves.toBeDefined();
  });
});
