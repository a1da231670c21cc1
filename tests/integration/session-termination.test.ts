import { parseProvisioningDocument } from '../../src/domain/provisioning/parse-provisioning-document';
import type { AdminSdk } from '../../src/sdk/client';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { clientSdk, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, queryOf, type PageResponse } from '../support/browser';
import { startServerPair } from '../support/server-pair';
import { startTestServer, type TestServer } from '../support/test-server';

const SESSION_COOKIES = ['idp_session', '__Host-idp_session'];

/** The hosted sign-in as a browser does it: the form, then the password; the browser keeps the session cookie. */
async function signIn(browser: FetchBrowser, client: CodeFlowClient, username: string, password: string): Promise<void> {
  const page = await browser.get(authorizeUrl(client));
  expect(page.body).toContain('name="password"');
  const done = await browser.post('/authorize/login', { ...hiddenFields(page.body), username, password });
  expect(queryOf(done.location).code).toEqual(expect.any(String));
}

function authorizeUrl(client: CodeFlowClient, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope: 'openid profile',
    state: 'st',
    ...extra,
  });
  return `/authorize?${params}`;
}

/** A silent authorization request (`prompt=none`) with whatever cookie the browser holds. */
const silently = (browser: FetchBrowser, client: CodeFlowClient): Promise<PageResponse> =>
  browser.get(authorizeUrl(client, { prompt: 'none' }));

const expectLoginRequired = (res: PageResponse, client: CodeFlowClient) => {
  expect(res.status).toBe(302);
  expect(res.location!.startsWith(client.redirectUri)).toBe(true);
  const query = queryOf(res.location);
  expect(query.code).toBeUndefined();
  expect(query.error).toBe('login_required');
};

const expectCode = (res: PageResponse) => {
  expect(res.status).toBe(302);
  expect(queryOf(res.location).code).toEqual(expect.any(String));
};

/**
 * Security finding: a browser session outlived everything an admin did to its
 * user. Each action below must end it: the old cookie with `prompt=none` gets
 * `login_required`, never a code, and stays dead after the user is enabled again.
 */
describe('browser sessions end with the user’s access', () => {
  let t: TestServer;
  let root: AdminSdk;
  let app: CodeFlowClient;
  const password = 'correct horse battery staple';
  let serial = 0;

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
    app = await createCodeFlowClient(t.server.app.domain, {
      name: 'First Party',
      firstParty: true,
      redirectUris: ['http://127.0.0.1:9/cb'],
    });
    await root.createTenant({ input: { path: '/acme' } });
    await root.createTenant({ input: { path: '/beta' } });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A user of `/` signed in through the hosted page, and the browser holding its session cookie (checked to work). */
  const signedInUser = async (): Promise<{ id: string; username: string; browser: FetchBrowser }> => {
    const username = `nuser-${++serial}`;
    const { createUser } = await root.createUser({ input: { tenantPath: '/', username, password } });
    const browser = new FetchBrowser(t.url);
    await signIn(browser, app, username, password);
    expectCode(await silently(browser, app));
    return { id: createUser.id, username, browser };
  };

  it('revokeUserTokens ends the sessions begun before it', async () => {
    const { id, browser } = await signedInUser();
    await root.revokeUserTokens({ userId: id });
    expectLoginRequired(await silently(browser, app), app);
    expect((await browser.get(authorizeUrl(app))).body).toContain('name="password"');
  });

  it('disabling ends the sessions, and enabling again does not revive them', async () => {
    const { id, browser } = await signedInUser();
    await root.updateUser({ id, input: { enabled: false } });
    expectLoginRequired(await silently(browser, app), app);
    await root.updateUser({ id, input: { enabled: true } });
    expectLoginRequired(await silently(browser, app), app);
  });

  it('the probe’s sequence (revoke, disable, new password, enable) leaves the old cookie dead; a fresh sign-in works', async () => {
    const { id, username, browser } = await signedInUser();
    expect((await root.revokeUserTokens({ userId: id })).revokeUserTokens).toEqual(expect.any(Number));
    await root.updateUser({ id, input: { enabled: false } });
    await root.setUserPassword({ id, password: 'a brand new password' });
    await root.updateUser({ id, input: { enabled: true } });
    expectLoginRequired(await silently(browser, app), app);
    const fresh = new FetchBrowser(t.url);
    await signIn(fresh, app, username, 'a brand new password');
    expectCode(await silently(fresh, app));
  });

  it('setUserPassword ends the sessions; signing in with the new password works', async () => {
    const { id, username, browser } = await signedInUser();
    await root.setUserPassword({ id, password: 'another password 123' });
    expectLoginRequired(await silently(browser, app), app);
    await signIn(browser, app, username, 'another password 123');
    expectCode(await silently(browser, app));
  });

  it('deleting the user ends the sessions', async () => {
    const { id, browser } = await signedInUser();
    await root.deleteUser({ id });
    expectLoginRequired(await silently(browser, app), app);
  });

  it('endUserSessions signs the user out everywhere, counts what it ended, and is audited', async () => {
    const { id, username, browser } = await signedInUser();
    const other = new FetchBrowser(t.url);
    await signIn(other, app, username, password);
    expect((await root.endUserSessions({ userId: id })).endUserSessions).toBe(2);
    expectLoginRequired(await silently(browser, app), app);
    expectLoginRequired(await silently(other, app), app);
    expect((await root.endUserSessions({ userId: id })).endUserSessions).toBe(0);
    const { auditEvents } = await root.auditEvents({ action: 'endUserSessions', first: 10 });
    expect(auditEvents.nodes.find((event) => event.targetId === id)).toMatchObject({
      outcome: 'success',
      targetKind: 'user',
      actorId: 'admin',
    });
  });

  it('endUserSessions: an admin outside the user’s subtree gets exactly the answer for a nonexistent user', async () => {
    const { createUser: beta } = await root.createUser({ input: { tenantPath: '/beta', username: `beta-${++serial}`, password } });
    const { createClient } = await root.createClient({ input: { tenantPath: '/acme', name: 'acme admin', allowedScopes: ['admin'] } });
    const acme = await clientSdk(t.url, createClient.client.clientId, createClient.clientSecret!);
    const outside = await graphqlError(acme.endUserSessions({ userId: beta.id }));
    const missingId = '00000000-0000-4000-8000-000000000000';
    const missing = await graphqlError(acme.endUserSessions({ userId: missingId }));
    expect(outside.extensions).toEqual({ code: 'NOT_FOUND' });
    expect({ ...outside, message: outside.message.replace(beta.id, missingId) }).toEqual(missing);
    // A user in its own subtree is fine.
    const { createUser: own } = await root.createUser({ input: { tenantPath: '/acme', username: `acme-${++serial}`, password } });
    expect((await acme.endUserSessions({ userId: own.id })).endUserSessions).toBe(0);
  });
});

