import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createTestClient, passwordTokens, testClock, type TestClient } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { ensureTenant } from '../fixtures/grant-setup';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { launchChromium } from '../support/launch-chromium';
import { postForm, clientCredentialsToken } from '../support/oauth';
import { rootAdminSdk } from '../support/admin-sdk';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/** A real SMTP server in the test process: every mail it accepts is parsed and emitted as `mail`. */
class Receiver extends EventEmitter {
  private server: SMTPServer | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            callback();
            this.emit('mail', mail);
          },
          (error: Error) => callback(error),
        );
      },
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server.server, 'listening');
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next mail accepted (call before the action that sends it). */
  next(): Promise<ParsedMail> {
    return once(this, 'mail').then(([mail]) => mail as ParsedMail);
  }
}

const linkIn = (mail: ParsedMail): string => {
  const match = /https?:\/\/\S+\/password\/reset\?token=\S+/.exec(mail.text ?? '');
  if (!match) throw new Error(`no reset link in ${mail.text}`);
  return match[0];
};

const tokenOf = (link: string): string => new URL(link).searchParams.get('token')!;

describe('email flows (SMTP_URL): password reset by mail', () => {
  const receiver = new Receiver();
  const clock = testClock();
  let t: TestServer;
  let client: TestClient;
  let adminToken: string;

  beforeAll(async () => {
    await receiver.start();
    t = await startTestServer({ clock, env: { SMTP_URL: `smtp://127.0.0.1:${receiver.port}`, SMTP_FROM: 'IdP <idp@example.test>' } });
    client = await createTestClient(t.server.app.domain, '/', 'user');
    adminToken = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop().catch(() => undefined);
  });

  const mailOutbox = async (): Promise<{ recipient: string; status: string; attempts: number; lastError: string | null }[]> => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: '{ mailOutbox(tenantPath: "/") { recipient status attempts lastError } }' }),
    });
    const body = (await res.json()) as {
      data: { mailOutbox: { recipient: string; status: string; attempts: number; lastError: string | null }[] };
    };
    if (!body.data) throw new Error(JSON.stringify(body));
    return body.data.mailOutbox;
  };

  it('mails a single-use link that sets the password and ends every session and refresh token of the user', async () => {
    const { user, username, password } = await createTestUser(t.server.app.domain);
    const tokens = await passwordTokens(t.url, client, username, password, 'openid offline_access');
    const browser = new FetchBrowser(t.url);
    const form = await browser.get('/password/forgot');
    expect(form.status).toBe(200);
    const arriving = receiver.next();
    const answer = await browser.post('/password/forgot', { identifier: user.email! });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Check your mail');
    const mail = await arriving;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(user.email);
    expect(mail.from?.text).toContain('idp@example.test');
    const link = linkIn(mail);
    expect(link.startsWith(`${t.issuer}/password/reset?token=`)).toBe(true);

    const resetForm = await browser.get(link);
    expect(resetForm.status).toBe(200);
    expect(hiddenFields(resetForm.body).token).toBe(tokenOf(link));
    const newPassword = 'a brand new passphrase 42';
    const mismatch = await browser.post('/password/reset', { token: tokenOf(link), password: newPassword, confirm: 'other' });
    expect(mismatch.status).toBe(400);
    const done = await browser.post('/password/reset', { token: tokenOf(link), password: newPassword, confirm: newPassword });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Password changed');

    // Every refresh family of the user ended; the old password is gone, the new one works.
    const refreshed = await postForm(`${t.url}/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    await expect(passwordTokens(t.url, client, username, password, 'openid')).rejects.toThrow(/400/);
    await passwordTokens(t.url, client, username, newPassword, 'openid');

    // Used once: the link is refused and changes nothing.
    const again = await browser.post('/password/reset', {
      token: tokenOf(link),
      password: 'yet another passphrase',
      confirm: 'yet another passphrase',
    });
    expect(again.status).toBe(400);
    expect(again.body).toContain('already used');
    expect((await browser.get(link)).status).toBe(400);
    await passwordTokens(t.url, client, username, newPassword, 'openid');
  });

  it('answers an unknown email exactly as a known one, and mails nothing for it', async () => {
    const { user } = await createTestUser(t.server.app.domain);
    const browser = new FetchBrowser(t.url);
    const unknown = await browser.post('/password/forgot', { identifier: 'nobody-at-all@example.test' });
    const arriving = receiver.next();
    const known = await browser.post('/password/forgot', { identifier: user.username });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toBe(known.body);
    // The first mail after both requests is the known user's: the unknown one left nothing in the outbox.
    const mail = await arriving;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(user.email);
    expect((await mailOutbox()).some((m) => m.recipient === 'nobody-at-all@example.test')).toBe(false);
  });

  it('throttles requests per email or username, known or not', async () => {
    const browser = new FetchBrowser(t.url);
    for (let i = 0; i < 3; i++) expect((await browser.post('/password/forgot', { identifier: 'throttled@example.test' })).status).toBe(200);
    const refused = await browser.post('/password/forgot', { identifier: 'throttled@example.test' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('keeps the mail while the mail server is down, shows it pending, and delivers it once the server is back', async () => {
    const { user } = await createTestUser(t.server.app.domain);
    const port = receiver.port;
    await receiver.stop();
    const answer = await new FetchBrowser(t.url).post('/password/forgot', { identifier: user.email! });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Check your mail');
    await waitUntil(async () => (await mailOutbox()).some((m) => m.recipient === user.email && m.attempts >= 1 && m.lastError !== null));
    expect((await mailOutbox()).find((m) => m.recipient === user.email)?.status).toBe('PENDING');
    const arriving = receiver.next();
    await receiver.start(port);
    const mail = await arriving;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(user.email);
    await waitUntil(async () => !(await mailOutbox()).some((m) => m.recipient === user.email));
  });

  it('refuses an expired link and changes nothing', async () => {
    const { user, username, password } = await createTestUser(t.server.app.domain);
    const arriving = receiver.next();
    await new FetchBrowser(t.url).post('/password/forgot', { identifier: username });
    const link = linkIn(await arriving);
    clock.advance(31 * 60);
    try {
      const browser = new FetchBrowser(t.url);
      expect((await browser.get(link)).status).toBe(400);
      const refused = await browser.post('/password/reset', {
        token: tokenOf(link),
        password: 'late passphrase 123',
        confirm: 'late passphrase 123',
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('has expired');
    } finally {
      clock.reset();
    }
    await passwordTokens(t.url, client, username, password, 'openid');
    expect(user.email).toBeTruthy();
  });

  it('links "Forgot password?" from the sign-in page', async () => {
    const app = await createTestClient(t.server.app.domain, '/', 'public');
    const params = new URLSearchParams({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:9/callback',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const page = await new FetchBrowser(t.url).get(`/authorize?${params}`);
    expect(page.body).toContain('href="/password/forgot"');
  });
  it('makes email_verified true only through the link mailed when the email changes', async () => {
    const { user, username, password } = await createTestUser(t.server.app.domain);
    const userinfo = async (): Promise<Record<string, unknown>> => {
      const { access_token } = await passwordTokens(t.url, client, username, password, 'openid email');
      const res = await fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
      return (await res.json()) as Record<string, unknown>;
    };
    expect(await userinfo()).toMatchObject({ email: user.email, email_verified: false });

    // GraphQL updateUser with a new address: unverified, and a link goes to the new address.
    const root = await rootAdminSdk(t.url);
    const newEmail = `changed-${username}@example.test`;
    const arriving = receiver.next();
    await root.updateUser({ id: user.id, input: { email: newEmail } });
    const mail = await arriving;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(newEmail);
    const link = /https?:\/\/\S+\/email\/verify\?token=\S+/.exec(mail.text ?? '')![0];
    expect(await userinfo()).toMatchObject({ email: newEmail, email_verified: false });

    // Opening the link shows a button; nothing is verified until it is pressed.
    const browser = new FetchBrowser(t.url);
    const confirm = await browser.get(link);
    expect(confirm.status).toBe(200);
    expect(await userinfo()).toMatchObject({ email_verified: false });
    const done = await browser.post('/email/verify', { token: tokenOf(link) });
    expect(done.status).toBe(200);
    expect(await userinfo()).toMatchObject({ email: newEmail, email_verified: true });
    // Once only.
    expect((await browser.post('/email/verify', { token: tokenOf(link) })).status).toBe(400);

    // Changing the email again makes it unverified again.
    const next = receiver.next();
    await root.updateUser({ id: user.id, input: { email: `again-${username}@example.test` } });
    await next;
    expect(await userinfo()).toMatchObject({ email_verified: false });
  });

  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions: { code: string } }[] };
  };
  const INVITE = 'mutation($input: InviteUserInput!) { inviteUser(input: $input) { id username email emailVerified } }';
  const ALL_MAIL = '{ mailOutbox(tenantPath: "/", statuses: [PENDING, SENT, FAILED]) { id } }';

  it('invites a user who chooses their own password once; an existing username is refused with nothing written', async () => {
    const email = `invited-${Date.now()}@example.test`;
    const arriving = receiver.next();
    const invited = await graphql(INVITE, { input: { tenantPath: '/', email, username: `inv-${Date.now()}` } });
    expect(invited.errors).toBeUndefined();
    const user = invited.data!.inviteUser as { id: string; username: string; emailVerified: boolean };
    expect(user.emailVerified).toBe(false);
    const mail = await arriving;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(email);
    const link = /https?:\/\/\S+\/invitation\/accept\?token=\S+/.exec(mail.text ?? '')![0];

    const browser = new FetchBrowser(t.url);
    expect((await browser.get(link)).status).toBe(200);
    const chosen = 'the invited chose this one';
    expect((await browser.post('/invitation/accept', { token: tokenOf(link), password: chosen, confirm: chosen })).status).toBe(200);
    const { access_token } = await passwordTokens(t.url, client, user.username, chosen, 'openid email');
    const info = (await (await fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } })).json()) as Record<
      string,
      unknown
    >;
    expect(info).toMatchObject({ email, email_verified: true });
    const twice = await browser.post('/invitation/accept', {
      token: tokenOf(link),
      password: 'another one entirely',
      confirm: 'another one entirely',
    });
    expect(twice.status).toBe(400);
    expect(twice.body).toContain('already used');
    await passwordTokens(t.url, client, user.username, chosen, 'openid');

    const before = ((await graphql(ALL_MAIL)).data!.mailOutbox as unknown[]).length;
    const taken = await graphql(INVITE, { input: { tenantPath: '/', email: `other-${email}`, username: user.username.toUpperCase() } });
    expect(taken.errors?.[0]?.extensions.code).toBe('CONFLICT');
    expect(((await graphql(ALL_MAIL)).data!.mailOutbox as unknown[]).length).toBe(before);
    await passwordTokens(t.url, client, user.username, chosen, 'openid');
  });

  it('lets an admin override a tenant’s template, refuses one without {{link}}, and resets it', async () => {
    const SET = `mutation($subject: String!, $body: [String!]!) {
      setMailTemplate(tenantPath: "/", kind: PASSWORD_RESET, subject: $subject, bodyLines: $body) { kind subject body overridden } }`;
    const bad = await graphql(SET, { subject: 'No link', body: ['nothing to click'] });
    expect(bad.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const set = await graphql(SET, {
      subject: '{{tenantName}}: new password for {{username}}',
      body: ['Hi {{username}} <b>!</b>', 'Go to {{ link }}', ''],
    });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setMailTemplate).toMatchObject({ kind: 'PASSWORD_RESET', overridden: true });
    const { username } = await createTestUser(t.server.app.domain);
    const arriving = receiver.next();
    await new FetchBrowser(t.url).post('/password/forgot', { identifier: username });
    const mail = await arriving;
    expect(mail.subject).toBe(`root: new password for ${username}`);
    expect(mail.text).toContain(`Hi ${username} <b>!</b>`);
    expect(linkIn(mail).startsWith(`${t.issuer}/password/reset?token=`)).toBe(true);
    const reset = await graphql('mutation { resetMailTemplate(tenantPath: "/", kind: PASSWORD_RESET) { subject overridden } }');
    expect(reset.data!.resetMailTemplate).toEqual({ subject: 'Reset your password for {{tenantName}}', overridden: false });
  });

  it('mails a verification link at self sign-up, under the tenant’s issuer', async () => {
    const root = await rootAdminSdk(t.url);
    await root.createTenant({ input: { path: '/open', allowSelfSignup: true } });
    const email = `signup-${Date.now()}@example.test`;
    const arriving = receiver.next();
    const res = await postForm(`${t.url}/register_user`, {
      username: `signup${Date.now()}`,
      password: 'sign-up passphrase 1',
      email,
      tenant_path: '/open',
    });
    expect(res.status).toBe(200);
    const mail = await arriving;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(email);
    const link = /https?:\/\/\S+\/email\/verify\?token=\S+/.exec(mail.text ?? '')![0];
    expect(link.startsWith(`${t.issuer}/t/open/email/verify?token=`)).toBe(true);
    const browser = new FetchBrowser(t.url);
    expect((await browser.get(link)).status).toBe(200);
    // The link belongs to its tenant's issuer: the root issuer's page refuses it.
    expect((await browser.post('/email/verify', { token: tokenOf(link) })).status).toBe(400);
    expect((await browser.post('/t/open/email/verify', { token: tokenOf(link) })).status).toBe(200);
  });

  it('walks the reset in Chromium under a tenant issuer: sign-in page, forgot form, mailed link, new password', async () => {
    const domain = t.server.app.domain;
    await ensureTenant(domain, '/acme');
    const { user, username } = await createTestUser(domain, '/acme');
    const app = await createTestClient(domain, '/acme', 'public');
    const issuer = `${t.issuer}/t/acme`;
    const params = new URLSearchParams({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:9/callback',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const chromium = await launchChromium();
    try {
      const page = await chromium.newPage();
      await page.goto(`${issuer}/authorize?${params}`);
      await Promise.all([page.waitForURL(`${issuer}/password/forgot`), page.getByRole('link', { name: 'Forgot password?' }).click()]);
      await page.fill('input[name="identifier"]', user.email!);
      const arriving = receiver.next();
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
      const link = linkIn(await arriving);
      expect(link.startsWith(`${issuer}/password/reset?token=`)).toBe(true);
      await page.goto(link);
      const newPassword = 'chromium chose this passphrase';
      await page.fill('input[name="password"]', newPassword);
      await page.fill('input[name="confirm"]', newPassword);
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByRole('heading', { name: 'Password changed' }).waitFor();
      const acmeClient = await createTestClient(domain, '/acme', 'user');
      await passwordTokens(t.url, acmeClient, username, newPassword, 'openid');
    } finally {
      await chromium.close();
    }
  });
});

describe('email flows without SMTP_URL', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('offers no reset page, no link, and GraphQL names SMTP_URL', async () => {
    const browser = new FetchBrowser(t.url);
    expect((await browser.get('/password/forgot')).status).toBe(404);
    expect((await browser.post('/password/forgot', { identifier: 'someone' })).status).toBe(404);
    const app = await createTestClient(t.server.app.domain, '/', 'public');
    const params = new URLSearchParams({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:9/callback',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const page = await browser.get(`/authorize?${params}`);
    expect(page.body).toContain('name="password"');
    expect(page.body).not.toContain('/password/forgot');
    const token = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ mailOutbox { recipient } }' }),
    });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0]!.message).toContain('SMTP_URL');
    const invite = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'mutation { inviteUser(input: { tenantPath: "/", email: "x@example.test", username: "never-made" }) { id } }',
      }),
    });
    const refused = (await invite.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(refused.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(refused.errors[0]!.message).toContain('SMTP_URL');
    expect(await t.server.app.domain.users.existsIn('/', 'never-made')).toBe(false);
  });
});
