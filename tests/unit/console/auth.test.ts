import { ConsoleAuth, type AuthEnvironment } from '../../../console/src/auth';

/** A token endpoint double recording the forms it was sent; the console's own logic is what is under test. */
function environment(answers: Array<{ status: number; body: Record<string, unknown> }>, issuer?: string) {
  const forms: Array<Record<string, string>> = [];
  const urls: string[] = [];
  const requests: RequestInit[] = [];
  const store = new Map<string, string>();
  const timers: Array<{ run: () => void; ms: number }> = [];
  let clock = 1_000_000;
  const env: AuthEnvironment = {
    origin: 'http://127.0.0.1:4000',
    issuer,
    fetch: (async (url: string, init: RequestInit) => {
      urls.push(url);
      requests.push(init);
      forms.push(Object.fromEntries(new URLSearchParams(String(init.body))));
      const answer = answers.shift() ?? { status: 500, body: {} };
      return { ok: answer.status === 200, status: answer.status, json: async () => answer.body } as Response;
    }) as typeof fetch,
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    now: () => clock,
    setTimer: (run, ms) => timers.push({ run, ms }),
    clearTimer: () => undefined,
  };
  return { env, forms, urls, requests, timers, advance: (ms: number) => (clock += ms) };
}

describe('console sign-in and refresh', () => {
  it('exchanges the code with the verifier it sent the challenge for, and schedules a refresh', async () => {
    const t = environment([{ status: 200, body: { access_token: 'a1', refresh_token: 'r1', expires_in: 600, scope: 'admin' } }]);
    const auth = new ConsoleAuth(t.env, 'console');
    const url = new URL(await auth.beginSignIn());
    const state = url.searchParams.get('state')!;
    expect(await auth.completeSignIn(new URLSearchParams({ code: 'c1', state }))).toBe('/console/');
    const form = t.forms[0]!;
    expect(form).toMatchObject({
      grant_type: 'authorization_code',
      code: 'c1',
      client_id: 'console',
      redirect_uri: 'http://127.0.0.1:4000/console/callback',
    });
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(form.code_verifier!).digest('base64url')).toBe(url.searchParams.get('code_challenge'));
    expect(t.requests[0]!.credentials).toBe('omit');
    expect(await auth.accessToken()).toBe('a1');
    expect(t.timers.map((timer) => timer.ms)).toEqual([480_000]);
  });

  it('refuses a callback whose state does not match, and one without the admin scope', async () => {
    const t = environment([{ status: 200, body: { access_token: 'a1', expires_in: 600, scope: '' } }]);
    const auth = new ConsoleAuth(t.env, 'console');
    await auth.beginSignIn();
    await expect(auth.completeSignIn(new URLSearchParams({ code: 'c1', state: 'forged' }))).rejects.toMatchObject({
      code: 'invalid_state',
    });
    expect(t.forms).toHaveLength(0);
    const url = new URL(await auth.beginSignIn());
    await expect(auth.completeSignIn(new URLSearchParams({ code: 'c1', state: url.searchParams.get('state')! }))).rejects.toMatchObject({
      code: 'access_denied',
    });
    expect(auth.signedIn).toBe(false);
  });

  it('refreshes an expiring token before use, once for concurrent callers, and signs out when refused', async () => {
    const t = environment([
      { status: 200, body: { access_token: 'a1', refresh_token: 'r1', expires_in: 60, scope: 'admin' } },
      { status: 200, body: { access_token: 'a2', refresh_token: 'r2', expires_in: 60 } },
      { status: 400, body: { error: 'invalid_grant' } },
    ]);
    const auth = new ConsoleAuth(t.env, 'console');
    let signedOut = 0;
    auth.onSignedOut = () => signedOut++;
    const url = new URL(await auth.beginSignIn());
    await auth.completeSignIn(new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! }));
    t.advance(57_000);
    expect(await Promise.all([auth.accessToken(), auth.accessToken()])).toEqual(['a2', 'a2']);
    expect(t.forms.slice(1)).toEqual([{ grant_type: 'refresh_token', refresh_token: 'r1', client_id: 'console' }]);
    t.advance(60_000);
    expect(await auth.accessToken()).toBeNull();
    expect(t.forms[2]).toMatchObject({ refresh_token: 'r2' });
    expect(signedOut).toBe(1);
  });

  it("signs in at a tenant's issuer when its page names one: {I}/authorize, {I}/token, {I}/console/callback", async () => {
    const issuer = 'http://127.0.0.1:4000/t/acme';
    const t = environment(
      [
        { status: 200, body: { access_token: 'a1', refresh_token: 'r1', expires_in: 60, scope: 'admin' } },
        { status: 200, body: { access_token: 'a2', expires_in: 60 } },
      ],
      issuer,
    );
    const auth = new ConsoleAuth(t.env, 'console.tenant-id');
    expect(auth.consolePath).toBe('/t/acme/console');
    const url = new URL(await auth.beginSignIn());
    expect(url.origin + url.pathname).toBe(`${issuer}/authorize`);
    expect(url.searchParams.get('redirect_uri')).toBe(`${issuer}/console/callback`);
    expect(url.searchParams.get('client_id')).toBe('console.tenant-id');
    expect(await auth.completeSignIn(new URLSearchParams({ code: 'c1', state: url.searchParams.get('state')! }))).toBe('/t/acme/console/');
    expect(t.forms[0]).toMatchObject({ client_id: 'console.tenant-id', redirect_uri: `${issuer}/console/callback` });
    t.advance(57_000);
    expect(await auth.accessToken()).toBe('a2');
    expect(t.urls).toEqual([`${issuer}/token`, `${issuer}/token`]);
  });

  describe('a callback carrying an error', () => {
    const attackerText = 'Your account is locked. Call +1-555-0100 to unlock it';

    it('shows one fixed text, and neither the code nor the description, without a pending sign-in or with another state', async () => {
      const auth = new ConsoleAuth(environment([]).env, 'console');
      const notOurs = { code: 'invalid_state', message: 'The sign-in response does not match a sign-in started here; sign in again.' };
      await expect(
        auth.completeSignIn(new URLSearchParams({ error: 'account_locked', error_description: attackerText })),
      ).rejects.toMatchObject(notOurs);
      await auth.beginSignIn();
      await expect(
        auth.completeSignIn(new URLSearchParams({ error: 'access_denied', error_description: attackerText, state: 'guessed' })),
      ).rejects.toMatchObject(notOurs);
    });

    it('tells a known code of its own sign-in in the console’s words, never the error_description', async () => {
      const auth = new ConsoleAuth(environment([]).env, 'console');
      const state = () => auth.beginSignIn().then((url) => new URL(url).searchParams.get('state')!);
      await expect(
        auth.completeSignIn(new URLSearchParams({ error: 'access_denied', error_description: attackerText, state: await state() })),
      ).rejects.toMatchObject({
        code: 'access_denied',
        message: 'The sign-in was refused or cancelled.',
      });
      for (const unknown of ['account_locked', 'constructor', '__proto__']) {
        await expect(
          auth.completeSignIn(new URLSearchParams({ error: unknown, error_description: attackerText, state: await state() })),
        ).rejects.toMatchObject({
          code: 'sign_in_refused',
          message: 'The sign-in was refused.',
        });
      }
    });
  });
});