describe('browser sessions end with the user’s access, through a provisioning file too', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const app: CodeFlowClient = {
    clientId: 'prov-app',
    clientSecret: 'prov-app-secret-0123456789abcdef',
    redirectUri: 'http://127.0.0.1:9/cb',
    name: 'Prov app',
  };
  const apply = (user: { password: string; enabled: boolean }) => {
    const doc = {
      tenants: [
        {
          path: '/prov',
          name: 'Prov',
          clients: [
            {
              clientId: app.clientId,
              name: app.name,
              clientSecret: '${SECRET}',
              firstParty: true,
              grantTypes: ['authorization_code'],
              redirectUris: [app.redirectUri],
              allowedScopes: ['openid', 'profile'],
            },
          ],
          users: [{ username: 'pat', password: '${PASSWORD}', enabled: user.enabled }],
        },
      ],
    };
    const domain = t.server.app.domain;
    return domain.provisioning.apply(parseProvisioningDocument(doc, { SECRET: app.clientSecret!, PASSWORD: user.password }, domain.grants));
  };

  it('a new password in the file, and disabling in the file, end the sessions; enabling again revives none', async () => {
    await apply({ password: 'first password 1', enabled: true });
    const browser = new FetchBrowser(t.url);
    await signIn(browser, app, 'pat', 'first password 1');
    expectCode(await silently(browser, app));
    // Re-applying the same file changes nothing and keeps the session.
    await apply({ password: 'first password 1', enabled: true });
    expectCode(await silently(browser, app));

    await apply({ password: 'second password 2', enabled: true });
    expectLoginRequired(await silently(browser, app), app);

    await signIn(browser, app, 'pat', 'second password 2');
    expectCode(await silently(browser, app));
    await apply({ password: 'second password 2', enabled: false });
    expectLoginRequired(await silently(browser, app), app);
    await apply({ password: 'second password 2', enabled: true });
    expectLoginRequired(await silently(browser, app), app);
  });
});

describe('browser sessions end on every process', () => {
  it('a revocation cutoff written on one server kills the session at the other', async () => {
    const { first, second } = await startServerPair();
    try {
      const app = await createCodeFlowClient(first.server.app.domain, {
        name: 'First Party',
        firstParty: true,
        redirectUris: ['http://127.0.0.1:9/cb'],
      });
      const password = 'correct horse battery staple';
      const { createUser } = await (await rootAdminSdk(first.url)).createUser({ input: { tenantPath: '/', username: 'nuser', password } });
      const atFirst = new FetchBrowser(first.url);
      await signIn(atFirst, app, 'nuser', password);
      const atSecond = new FetchBrowser(second.url);
      for (const name of SESSION_COOKIES) {
        const value = atFirst.jar.get(name);
        if (value) atSecond.jar.set(name, value);
      }
      expectCode(await silently(atSecond, app));

      await (await rootAdminSdk(second.url)).revokeUserTokens({ userId: createUser.id });
      expectLoginRequired(await silently(atFirst, app), app);
      expectLoginRequired(await silently(atSecond, app), app);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
