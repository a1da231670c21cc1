import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-postgres';
import type { AdminSdk } from '../../src/sdk/client';
import { rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, queryOf } from '../support/browser';
import { runCli } from '../support/cli';
import { basic, postForm } from '../support/oauth';
import { spawnServer } from '../support/process';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, createTestDatabase, startTestServer, type TestServer } from '../support/test-server';

/**
 * Issue 19: "disabling revokes" has one owner (ClientService, UserService), so a client
 * or user disabled and then enabled again never gets its old tokens back, whichever path
 * disabled it: GraphQL (`updateClient`, `updateUser`), PROVISION_FILE across restarts,
 * and `tenant-idp apply`. Before the fix, a client disabled and re-enabled through
 * PROVISION_FILE had its old tokens introspect `{"active":true}` again.
 *
 * The world on each path: tenant /reenable with a `worker` client (client_credentials),
 * an `app` client (client_credentials, password, refresh_token, a first-party code flow)
 * and a user `rhea` who signs in through `app`. The worker and rhea are disabled, then
 * enabled again; the app is never touched, so its own token stays active throughout,
 * which shows the cutoffs hit exactly the disabled client and user.
 */

const TENANT = '/reenable';
const WORKER = 'reenable-worker';
const APP = 'reenable-app';
const REDIRECT = 'http://127.0.0.1:9/cb';
const VARIABLES = {
  WORKER_SECRET: 'reenable-worker-secret-0123456789',
  APP_SECRET: 'reenable-app-secret-0123456789ab',
  RHEA_PASSWORD: 'rhea-password-1',
};
const APP_SETTINGS = {
  grantTypes: ['client_credentials', 'password', 'refresh_token', 'authorization_code'],
  redirectUris: [REDIRECT],
  allowedScopes: ['openid', 'profile', 'email'],
  firstParty: true,
};

/** The provisioning file of the world; `enabled` applies to the worker client and to rhea. */
function provisioningFile(enabled: boolean) {
  return {
    tenants: [
      {
        path: TENANT,
        clients: [
          { clientId: WORKER, name: 'Worker', clientSecret: '${WORKER_SECRET}', grantTypes: ['client_credentials'], enabled },
          { clientId: APP, name: 'App', clientSecret: '${APP_SECRET}', ...APP_SETTINGS },
        ],
        users: [{ username: 'rhea', password: '${RHEA_PASSWORD}', email: 'rhea@example.com', enabled }],
      },
    ],
  };
}

interface Tokens {
  worker: string;
  app: string;
  rheaAccess: string;
  rheaRefresh: string;
}

const token = async (url: string, form: Record<string, string>, clientId: string, secret: string) => {
  const res = await postForm<{ access_token: string; refresh_token?: string }>(`${url}/token`, form, {
    authorization: basic(clientId, secret),
  });
  expect(res.status).toBe(200);
  return res.body;
};

async function issue(url: string): Promise<Tokens> {
  const worker = await token(url, { grant_type: 'client_credentials' }, WORKER, VARIABLES.WORKER_SECRET);
  const app = await token(url, { grant_type: 'client_credentials' }, APP, VARIABLES.APP_SECRET);
  const rhea = await token(
    url,
    { grant_type: 'password', username: 'rhea', password: VARIABLES.RHEA_PASSWORD, scope: 'email' },
    APP,
    VARIABLES.APP_SECRET,
  );
  expect(rhea.refresh_token).toEqual(expect.any(String));
  return { worker: worker.access_token, app: app.access_token, rheaAccess: rhea.access_token, rheaRefresh: rhea.refresh_token! };
}

const introspect = async (url: string, admin: { id: string; secret: string }, presented: string) => {
  const res = await postForm(`${url}/introspect`, { token: presented }, { authorization: basic(admin.id, admin.secret) });
  expect(res.status).toBe(200);
  return res.body;
};

/**
 * A cutoff revokes what was issued in its own second too (`iat` has whole seconds), so
 * tokens meant to outlive it are asked for in a later second than `disabledAt`: a clock
 * boundary, not an event anything could signal.
 */
