import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { ServerSecret } from '../../src/domain/crypto/server-secret';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { TestClock } from '../fixtures/test-clock';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, createTestTenant, serviceToken, type TestClient } from '../fixtures/token-clients';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { runCli } from '../support/cli';
import { spawnServer } from '../support/process';
import { basic, postForm } from '../support/oauth';
import { sqlRows } from '../support/sql';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, createTestDatabase, startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/** RFC 6238 (HMAC-SHA-1, 30 s, 6 digits) from the base32 manual key, independent of the server's code. */
function totpAt(manualKey: string, epochMs: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const key: number[] = [];
  for (const char of manualKey.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      key.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochMs / 30_000)));
  const mac = createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const secretOf = () => randomBytes(32).toString('base64');

/**
 * SECRET_KEY rotation over one database: made under A, served under SECRET_KEYS=B,A,
 * moved to B by `tenant-idp secrets rotate`, served under B alone; a keyring that
 * lacks the key stored values name refuses to start, in one line.
 */
describe('SECRET_KEYS keyring', () => {
  const clock = new TestClock();
  const [A, B, C] = [secretOf(), secretOf(), secretOf()];
  const keyId = (secret: string) => new ServerSecret(Buffer.from(secret, 'base64')).currentKeyId;
  let databaseUrl: string;
  let server: TestServer | null = null;
  let client: TestClient;
  let app: CodeFlowClient;
  let user: { username: string; password: string; manualKey: string };
  let kid: string;

  const start = async (env: Record<string, string>) => {
    await server?.close();
    server = await startTestServer({ databaseUrl, clock, env: { SECRET_KEY: '', ...env } });
    return server;
  };

  /** Password and TOTP through the sign-in pages, ending at the client's redirect with a code. */
  async function signInWithTotp(t: TestServer): Promise<void> {
    clock.advance(30); // a fresh TOTP step: the server accepts each step once
    const browser = new FetchBrowser(t.url);
    const query = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 'st',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGEaG9Nsm0',
      code_challenge_method: 'S256',
    });
    const form = await browser.get(`/authorize?${query}`);
    const factor = await browser.post('/authorize/login', { ...hiddenFields(form.body), username: user.username, password: user.password });
    expect(factor.body).toContain('Enter your verification code');
    const done = await browser.post('/authorize/second-factor', {
      ...hiddenFields(factor.body),
      code: totpAt(user.manualKey, clock.now().getTime()),
    });
    expect(done.status).toBe(303);
    expect(done.location).toContain('code=');
  }

  /** Client secret authentication and signing with the tenant's key. */
  async function serviceTokenSignedBy(t: TestServer): Promise<string> {
    return decodeProtectedHeader(await serviceToken(t.url, client)).kid!;
  }

  const digestKeyIds = async () =>
    (
      await sqlRows<{ id: string }>(
        databaseUrl,
        "select split_part(secret_digest, '.', 1) as id from clients where secret_digest is not null",
      )
    ).map((row) => row.id);

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const t = await start({ SECRET_KEY: A });
    const { domain } = t.server.app;
    await createTestTenant(domain, '/kr');
    client = await createTestClient(domain, '/kr');
    app = await createCodeFlowClient(domain, { tenantPath: '/kr', firstParty: true });
    const created = await createTestUser(domain, '/kr');
    const tenant = (await domain.tenants.findByPath('/kr'))!;
    const { manualKey } = await domain.secondFactors.startTotp(tenant, created.user);
    await domain.secondFactors.confirmTotp(tenant, created.user, totpAt(manualKey, clock.now().getTime()), undefined);
    user = { ...created, manualKey };
    // An upstream identity provider's client secret and a webhook's signing secret, both sealed under A
    // (in a tenant of their own: a provider adds a button to its tenant's sign-in page).
    await createTestTenant(domain, '/kr-sealed');
    const actor = await rootAdminActor(domain);
    await domain.identityProviders.create(actor, {
      tenantPath: '/kr-sealed',
      kind: 'OIDC',
      alias: 'upstream',
      name: 'Upstream',
      issuer: 'http://127.0.0.1:9',
      clientId: 'kr-client',
      clientSecret: 'kr-upstream-secret',
    });
    await domain.webhooks.create(actor, '/kr-sealed', { url: 'http://127.0.0.1:9/hook', eventTypes: ['user.created'] });
    kid = await serviceTokenSignedBy(t);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves what A sealed and keyed under SECRET_KEYS=B,A, and re-keys a client secret digest at its next use', async () => {
    const t = await start({ SECRET_KEYS: `${B},${A}` });
    await signInWithTotp(t);
    expect(await serviceTokenSignedBy(t)).toBe(kid);
    // The test client and the CLI's admin client authenticate: both digests move to B in the background.
    await serviceToken(t.url, { clientId: ADMIN_CLIENT_ID, clientSecret: ADMIN_CLIENT_SECRET });
    await waitUntil(async () => (await digestKeyIds()).filter((id) => id === keyId(B)).length >= 2);
  });

  it('tenant-idp secrets rotate re-seals everything under B and reports what is left on A', async () => {
    const t = server!;
    const run = await runCli(['secrets', 'rotate', '--json'], {
      TENANT_IDP_URL: t.url,
      TENANT_IDP_CLIENT_ID: ADMIN_CLIENT_ID,
      TENANT_IDP_CLIENT_SECRET: ADMIN_CLIENT_SECRET,
    });
    expect(run).toMatchObject({ code: 0 });
    const report = JSON.parse(run.stdout) as {
      currentKeyId: string;
      resealed: { kind: string; count: number }[];
      digestsLeft: { kind: string; keyId: string; count: number }[];
      leftOnOldKeys: number;
    };
    expect(report.currentKeyId).toBe(keyId(B));
    const resealed = Object.fromEntries(report.resealed.map((entry) => [entry.kind, entry.count]));
    expect(resealed.signingKeys).toBeGreaterThanOrEqual(2); // the root's and /kr's
    expect(resealed.totpSecrets).toBe(1);
    expect(resealed.identityProviderSecrets).toBe(1);
    expect(resealed.webhookSecrets).toBe(1);
    // Clients that have not authenticated since B came (the code-flow app) keep digests keyed under A: they cannot be recomputed.
    expect(report.digestsLeft).toEqual([
      { kind: 'clientSecretDigests', keyId: keyId(A), count: (await digestKeyIds()).filter((id) => id === keyId(A)).length },
    ]);
    expect(report.leftOnOldKeys).toBe(report.digestsLeft[0]!.count);
    const again = JSON.parse(
      (
        await runCli(['secrets', 'rotate', '--json'], {
          TENANT_IDP_URL: t.url,
          TENANT_IDP_CLIENT_ID: ADMIN_CLIENT_ID,
          TENANT_IDP_CLIENT_SECRET: ADMIN_CLIENT_SECRET,
        })
      ).stdout,
    ) as typeof report;
    expect(again.resealed.every((entry) => entry.count === 0)).toBe(true);
  });

  it('serves under B alone; only a client secret still keyed under A (never used since) stops verifying', async () => {
    const t = await start({ SECRET_KEY: B });
    await signInWithTotp(t);
    expect(await serviceTokenSignedBy(t)).toBe(kid);
    // The code-flow app never authenticated under B,A: its digest is keyed under A, which is gone; it needs a new secret.
    const refused = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(app.clientId, app.clientSecret!) },
    );
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // The re-sealed upstream client secret opens under B alone.
    const { domain } = t.server.app;
    const provider = (await domain.identityProviders.enabledByAlias((await domain.tenants.findByPath('/kr-sealed'))!, 'upstream'))!;
    expect(domain.identityProviders.upstreamClient(provider, '/kr-sealed').clientSecret).toBe('kr-upstream-secret');
  });

  it('refuses to start with a keyring that lacks the key stored values name, in one line', async () => {
    await server?.close();
    server = null;
    await expect(startTestServer({ databaseUrl, clock, env: { SECRET_KEY: C } })).rejects.toThrow(`SECRET_KEYS lacks the key ${keyId(B)}`);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'idp-keyring-'));
    try {
      const child = spawnServer({ DATABASE_URL: databaseUrl, SECRET_KEY: C, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      const code = await new Promise<number | null>((resolve) => child.child.once('exit', resolve));
      expect(code).toBe(1);
      const lines = child.output().trim().split('\n');
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^fatal: SECRET_KEYS lacks the key ${keyId(B)} \\(\\d+ values\\)`))]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
