import { Client } from 'pg';
import { isDomainError } from '../../src/domain/errors';
import { parseProvisioningDocument } from '../../src/domain/provisioning/parse-provisioning-document';
import { ProvisioningError } from '../../src/domain/provisioning/provisioning-error';
import type { Domain } from '../../src/composition/create-domain';
import { PROVISIONING_VARIABLES, provisioningDocument } from '../fixtures/provisioning-file';
import { basic, postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

/** PROVISION_FILE semantics (issue 8): one transaction, idempotent, natural keys, `${VAR}` references. */
describe('provisioning file', () => {
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

  const apply = async (doc: unknown, variables: Record<string, string> = PROVISIONING_VARIABLES) =>
    domain.provisioning.apply(parseProvisioningDocument(doc, variables, domain.grants));
  const counts = async () => {
    const { rows } = await db.query<{ tenants: string; clients: string; users: string }>(
      'select (select count(*) from tenants) tenants, (select count(*) from clients) clients, (select count(*) from users) users',
    );
    return rows[0];
  };
  const clientCredentials = (clientId: string, secret: string) =>
    postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) });
  const passwordGrant = (password: string) =>
    postForm(
      `${t.url}/token`,
      { grant_type: 'password', username: 'ada', password },
      { authorization: basic('acme-app', PROVISIONING_VARIABLES.ACME_APP_SECRET) },
    );
  const failure = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isDomainError(error)) throw new Error(`expected a domain error, got ${String(error)}`);
    return error;
  };

  it('applies a file twice: the second run changes and duplicates nothing, and the clients and users work', async () => {
    const first = await apply(provisioningDocument());
    expect(first).toEqual({
      tenants: { created: 2, updated: 0, unchanged: 0 },
      apis: { created: 0, updated: 0, unchanged: 0 },
      roles: { created: 0, updated: 0, unchanged: 0 },
      identityProviders: { created: 0, updated: 0, unchanged: 0 },
      clients: { created: 2, updated: 0, unchanged: 0 },
      users: { created: 1, updated: 0, unchanged: 0 },
    });
    const after = await counts();
    const {
      rows: [hash],
    } = await db.query<{ password_hash: string }>("select password_hash from users where username = 'ada'");

    const second = await apply(provisioningDocument());
    expect(second).toEqual({
      tenants: { created: 0, updated: 0, unchanged: 2 },
      apis: { created: 0, updated: 0, unchanged: 0 },
      roles: { created: 0, updated: 0, unchanged: 0 },
      identityProviders: { created: 0, updated: 0, unchanged: 0 },
      clients: { created: 0, updated: 0, unchanged: 2 },
      users: { created: 0, updated: 0, unchanged: 1 },
    });
    expect(await counts()).toEqual(after);
    expect((await db.query("select password_hash from users where username = 'ada'")).rows[0]).toEqual(hash);

    expect((await clientCredentials('acme-app', PROVISIONING_VARIABLES.ACME_APP_SECRET)).status).toBe(200);
    const token = await passwordGrant(PROVISIONING_VARIABLES.ADA_PASSWORD);
    expect(token.status).toBe(200);
    expect(token.body.expires_in).toBe(1200);
    const { rows } = await db.query(
      'select path, name, signing_algorithm, allow_self_signup from tenants where path like $1 order by path',
      ['/acme%'],
    );
    expect(rows).toEqual([
      { path: '/acme', name: 'Acme', signing_algorithm: 'RS256', allow_self_signup: false },
      { path: '/acme/eu', name: 'Acme EU', signing_algorithm: 'ES256', allow_self_signup: true },
    ]);
  });

  it('updates what an edited file changed: client settings and secret, user profile and password', async () => {
    await apply(provisioningDocument());
    const doc = provisioningDocument();
    const acme = doc.tenants[1]!;
    acme.clients![0]!.accessTokenLifetime = 600;
    acme.clients![1]!.redirectUris = ['https://app.acme.example/callback', 'https://app.acme.example/other'];
    acme.users![0]!.email = 'ada@new.example';
    const variables = { ACME_APP_SECRET: 'rotated-secret-0123456789abcdef', ADA_PASSWORD: 'new-password-2' };
    const report = await apply(doc, variables);
    expect(report).toEqual({
      tenants: { created: 0, updated: 0, unchanged: 2 },
      apis: { created: 0, updated: 0, unchanged: 0 },
      roles: { created: 0, updated: 0, unchanged: 0 },
      identityProviders: { created: 0, updated: 0, unchanged: 0 },
      clients: { created: 0, updated: 2, unchanged: 0 },
      users: { created: 0, updated: 1, unchanged: 0 },
    });
    expect((await clientCredentials('acme-app', PROVISIONING_VARIABLES.ACME_APP_SECRET)).status).toBe(401);
    const token = await postForm(
      `${t.url}/token`,
      { grant_type: 'password', username: 'ada', password: variables.ADA_PASSWORD },
      { authorization: basic('acme-app', variables.ACME_APP_SECRET) },
    );
    expect(token.status).toBe(200);
    expect(token.body.expires_in).toBe(600);
    expect((await db.query("select email from users where username = 'ada'")).rows).toEqual([{ email: 'ada@new.example' }]);
    expect((await db.query("select redirect_uris from clients where client_id = 'acme-spa'")).rows[0].redirect_uris).toHaveLength(2);
    // Back to the original file: the original secret and password work again.
    await apply(provisioningDocument());
    expect((await passwordGrant(PROVISIONING_VARIABLES.ADA_PASSWORD)).status).toBe(200);
  });

  it('reports an unset ${VAR} with its JSON path and the variable name', async () => {
    const error = await failure(apply(provisioningDocument(), { ADA_PASSWORD: 'ada-password-1' }));
    expect(error).toBeInstanceOf(ProvisioningError);
    expect((error as ProvisioningError).problems).toEqual([
      'tenants[1].clients[0].clientSecret: environment variable ACME_APP_SECRET is not set',
    ]);
  });

  it('validates the whole file first and names the JSON path of every problem', async () => {
    const doc = provisioningDocument() as ReturnType<typeof provisioningDocument> & { tenants: Record<string, unknown>[] };
    const acme = doc.tenants[1] as { clients: Record<string, unknown>[]; users: Record<string, unknown>[] };
    acme.clients[1]!.redirectUris = ['not a url'];
    acme.clients[0]!.grantTypes = ['client_credentials', 'implicit'];
    acme.users.push({ username: 'ada', password: 'another-password' });
    doc.tenants.push({ path: 'Bad', colour: 'blue' });
    const before = await counts();
    const error = (await failure(apply(doc))) as ProvisioningError;
    expect(error.code).toBe('validation_failed');
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'tenants[1].clients[1].redirectUris[0]: "not a url" is not an absolute URI',
        expect.stringMatching(/^tenants\[1\]\.clients\[0\]\.grantTypes: "implicit" is not one of/),
        expect.stringMatching(/^tenants\[2\]\.colour: unknown field/),
        expect.stringMatching(/^tenants\[2\]\.path: must start with "\/"/),
      ]),
    );
    expect(await counts()).toEqual(before);
    // Duplicates are found once the entries themselves are valid.
    const dup = provisioningDocument();
    dup.tenants[1]!.users!.push({ username: 'ada', password: 'another-password', email: 'x@y.example', firstname: 'X' });
    expect(((await failure(apply(dup))) as ProvisioningError).problems).toEqual([
      'tenants[1].users[1].username: user ada of /acme appears twice in the file (first at tenants[1].users[0].username)',
    ]);
  });

  it('rolls back the whole file when one entry conflicts with the database while writing', async () => {
    const before = await counts();
    const doc = {
      tenants: [
        {
          path: '/rollback-a',
          clients: [{ clientId: 'rollback-a-app', name: 'A', clientSecret: 'rollback-secret-0123456789' }],
          users: [{ username: 'bea', password: 'bea-password-1' }],
        },
        // client_id "admin" is the bootstrap client of the root tenant: found only while writing.
        { path: '/rollback-b', clients: [{ clientId: 'admin', name: 'Not the admin', clientSecret: 'rollback-secret-0123456789' }] },
      ],
    };
    const error = await failure(apply(doc));
    expect(error.code).toBe('conflict');
    expect(error.description).toBe('tenants[1].clients[0].clientId: client admin already exists in another tenant');
    expect(await counts()).toEqual(before);
    expect((await db.query("select 1 from tenants where path like '/rollback%'")).rowCount).toBe(0);
    expect((await clientCredentials('admin', 'test-admin-secret-0123456789abcdef')).status).toBe(200);
  });

  it('rolls back a disabled client with the rest: its cutoff is not written and its tokens keep working', async () => {
    const doc = {
      tenants: [{ path: '/rollback-c', clients: [{ clientId: 'rollback-c-app', name: 'C', clientSecret: '${SECRET}' }] }],
    };
    await apply(doc, { SECRET: 'rollback-c-secret-0123456789' });
    const issued = await clientCredentials('rollback-c-app', 'rollback-c-secret-0123456789');
    expect(issued.status).toBe(200);
    const disabled = structuredClone(doc) as { tenants: Record<string, unknown>[] };
    (disabled.tenants[0]!.clients as Record<string, unknown>[])[0]!.enabled = false;
    // The second tenant fails after the client was disabled in the same transaction.
    disabled.tenants.push({
      path: '/rollback-d',
      clients: [{ clientId: 'admin', name: 'Not the admin', clientSecret: 'rollback-secret-0123456789' }],
    });
    expect((await failure(apply(disabled, { SECRET: 'rollback-c-secret-0123456789' }))).code).toBe('conflict');
    expect((await db.query("select enabled from clients where client_id = 'rollback-c-app'")).rows).toEqual([{ enabled: true }]);
    expect((await db.query("select 1 from token_cutoffs where subject = 'rollback-c-app'")).rowCount).toBe(0);
    const introspected = await postForm(
      `${t.url}/introspect`,
      { token: String(issued.body.access_token) },
      { authorization: basic('admin', 'test-admin-secret-0123456789abcdef') },
    );
    expect(introspected.body).toMatchObject({ active: true, client_id: 'rollback-c-app' });
    expect((await clientCredentials('rollback-c-app', 'rollback-c-secret-0123456789')).status).toBe(200);
  });

  it('refuses a child whose parent is neither in the database nor in the file, writing nothing', async () => {
    const before = await counts();
    const error = await failure(apply({ tenants: [{ path: '/fine' }, { path: '/missing/child' }] }));
    expect(error.description).toBe('tenants[1].path: parent tenant /missing does not exist (add it to the file or create it first)');
    expect(await counts()).toEqual(before);
  });

  it('requires a secret to create a confidential client and a password to create a user', async () => {
    const noSecret = await failure(apply({ tenants: [{ path: '/nosecret', clients: [{ clientId: 'nosecret-app', name: 'x' }] }] }));
    expect(noSecret.description).toMatch(/^tenants\[0\]\.clients\[0\]\.clientSecret: required/);
    const noPassword = await failure(apply({ tenants: [{ path: '/nosecret', users: [{ username: 'x' }] }] }));
    expect(noPassword.description).toMatch(/^tenants\[0\]\.users\[0\]\.password: required/);
  });
});