async function afterTheSecondOf(disabledAt: number): Promise<void> {
  const wait = (Math.floor(disabledAt / 1000) + 1) * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 5));
}

/** The old tokens of the worker and rhea are dead for good; the untouched app's is not; new ones work. */
async function expectOnlyNewTokensWork(url: string, admin: { id: string; secret: string }, old: Tokens, disabledAt: number): Promise<void> {
  expect(await introspect(url, admin, old.worker)).toEqual({ active: false });
  expect(await introspect(url, admin, old.rheaAccess)).toEqual({ active: false });
  const refreshed = await postForm(
    `${url}/token`,
    { grant_type: 'refresh_token', refresh_token: old.rheaRefresh },
    { authorization: basic(APP, VARIABLES.APP_SECRET) },
  );
  expect(refreshed.status).toBe(400);
  expect(refreshed.body.error).toBe('invalid_grant');
  expect(await introspect(url, admin, old.app)).toMatchObject({ active: true, client_id: APP });

  await afterTheSecondOf(disabledAt);
  const fresh = await issue(url);
  expect(await introspect(url, admin, fresh.worker)).toMatchObject({ active: true, client_id: WORKER });
  expect(await introspect(url, admin, fresh.rheaAccess)).toMatchObject({ active: true, client_id: APP });
  expect(
    (
      await postForm(
        `${url}/token`,
        { grant_type: 'refresh_token', refresh_token: fresh.rheaRefresh },
        { authorization: basic(APP, VARIABLES.APP_SECRET) },
      )
    ).status,
  ).toBe(200);
}

const ADMIN = { id: ADMIN_CLIENT_ID, secret: ADMIN_CLIENT_SECRET };

