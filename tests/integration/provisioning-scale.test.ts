import { Client } from 'pg';
import { parseProvisioningDocument } from '../../src/domain/provisioning/parse-provisioning-document';
import { queryCounts, type QueryCounts } from '../../src/ops/query-counts';
import type { Domain } from '../../src/composition/create-domain';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

const TENANTS = 300;
const SECRET = 'scale-client-secret-0123456789abcdef';

/** A file of TENANTS tenants under /scale (its first entry), one confidential client each. */
const scaleDocument = () => ({
  tenants: [
    { path: '/scale', name: 'Scale' },
    ...Array.from({ length: TENANTS - 1 }, (_, i) => ({
      path: `/scale/t${i}`,
      name: `Tenant ${i}`,
      clients: [{ clientId: `scale-${i}`, name: `Client ${i}`, clientSecret: '${SCALE_SECRET}', grantTypes: ['client_credentials'] }],
    })),
  ],
});

/** Provisioning at scale (issue 24): set-based reads and writes, not a round trip per entry; a second apply writes nothing. */
describe('provisioning many tenants', () => {
  let t: TestServer;
  let domain: Domain;
  let db: Client;

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
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
  const versions = async () =>
    (
      await db.query<{ v: string }>(
        `select (select string_agg(xmin::text, ',' order by id) from tenants where path like '/scale%')
             || '|' || (select string_agg(xmin::text, ',' order by id) from clients where client_id like 'scale-%') as v`,
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
});
