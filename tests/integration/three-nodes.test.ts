import { createPrivateKey, randomBytes, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWTPayload } from 'jose';
import { Client } from 'pg';
import { freePort } from '../../src/db/embedded-postgres';
import { ServerSecret } from '../../src/domain/crypto/server-secret';
import type { AdminSdk } from '../../src/sdk/client';
import { pkcePair } from '../fixtures/pkce';
import { rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, queryOf } from '../support/browser';
import { basic, postForm } from '../support/oauth';
import { spawnServer, type ServerProcess } from '../support/process';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.cjs';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, createTestDatabase } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

const API = 'https://stock.example.test';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
/** The promise of issue 24: a change made on one node is in force on every node within this. */
const PROPAGATION_MS = 1000;

interface Credentials {
  clientId: string;
  secret: string;
}

/**
 * Several nodes: three `node dist/main.js` processes (not cluster workers) on one PostgreSQL, with one
 * SECRET_KEY and one ISSUER (the round-robin proxy's URL), as a deployment behind a load balancer without
 * sticky sessions. A change answered by one node (revocation, a disabled user, a role, a key rotation) is
 * in force at every node, each addressed directly, within {@link PROPAGATION_MS}; a sign-in answered by one
 * node continues at another (all state is in the database and in sealed forms).
 */