describe('a client or user disabled, then enabled again, never gets its old tokens back', () => {
  describe('through GraphQL (updateClient, updateUser)', () => {
    let t: TestServer;
    let root: AdminSdk;
    beforeAll(async () => {
      t = await startTestServer();
      root = await rootAdminSdk(t.url);
    });
    afterAll(async () => {
      await t.close();
    });

    it('revokes at disabling; enabling brings nothing back', async () => {
      await root.createTenant({ input: { path: TENANT } });
      await root.createClient({
        input: {
          tenantPath: TENANT,
          clientId: WORKER,
          name: 'Worker',
          clientSecret: VARIABLES.WORKER_SECRET,
          grantTypes: ['client_credentials'],
        },
      });
      await root.createClient({
        input: { tenantPath: TENANT, clientId: APP, name: 'App', clientSecret: VARIABLES.APP_SECRET, ...APP_SETTINGS },
      });
      const { createUser } = await root.createUser({ input: { tenantPath: TENANT, username: 'rhea', password: VARIABLES.RHEA_PASSWORD } });
      const old = await issue(t.url);

      await root.updateClient({ clientId: WORKER, input: { enabled: false } });
      await root.updateUser({ id: createUser.id, input: { enabled: false } });
      const disabledAt = Date.now();
      await root.updateClient({ clientId: WORKER, input: { enabled: true } });
      await root.updateUser({ id: createUser.id, input: { enabled: true } });

      await expectOnlyNewTokensWork(t.url, ADMIN, old, disabledAt);
    });
  });

  describe('through PROVISION_FILE, across restarts', () => {
    let dir: string;
    let env: Record<string, string>;
    let port: number;
    const admin = { id: 'admin', secret: 'reenable-admin-secret-0123456789' };

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'idp-reenable-'));
      // One port, so one issuer: a token's `iss` must be the restarted server's own.
      port = await freePort();
      env = {
        PORT: String(port),
        DATABASE_URL: await createTestDatabase(),
        DATA_DIR: dir,
        SECRET_KEY: randomBytes(32).toString('base64'),
        ADMIN_CLIENT_SECRET: admin.secret,
        LOG_LEVEL: 'info',
        ...VARIABLES,
      };
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    /** Starts the server on the file with `enabled`, runs `work` against it, stops it. */
    async function start<T>(enabled: boolean, work: (url: string) => Promise<T>): Promise<T> {
      const file = path.join(dir, `provision-${enabled}.json`);
      writeFileSync(file, JSON.stringify(provisioningFile(enabled)));
      const server = spawnServer({ ...env, PROVISION_FILE: file });
      try {
        await server.waitFor(/"msg":"server ready"/);
        return await work(`http://127.0.0.1:${port}`);
      } finally {
        expect(await server.stop('SIGTERM')).toBe(0);
      }
    }

    it('the old tokens stay inactive after a restart that enables them again', async () => {
      const old = await start(true, async (url) => {
        const issued = await issue(url);
        expect(await introspect(url, admin, issued.worker)).toMatchObject({ active: true, client_id: WORKER });
        return issued;
      });
      const disabledAt = await start(false, async (url) => {
        const at = Date.now();
        // While disabled: nothing of the worker or rhea works; the app's token does.
        expect(await introspect(url, admin, old.worker)).toEqual({ active: false });
        expect(await introspect(url, admin, old.rheaAccess)).toEqual({ active: false });
        expect(await introspect(url, admin, old.app)).toMatchObject({ active: true, client_id: APP });
        return at;
      });
      await start(true, (url) => expectOnlyNewTokensWork(url, admin, old, disabledAt));
    }, 90_000);
  });

  describe('through `tenant-idp apply`', () => {
    let t: TestServer;
    let dir: string;
    let env: Record<string, string>;
    beforeAll(async () => {
      t = await startTestServer();
      dir = mkdtempSync(path.join(os.tmpdir(), 'idp-reenable-cli-'));
      env = { TENANT_IDP_URL: t.url, TENANT_IDP_CLIENT_ID: ADMIN_CLIENT_ID, TENANT_IDP_CLIENT_SECRET: ADMIN_CLIENT_SECRET, ...VARIABLES };
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      await t.close();
    });

    const apply = async (enabled: boolean) => {
      const file = path.join(dir, `apply-${enabled}.json`);
      writeFileSync(file, JSON.stringify(provisioningFile(enabled)));
      const run = await runCli(['apply', file, '--json'], env);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { users: { updated: number; unchanged: number } };
    };

    it('revokes at disabling; enabling brings nothing back', async () => {
      await apply(true);
      const old = await issue(t.url);
      await apply(false);
      const disabledAt = Date.now();
      await apply(true);
      await expectOnlyNewTokensWork(t.url, ADMIN, old, disabledAt);
    });

    it('re-applying an unchanged file signs nobody out; a new password in it does', async () => {
      await apply(true);
      const browser = new FetchBrowser(t.url);
      const authorize = (extra: Record<string, string> = {}) =>
        `/authorize?${new URLSearchParams({ client_id: APP, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state: 'st', ...extra })}`;
      const page = await browser.get(authorize());
      const signedIn = await browser.post('/authorize/login', {
        ...hiddenFields(page.body),
        username: 'rhea',
        password: VARIABLES.RHEA_PASSWORD,
      });
      expect(queryOf(signedIn.location).code).toEqual(expect.any(String));
      const silentCode = async () => queryOf((await browser.get(authorize({ prompt: 'none' }))).location);

      // `apply` sets the file's password through setUserPassword every time: the same password changes nothing.
      expect((await apply(true)).users).toMatchObject({ updated: 0, unchanged: 1 });
      expect((await silentCode()).code).toEqual(expect.any(String));
      expect(
        (await token(t.url, { grant_type: 'password', username: 'rhea', password: VARIABLES.RHEA_PASSWORD }, APP, VARIABLES.APP_SECRET))
          .access_token,
      ).toBeDefined();

      const file = path.join(dir, 'new-password.json');
      writeFileSync(file, JSON.stringify(provisioningFile(true)));
      expect((await runCli(['apply', file], { ...env, RHEA_PASSWORD: 'rhea-password-2' })).code).toBe(0);
      expect(await silentCode()).toMatchObject({ error: 'login_required' });
    });
  });
});
