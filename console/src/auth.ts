import { consolePathOf } from './page-config';
import { authorizeUrl, codeChallengeS256, createCodeVerifier, createState } from './pkce';
import { needsRefresh, refreshDelay, tokenSetFrom, type TokenResponseBody, type TokenSet } from './token-schedule';

const CONSOLE_SCOPE = 'admin';
const PENDING_KEY = 'tenant-idp-console:pending';

/** What survives the round trip through /authorize: only the PKCE verifier and state, never a token. */
interface PendingSignIn {
  state: string;
  verifier: string;
  clientId: string;
  returnTo: string;
}

export interface AuthEnvironment {
  origin: string;
  /**
   * The issuer the console signs in at (`{issuer}/authorize`, `{issuer}/token`) and whose `/console` it is
   * served under: a tenant's `{I}` for its console; `origin` when absent (the root console at `/console`).
   */
  issuer?: string;
  fetch: typeof fetch;
  /** sessionStorage in the browser: holds the pending sign-in between redirect and callback. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  now: () => number;
  setTimer: (run: () => void, ms: number) => unknown;
  clearTimer: (timer: unknown) => void;
}

/**
 * What the console says for each error code a sign-in callback may carry (RFC 6749 §4.1.2.1,
 * OpenID Connect Core §3.1.2.6). A callback's `error_description` (and an unknown code) is never
 * shown: anyone can send a browser to the console's callback with text of their choosing.
 */
const CALLBACK_ERRORS: ReadonlyMap<string, string> = new Map([
  ['access_denied', 'The sign-in was refused or cancelled.'],
  ['login_required', 'You need to sign in.'],
  ['consent_required', 'The sign-in needs your consent.'],
  ['interaction_required', 'The sign-in needs you to interact with it.'],
  ['account_selection_required', 'The sign-in needs you to choose an account.'],
  ['invalid_request', 'The server refused the sign-in request.'],
  ['invalid_scope', 'The server refused the scope the console asked for.'],
  ['unauthorized_client', 'The console is not allowed to sign in this way.'],
  ['unsupported_response_type', 'The server does not support the console’s sign-in.'],
  ['server_error', 'The server failed during the sign-in; try again.'],
  ['temporarily_unavailable', 'The server is temporarily unavailable; try again shortly.'],
]);
/** For a callback error code outside {@link CALLBACK_ERRORS}. */
const SIGN_IN_REFUSED = 'The sign-in was refused.';
/** For any callback without a pending sign-in of this tab whose `state` it carries. */
const NOT_STARTED_HERE = 'The sign-in response does not match a sign-in started here; sign in again.';

export class SignInError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

/**
 * The console's OAuth client: the code flow with PKCE as a public client, tokens
 * kept in memory only (a reload signs in again, silently while the server's sign-in
 * session lasts), refreshed ahead of expiry, and no cookie sent with tokens or API calls.
 */
export class ConsoleAuth {
  private tokens: TokenSet | null = null;
  private timer: unknown = null;
  private refreshing: Promise<TokenSet | null> | null = null;
  /** Called when the session ends (refresh refused): the app shows the sign-in screen. */
  onSignedOut: () => void = () => undefined;

  constructor(
    private readonly env: AuthEnvironment,
    readonly clientId: string,
  ) {}

  /** The base URL of the issuer the console signs in at. */
  private get issuer(): string {
    return (this.env.issuer ?? this.env.origin).replace(/\/+$/, '');
  }

  /** The console's own path: `/console`, or `{I}`'s path followed by `/console` (`/t/acme/console`). */
  get consolePath(): string {
    return consolePathOf(this.issuer);
  }

  get redirectUri(): string {
    return `${this.issuer}/console/callback`;
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  /** The URL to send the browser to; remembers the verifier and state for the callback. */
  async beginSignIn(returnTo = `${this.consolePath}/`): Promise<string> {
    const pending: PendingSignIn = { state: createState(), verifier: createCodeVerifier(), clientId: this.clientId, returnTo };
    this.env.storage.setItem(PENDING_KEY, JSON.stringify(pending));
    return authorizeUrl({
      issuer: this.issuer,
      clientId: this.clientId,
      redirectUri: this.redirectUri,
      scope: CONSOLE_SCOPE,
      state: pending.state,
      codeChallenge: await codeChallengeS256(pending.verifier),
    });
  }

  /**
   * Handles `/console/callback?code&state` (or `error`): exchanges the code; returns where to go next.
   * Only a callback carrying the `state` of this tab's pending sign-in is believed; its error is told
   * with the console's own text for the code. Anything else gets one fixed text.
   */
  async completeSignIn(query: URLSearchParams): Promise<string> {
    const raw = this.env.storage.getItem(PENDING_KEY);
    this.env.storage.removeItem(PENDING_KEY);
    const pending = raw ? (JSON.parse(raw) as PendingSignIn) : null;
    if (!pending || query.get('state') !== pending.state) throw new SignInError('invalid_state', NOT_STARTED_HERE);
    const error = query.get('error');
    if (error !== null) {
      const known = CALLBACK_ERRORS.get(error);
      throw known ? new SignInError(error, known) : new SignInError('sign_in_refused', SIGN_IN_REFUSED);
    }
    const code = query.get('code');
    if (!code) throw new SignInError('invalid_request', 'the sign-in response carries no code');
    const body = await this.tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    });
    if (!(body.scope ?? '').split(' ').includes(CONSOLE_SCOPE)) {
      throw new SignInError('access_denied', 'this account does not hold the admin role');
    }
    this.accept(body);
    return pending.returnTo;
  }

  /** A valid access token, refreshed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (!this.tokens) return null;
    if (needsRefresh(this.tokens, this.env.now())) await this.refresh();
    return this.tokens?.accessToken ?? null;
  }

  /** Uses the refresh token now; on refusal the session ends. Concurrent callers share one request. */
  refresh(): Promise<TokenSet | null> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  signOut(): void {
    this.tokens = null;
    if (this.timer !== null) this.env.clearTimer(this.timer);
    this.timer = null;
  }

  private async doRefresh(): Promise<TokenSet | null> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) {
      this.end();
      return null;
    }
    try {
      this.accept(await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.clientId }));
      return this.tokens;
    } catch {
      this.end();
      return null;
    }
  }

  private end(): void {
    this.signOut();
    this.onSignedOut();
  }

  private accept(body: TokenResponseBody): void {
    this.tokens = tokenSetFrom(body, this.env.now(), this.tokens?.refreshToken ?? null);
    if (this.timer !== null) this.env.clearTimer(this.timer);
    this.timer = this.env.setTimer(() => void this.refresh(), refreshDelay(this.tokens, this.env.now()));
  }

  private async tokenRequest(form: Record<string, string>): Promise<TokenResponseBody> {
    const response = await this.env.fetch(`${this.issuer}/token`, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const body = (await response.json().catch(() => ({}))) as TokenResponseBody & { error?: string; error_description?: string };
    if (!response.ok)
      throw new SignInError(body.error ?? 'server_error', body.error_description ?? `token endpoint answered ${response.status}`);
    return body;
  }
}
