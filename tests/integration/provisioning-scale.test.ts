import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { parseProvisioningDocument } from '../../src/domain/provisioning/parse-provisioning-document';
import { queryCounts, type QueryCounts } from '../../src/ops/query-counts';
import type { Domain } from '../../src/composition/create-domain';
import { clientSdk, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { runCli } from '../support/cli';
import { basic, postForm } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

const TENANTS = 300;
const SECRET = 'scale-client-secret-0123456789abcdef';

/** A file of TENANTS tenants under `/${root}` (its first entry), one confidential client each. */
const scaleDocument = (root = 'scale') => ({
  tenants: [
    { path: `/${root}`, name: 'Scale' },
    ...Array.from({ length: TENANTS - 1 }, (_, i) => ({
      path: `/${root}/t${i}`,
      name: `Tenant ${i}`,
      clients: [{ clientId: `${root}-${i}`, name: `Client ${i}`, clientSecret: '${SCALE_SECRET}', grantTypes: ['client_credentials'] }],
    })),
  ],
});

/** Provisioning at scale (issue 24): set-based reads and writes, not a round trip per entry; a second apply writes nothing. */
describe('provisioning many tenants', () => {
  let t: TestServer;
  let domain: Domain;
  let db: Client;
  let dir: string;

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    dir = mkdtempSync(path.join(os.tmpdir(), 'idp-scale-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.end();
    await t.close();
  });

  /** Applies the file, counting the database round trips made on its behalf until it returns. */
  const apply = async () => {
    const plan = parseProvisioningDocument(scaleDocument(), { SCALE_SECRET: SECRET }, domain.grants);
    const counts: QueryCounts = { dbQueries: 0 };
    const report = await queryCounts.run(counts, () => domain.provisioning.apply(plan));
    return { report, queries: counts.dbQueries };
  };
  /** Row versions (xmin) of the file's tenants and clients: any write changes them. */
  const versions = async (root = 'scale') =>
    (
      await db.query<{ v: string }>(
        `select (select string_agg(xmin::text, ',' order by id) from tenants where path like $1)
             || '|' || (select string_agg(xmin::text, ',' order by id) from clients where client_id like $2) as v`,
        [`/${root}%`, `${root}-%`],
      )
    ).rows[0]!.v;

  it('creates 300 tenants with a client each in a bounded number of round trips, and a second apply reads a few times and writes nothing', async () => {
    const first = await apply();
    expect(first.report.tenants).toEqual({ created: TENANTS, updated: 0, unchanged: 0 });
    expect(first.report.clients).toEqual({ created: TENANTS - 1, updated: 0, unchanged: 0 });
    // A round trip per entry would be ≥ 600; set-based: reads, multi-row inserts, the transaction, a few keys.
    expect(first.queries).toBeLessThan(60);

    const before = await versions();
    const again = await apply();
    expect(again.report.tenants).toEqual({ created: 0, updated: 0, unchanged: TENANTS });
    expect(again.report.clients).toEqual({ created: 0, updated: 0, unchanged: TENANTS - 1 });
    expect(again.queries).toBeLessThan(10);
    expect(await versions()).toBe(before);

    // A provisioned client works; its tenant's signing key is made at the latest at this first signing need.
    const token = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(`scale-${TENANTS - 2}`, SECRET) },
    );
    expect(token.status).toBe(200);
  });

  describe('through tenant-idp apply (the applyProvisioning mutation)', () => {
    const env = () => ({ TENANT_IDP_URL: t.url, TENANT_IDP_CLIENT_ID: ADMIN_CLIENT_ID, TENANT_IDP_CLIENT_SECRET: ADMIN_CLIENT_SECRET });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CLI output checked field by field below
    const json = (stdout: string): any => JSON.parse(stdout);
    const file = (name: string, document: unknown): string => {
      const at = path.join(dir, name);
      writeFileSync(at, JSON.stringify(document));
      return at;
    };
    /** HTTP requests served (but /metrics's own) and database round trips made while serving them, from /metrics. */
    const served = async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const sum = (name: string) =>
        [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))]
          .filter((m) => !m[1]!.includes('route="/metrics"'))
          .reduce((total, m) => total + Number(m[2]), 0);
      return { requests: sum('http_requests_total'), queries: sum('db_queries_total') };
    };
    const tenantCount = async (pattern: string) =>
      Number((await db.query<{ n: string }>('select count(*) as n from tenants where path like $1', [pattern])).rows[0]!.n);

    it('applies 300 tenants with a client each in one GraphQL request of bounded round trips, audited once; again, it writes nothing', async () => {
      const at = file('cli-scale.json', scaleDocument('cliscale'));
      const cliEnv = { ...env(), SCALE_SECRET: SECRET };
      const before = await served();
      const first = await runCli(['apply', at, '--json'], cliEnv);
      expect(first.code).toBe(0);
      const after = await served();
      expect(json(first.stdout)).toMatchObject({
        tenants: { created: TENANTS, updated: 0, unchanged: 0 },
        clients: { created: TENANTS - 1, updated: 0, unchanged: 0 },
        generatedSecrets: [],
      });
      expect(first.stdout).not.toContain(SECRET);
      // The token and one applyProvisioning request (entry by entry it was ~1,500 requests); set-based reads and writes.
      expect(after.requests - before.requests).toBe(2);
      expect(after.queries - before.queries).toBeLessThan(80);
      const audit = await db.query<{ outcome: string; detail: Record<string, number> }>(
        `select outcome, detail from audit_events where action = 'applyProvisioning'`,
      );
      expect(audit.rows).toEqual([{ outcome: 'success', detail: { tenantsCreated: TENANTS, clientsCreated: TENANTS - 1 } }]);

      const rows = await versions('cliscale');
      const again = await runCli(['apply', at], cliEnv);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`tenants: 0 created, 0 updated, ${TENANTS} unchanged`);
      expect(again.stdout).toContain(`clients: 0 created, 0 updated, ${TENANTS - 1} unchanged`);
      expect((await served()).requests - after.requests).toBe(2);
      expect(await versions('cliscale')).toBe(rows);
      // A client it made works.
      const token = await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('cliscale-7', SECRET) });
      expect(token.status).toBe(200);
    });

    it('applies only within the caller’s subtree: an entry outside is FORBIDDEN, named, and nothing is written', async () => {
      const root = await rootAdminSdk(t.url);
      // A confidential client without a secret gets one from the server, returned once.
      const { applyProvisioning: made } = await root.applyProvisioning({
        document: {
          tenants: [
            {
              path: '/sub',
              clients: [{ clientId: 'sub-admin', name: 'Sub admin', grantTypes: ['client_credentials'], allowedScopes: ['admin'] }],
            },
          ],
        },
      });
      expect(made.generatedSecrets).toEqual([{ clientId: 'sub-admin', clientSecret: expect.stringMatching(/^\S{40,}$/) }]);
      const sub = await clientSdk(t.url, 'sub-admin', made.generatedSecrets[0]!.clientSecret);
      const refused = await graphqlError(
        sub.applyProvisioning({
          document: { tenants: [{ path: '/sub/ok' }, { path: '/cliscale/t1', name: 'Taken over' }, { path: '/' }] },
        }),
      );
      expect(refused.extensions).toEqual({ code: 'FORBIDDEN', field: 'tenants[1].path' });
      expect(refused.message).toBe(
        'tenants[1].path: tenant /cliscale/t1 is outside your subtree (/sub); tenants[2].path: tenant / is outside your subtree (/sub)',
      );
      expect(await tenantCount('/sub/ok')).toBe(0);
      expect((await root.tenant({ path: '/cliscale/t1' })).tenant.name).toBe('Tenant 1');
      // Within it, the same admin applies.
      const { applyProvisioning: ok } = await sub.applyProvisioning({ document: { tenants: [{ path: '/sub' }, { path: '/sub/ok' }] } });
      expect(ok.tenants).toEqual({ created: 1, updated: 0, unchanged: 1 });
    });

    it('refuses an invalid entry naming it (as it stands in the file) and writes nothing', async () => {
      const root = await rootAdminSdk(t.url);
      const document = JSON.parse(JSON.stringify(scaleDocument('bad')).replaceAll('${SCALE_SECRET}', SECRET)) as {
        tenants: { clients?: Record<string, unknown>[] }[];
      };
      document.tenants[12]!.clients![0]!.redirectUris = ['nope'];
      const refused = await graphqlError(root.applyProvisioning({ document }));
      expect(refused.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'tenants[12].clients[0].redirectUris[0]' });
      expect(refused.message).toBe('tenants[12].clients[0].redirectUris[0]: "nope" is not an absolute URI');
      expect(await tenantCount('/bad%')).toBe(0);

      // Through the CLI: the server (which owns the grant registry) refuses an unknown grant type; the child is listed
      // before its parent and sent after it, yet named where it is in the file; exit code 2.
      const at = file('unknown-grant.json', {
        tenants: [
          {
            path: '/badgrant/child',
            clients: [{ clientId: 'badgrant-app', name: 'App', isPublic: true, grantTypes: ['urn:example:nope'] }],
          },
          { path: '/badgrant' },
        ],
      });
      const run = await runCli(['apply', at, '--json'], env());
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stderr)).toMatchObject({
        error: { exitCode: 2, code: 'BAD_USER_INPUT', message: expect.stringMatching(/^tenants\[0\]\.clients\[0\]\.grantTypes/) },
      });
      expect(await tenantCount('/badgrant%')).toBe(0);
    });
  });
});