describe('three nodes on one database behind a round-robin proxy', () => {
  const secretKey = randomBytes(32).toString('base64');
  let proxy: RoundRobinProxy;
  let databaseUrl: string;
  const processes: ServerProcess[] = [];
  const dataDirs: string[] = [];
  let nodes: string[];
  let sdk: AdminSdk;
  let service: Credentials;
  let resourceServer: Credentials;
  let passwordApp: Credentials;
  let codeApp: Credentials;

  beforeAll(async () => {
    proxy = await startRoundRobinProxy();
    databaseUrl = await createTestDatabase();
    nodes = await Promise.all(
      [0, 1, 2].map(async () => {
        const port = await freePort();
        const dataDir = mkdtempSync(path.join(os.tmpdir(), 'idp-node-'));
        dataDirs.push(dataDir);
        const server = spawnServer({
          PORT: String(port),
          HOST: '127.0.0.1',
          ISSUER: proxy.url,
          DATABASE_URL: databaseUrl,
          DATA_DIR: dataDir,
          SECRET_KEY: secretKey,
          ADMIN_CLIENT_ID,
          ADMIN_CLIENT_SECRET,
          LOG_LEVEL: 'info',
        });
        processes.push(server);
        await server.waitFor(/"msg":"server ready"/, 60_000);
        return `http://127.0.0.1:${port}`;
      }),
    );
    proxy.setBackends(nodes);

    sdk = await rootAdminSdk(proxy.url);
    const client = async (input: Omit<Parameters<AdminSdk['createClient']>[0]['input'], 'tenantPath'>): Promise<Credentials> => {
      const { createClient } = await sdk.createClient({ input: { tenantPath: '/', ...input } });
      return { clientId: createClient.client.clientId, secret: createClient.clientSecret! };
    };
    await sdk.createApi({ input: { tenantPath: '/', identifier: API, name: 'Stock', permissions: [{ name: 'stock:read' }] } });
    service = await client({ name: 'service', grantTypes: ['client_credentials'], allowedScopes: [] });
    resourceServer = await client({ name: 'resource server', grantTypes: ['client_credentials'], allowedScopes: [] });
    passwordApp = await client({
      name: 'first-party app',
      firstParty: true,
      grantTypes: ['password'],
      allowedScopes: ['openid', 'stock:read'],
    });
    codeApp = await client({
      name: 'third-party app',
      grantTypes: ['authorization_code'],
      redirectUris: [REDIRECT_URI],
      allowedScopes: ['openid', 'profile'],
    });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((server) => server.stop()));
    await proxy?.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  const newUser = async (): Promise<{ id: string; username: string; password: string }> => {
    const username = `user-${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const { createUser } = await sdk.createUser({ input: { tenantPath: '/', username, password } });
    return { id: createUser.id, username, password };
  };
  const serviceToken = async (node: string): Promise<string> => {
    const res = await postForm(
      `${node}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(service.clientId, service.secret) },
    );
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const passwordGrant = (node: string, user: { username: string; password: string }, extra: Record<string, string> = {}) =>
    postForm(
      `${node}/token`,
      { grant_type: 'password', username: user.username, password: user.password, scope: 'openid', ...extra },
      { authorization: basic(passwordApp.clientId, passwordApp.secret) },
    );
  const active = async (node: string, token: string): Promise<boolean> => {
    const res = await postForm<{ active: boolean }>(
      `${node}/introspect`,
      { token },
      { authorization: basic(resourceServer.clientId, resourceServer.secret) },
    );
    expect(res.status).toBe(200);
    return res.body.active;
  };
  /** Waits until `holds` at every node; the slowest node's delay from now, asserted ≤ {@link PROPAGATION_MS}. */
  const everyNodeWithin = async (what: string, holds: (node: string) => Promise<boolean>): Promise<number> => {
    const start = Date.now();
    const delays = await Promise.all(
      nodes.map(async (node) => {
        await waitUntil(() => holds(node), PROPAGATION_MS * 5, 10);
        return Date.now() - start;
      }),
    );
    const slowest = Math.max(...delays);
    console.log(`${what}: in force at every node after ${delays.join(' / ')} ms (slowest ${slowest} ms)`);
    expect(slowest).toBeLessThanOrEqual(PROPAGATION_MS);
    return slowest;
  };

  it('a token issued by one node and revoked at another is inactive at every node', async () => {
    const token = await serviceToken(nodes[0]!);
    for (const node of nodes) expect(await active(node, token)).toBe(true); // every node has verified (and cached) it
    const revoked = await postForm(
      `${nodes[1]}/revoke`,
      { token, token_type_hint: 'access_token' },
      { authorization: basic(service.clientId, service.secret) },
    );
    expect(revoked.status).toBe(200);
    await everyNodeWithin('revocation', async (node) => !(await active(node, token)));
  });

  it('a user disabled at one node: every node refuses its tokens and its sign-in', async () => {
    const carol = await newUser();
    const tokens = await Promise.all(nodes.map(async (node) => (await passwordGrant(node, carol)).body.access_token as string));
    for (const node of nodes) for (const token of tokens) expect(await active(node, token)).toBe(true);

    const admin = await rootAdminSdk(nodes[2]!);
    await admin.updateUser({ id: carol.id, input: { enabled: false } });
    await everyNodeWithin('user disabled', async (node) => {
      for (const token of tokens) if (await active(node, token)) return false;
      return (await passwordGrant(node, carol)).status !== 200;
    });
    for (const node of nodes) expect((await passwordGrant(node, carol)).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('a role assigned at one node is in the next token of every other node', async () => {
    const dave = await newUser();
    const scopeOf = async (node: string): Promise<string> => {
      const res = await passwordGrant(node, dave, { scope: 'openid stock:read', resource: API });
      expect(res.status).toBe(200);
      return decodeJwt(res.body.access_token as string).scope as string;
    };
    for (const node of nodes) expect((await scopeOf(node)).split(' ')).not.toContain('stock:read'); // every node knows dave's roles
    const admin = await rootAdminSdk(nodes[0]!);
    const { createRole } = await admin.createRole({
      input: { tenantPath: '/', name: `clerk-${randomBytes(3).toString('hex')}`, permissions: [{ api: API, permission: 'stock:read' }] },
    });
    await admin.assignRole({ roleId: createRole.id, userId: dave.id });
    await everyNodeWithin('role assigned', async (node) => (await scopeOf(node)).split(' ').includes('stock:read'));
  });

  it('a signing key rotated at one node is in every node’s JWKS, and a token it signs verifies at every node', async () => {
    const before = await serviceToken(nodes[2]!);
    const jwksKids = async (node: string): Promise<string[]> =>
      ((await (await fetch(`${node}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    for (const node of nodes) expect(await jwksKids(node)).toContain(decodeProtectedHeader(before).kid); // cached everywhere

    const { rotateSigningKey: next } = await (await rootAdminSdk(nodes[1]!)).rotateSigningKey({ tenantPath: '/' });
    await everyNodeWithin('key rotated (JWKS)', async (node) => (await jwksKids(node)).includes(next.kid));

    // The new key signs only after its publication window (minutes); a token it signs is made here, with the
    // private key the nodes share (sealed under the one SECRET_KEY), claims and header as a node would write them.
    const signedByNew = await signWithStoredKey(next.kid, before);
    await everyNodeWithin('key rotated (introspection)', (node) => active(node, signedByNew));
    for (const node of nodes) expect(await active(node, before)).toBe(true);
  });

  it('a sign-in answered by one node is consented at another and redeemed at a third', async () => {
    const erin = await newUser();
    const browser = new FetchBrowser(nodes[0]!);
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(8).toString('hex');
    const signIn = await browser.get(
      `${nodes[0]}/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: codeApp.clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'openid profile',
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
    );
    expect(signIn.status).toBe(200);
    const consent = await browser.post(`${nodes[1]}/authorize/login`, {
      ...hiddenFields(signIn.body),
      username: erin.username,
      password: erin.password,
    });
    expect(consent.status).toBe(200);
    const callback = await browser.post(`${nodes[2]}/authorize/consent`, { ...hiddenFields(consent.body), decision: 'allow' });
    expect(callback.location?.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    const answer = queryOf(callback.location);
    expect(answer).toMatchObject({ state, iss: proxy.url, code: expect.any(String) });

    const tokens = await postForm(
      `${nodes[0]}/token`,
      { grant_type: 'authorization_code', code: answer.code!, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      { authorization: basic(codeApp.clientId, codeApp.secret) },
    );
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.id_token as string)).toMatchObject({ sub: erin.id, iss: proxy.url, aud: codeApp.clientId });
  });

  /** `template` re-signed with the stored private key `kid` (opened with the nodes' SECRET_KEY). */
  async function signWithStoredKey(kid: string, template: string): Promise<string> {
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    let sealed: string;
    try {
      const { rows } = await pg.query<{ sealed_private_jwk: string }>('select sealed_private_jwk from signing_keys where kid = $1', [kid]);
      sealed = rows[0]!.sealed_private_jwk;
    } finally {
      await pg.end();
    }
    const jwk = JSON.parse(new ServerSecret(Buffer.from(secretKey, 'base64')).decrypt(sealed, 'signing-key')) as JsonWebKey;
    const header = decodeProtectedHeader(template);
    return new SignJWT(decodeJwt(template) as JWTPayload)
      .setProtectedHeader({ ...header, alg: header.alg!, kid })
      .sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  }
});
