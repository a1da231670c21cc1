import { render, type JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { consoleSdk } from './api';
import { ConsoleAuth, SignInError } from './auth';
import { Ctx } from './context';
import { errorsOf } from './graphql-errors';
import { tenantConsoleConfig } from './page-config';
import { parseRoute, type Route } from './route';
import { ApisScreen } from './screens/apis';
import { AuditScreen } from './screens/audit';
import { ClientsScreen } from './screens/clients';
import { DevicesScreen } from './screens/devices';
import { IdentityProvidersScreen } from './screens/identity-providers';
import { KeysScreen } from './screens/keys';
import { MailScreen } from './screens/mail';
import { RevocationScreen } from './screens/revocation';
import { RolesScreen } from './screens/roles';
import { ScimScreen } from './screens/scim';
import { TenantsScreen } from './screens/tenants';
import { UsersScreen } from './screens/users';
import { WebhooksScreen } from './screens/webhooks';
import './styles.css';

const SCREENS = {
  tenants: { title: 'Tenants', view: TenantsScreen },
  clients: { title: 'Clients', view: ClientsScreen },
  users: { title: 'Users', view: UsersScreen },
  apis: { title: 'APIs', view: ApisScreen },
  roles: { title: 'Roles', view: RolesScreen },
  devices: { title: 'Devices', view: DevicesScreen },
  revocation: { title: 'Revocation', view: RevocationScreen },
  keys: { title: 'Signing keys', view: KeysScreen },
  mail: { title: 'Mail', view: MailScreen },
  webhooks: { title: 'Webhooks', view: WebhooksScreen },
  'identity-providers': { title: 'Identity providers', view: IdentityProvidersScreen },
  scim: { title: 'SCIM', view: ScimScreen },
  audit: { title: 'Audit events', view: AuditScreen },
} as const;
type ScreenName = keyof typeof SCREENS;
const SCREEN_NAMES = Object.keys(SCREENS) as ScreenName[];

/** A tenant's console (`{I}/console`) is told its issuer and client by its page; the root console is told nothing. */
const tenantConsole = tenantConsoleConfig(document);

const CLIENT_KEY = 'tenant-idp-console:client';
/** The root console's client: `console`, or one named by `?client_id=` (kept for this tab). */
function rootConsoleClient(): string {
  const requestedClient = new URLSearchParams(location.search).get('client_id');
  if (requestedClient) sessionStorage.setItem(CLIENT_KEY, requestedClient);
  return sessionStorage.getItem(CLIENT_KEY) ?? 'console';
}

const auth = new ConsoleAuth(
  {
    origin: location.origin,
    issuer: tenantConsole?.issuer,
    fetch: (input, init) => fetch(input, init),
    storage: sessionStorage,
    now: () => Date.now(),
    setTimer: (run, ms) => setTimeout(run, ms),
    clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  },
  tenantConsole?.clientId ?? rootConsoleClient(),
);
const sdk = consoleSdk(auth, location.origin);
/** `/console`, or `/t/{segment}/console` for a tenant's console. */
const CONSOLE_PATH = auth.consolePath;

const routeFromHash = (): Route<ScreenName> => parseRoute(location.hash, SCREEN_NAMES, 'tenants');

/** The origin of the issuer the console signs in at: a tenant's from its page; ISSUER's from discovery for the root console. */
async function issuerOrigin(): Promise<string> {
  if (tenantConsole) return new URL(tenantConsole.issuer).origin;
  const discovery = (await fetch('/.well-known/openid-configuration', { credentials: 'omit' })
    .then((response) => response.json())
    .catch(() => null)) as { issuer?: string } | null;
  return discovery?.issuer ? new URL(discovery.issuer).origin : location.origin;
}

/**
 * Starts the code flow. The console client's redirect URI is registered at ISSUER's origin, so a console
 * opened at another name of this server (127.0.0.1 for localhost) first moves to ISSUER's origin.
 */
async function signIn(): Promise<void> {
  const origin = await issuerOrigin();
  if (origin !== location.origin) {
    location.assign(`${origin}${CONSOLE_PATH}/${location.search}${location.hash}`);
    return;
  }
  location.assign(await auth.beginSignIn(`${CONSOLE_PATH}/${location.hash}`));
}

function SignIn({ problem }: { problem: string | null }): JSX.Element {
  return (
    <main class="sign-in">
      <h1>tenant-idp console</h1>
      {problem && (
        <p class="errors" role="alert">
          {problem}
        </p>
      )}
      <p>Sign in with an account that holds the admin role.</p>
      <button type="button" autofocus onClick={() => void signIn()}>
        Sign in
      </button>
    </main>
  );
}

function Console({ onSignOut }: { onSignOut: () => void }): JSX.Element {
  const [me, setMe] = useState<{ tenantPath: string; subject: string; userId?: string | null } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [tenantPath, setTenantPath] = useState('/');
  const [route, setRoute] = useState<Route<ScreenName>>(routeFromHash);
  const [routeKey, setRouteKey] = useState(location.hash);
  const moved = useRef(false);
  useEffect(() => {
    const onHash = () => {
      moved.current = true;
      setRoute(routeFromHash());
      setRouteKey(location.hash);
    };
    addEventListener('hashchange', onHash);
    sdk.me().then(
      ({ me }) => (setMe(me), setTenantPath(me.tenantPath)),
      (error: unknown) =>
        setProblem(
          errorsOf(error)
            .map((e) => `[${e.extensions?.code}] ${e.message}`)
            .join('; '),
        ),
    );
    return () => removeEventListener('hashchange', onHash);
  }, []);
  // Moving to another screen puts the keyboard focus on its first heading, so Tab continues there.
  useEffect(() => {
    if (moved.current) document.querySelector<HTMLElement>('main h2')?.focus();
  }, [routeKey, me]);
  const context = useMemo(
    () => (me ? { sdk, homeTenant: me.tenantPath, tenantPath, setTenantPath, params: route.params } : null),
    [me, tenantPath, route],
  );
  if (problem) return <SignIn problem={problem} />;
  if (!context) return <p role="status">Loading…</p>;
  const screen = route.screen;
  const View = SCREENS[screen].view;
  return (
    <Ctx.Provider value={context}>
      <header>
        <h1>tenant-idp console</h1>
        <p class="who">
          Signed in as <code>{me!.userId ?? me!.subject}</code>, admin of <code>{me!.tenantPath}</code> · showing{' '}
          <strong data-testid="current-tenant">{tenantPath}</strong>
        </p>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Screens">
        <ul>
          {SCREEN_NAMES.map((name) => (
            <li key={name}>
              <a href={`#${name}`} aria-current={name === screen ? 'page' : undefined}>
                {SCREENS[name].title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        {/* A new fragment (another user's devices) starts the screen afresh. */}
        <View key={routeKey} />
      </main>
    </Ctx.Provider>
  );
}

function App(): JSX.Element {
  const [state, setState] = useState<{ phase: 'signing-in' | 'signed-out' | 'signed-in'; problem: string | null }>({
    phase: location.pathname === `${CONSOLE_PATH}/callback` ? 'signing-in' : 'signed-out',
    problem: null,
  });
  useEffect(() => {
    auth.onSignedOut = () => setState({ phase: 'signed-out', problem: 'Your session ended; sign in again.' });
    if (state.phase !== 'signing-in') return;
    auth.completeSignIn(new URLSearchParams(location.search)).then(
      (returnTo) => {
        history.replaceState(null, '', returnTo);
        setState({ phase: 'signed-in', problem: null });
      },
      (error: unknown) => {
        history.replaceState(null, '', `${CONSOLE_PATH}/`);
        setState({ phase: 'signed-out', problem: error instanceof SignInError ? `[${error.code}] ${error.message}` : String(error) });
      },
    );
  }, []);
  if (state.phase === 'signing-in') return <p role="status">Signing in…</p>;
  if (state.phase === 'signed-out') return <SignIn problem={state.problem} />;
  return <Console onSignOut={() => (auth.signOut(), setState({ phase: 'signed-out', problem: null }))} />;
}

render(<App />, document.getElementById('app')!);
