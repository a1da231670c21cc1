import type { Client } from '../clients/client';
import type { DomainError } from '../errors';
import type { RequestScope } from '../request-scope';
import type { StartedSession } from '../sessions/browser-session';
import type { Tenant } from '../tenants/tenant';
import type { User } from '../users/user';
import type { AuthorizationRequest } from './authorization-request';
import type { TotpEnrolment } from '../mfa/second-factor.service';
import type { PasskeyCeremony } from '../passkeys/passkey.service';

/** What a page needs to ask the user something about a pending request. */
export interface InteractionScreen {
  readonly client: Client;
  readonly tenant: Tenant;
  readonly request: AuthorizationRequest;
  /** The sealed pending request, to be posted back unchanged. */
  readonly pending: string;
}

/**
 * What the sign-in form shows. For the account page (`AuthorizeService.startAccountSignIn`)
 * it is built from the request alone, nothing read from the database, so the form is the
 * same whether the tenant exists or not: `tenantName` is null and `tenantPath` is the
 * path the visitor asked for.
 */
export interface SignInScreen {
  readonly clientName: string;
  readonly tenantName: string | null;
  readonly tenantPath: string;
  /** Where the browser returns after signing in (its host is shown, and forms may post to its origin). */
  readonly redirectUri: string;
  /** The sealed pending request, to be posted back unchanged. */
  readonly pending: string;
  /** The tenant's enabled upstream identity providers ("Sign in with …" buttons). */
  readonly providers?: readonly { readonly alias: string; readonly name: string; readonly origin: string }[];
  /** Some email domain routes to a provider: the password may be left empty (home-realm discovery). */
  readonly homeRealm?: boolean;
}

/**
 * The next step of an authorization request, transport-free:
 * - `error-page`: the client or redirect URI cannot be trusted (or the form
 *   is stale); tell the user, never redirect (RFC 6749 §4.1.2.1);
 * - `redirect`: send the browser to `location` (a code or an error);
 * - `form-post`: the same response in `response_mode=form_post`: a page that posts
 *   `fields` to `action` (the trusted redirect URI);
 * - `sign-in` / `consent`: show that form.
 */
export type AuthorizeOutcome =
  | { readonly kind: 'error-page'; readonly error: DomainError }
  | { readonly kind: 'redirect'; readonly location: string }
  | {
      /** Sign in at an upstream identity provider: set the federation cookie (`binding`, scoped to `callbackUrl`'s path) and redirect. */
      readonly kind: 'upstream';
      readonly location: string;
      readonly binding: string;
      readonly callbackUrl: string;
    }
  | { readonly kind: 'form-post'; readonly action: string; readonly fields: Readonly<Record<string, string>> }
  | {
      readonly kind: 'sign-in';
      readonly screen: SignInScreen;
      readonly failed: boolean;
      readonly username: string | null;
      /** Set when too many failed attempts locked the account or IP: seconds until the next try may succeed. */
      readonly retryAfterSeconds?: number;
      /** The "Sign in with a passkey" ceremony (a discoverable credential), when passkeys are on. */
      readonly passkey?: PasskeyCeremony<object>;
      /** Why a passkey was refused, shown instead of the password's generic message. */
      readonly message?: string;
    }
  | { readonly kind: 'consent'; readonly screen: InteractionScreen; readonly user: User; readonly newScopes: readonly string[] }
  | {
      /** The password was right (or the session has only a password): ask for a TOTP or recovery code. */
      readonly kind: 'second-factor';
      readonly screen: SignInScreen;
      readonly failed: boolean;
      readonly retryAfterSeconds?: number;
      /** "Use a passkey": the user's credentials as allowCredentials, when they have one. */
      readonly passkey?: PasskeyCeremony<object>;
      /** Why a passkey was refused. */
      readonly message?: string;
    }
  | {
      /** A second factor is required but none is set up: enrol an authenticator app, confirmed by a first code. */
      readonly kind: 'enrol-factor';
      readonly screen: SignInScreen;
      readonly enrolment: TotpEnrolment;
      readonly failed: boolean;
      readonly retryAfterSeconds?: number;
    }
  | {
      /**
       * A first federated sign-in whose profile collides with an existing account (`shown`: its
       * email or username): the account's password links `providerName` to it (then the second
       * factor it owes); Cancel returns to the sign-in form.
       */
      readonly kind: 'link-account';
      readonly screen: SignInScreen;
      readonly shown: string;
      readonly providerName: string;
      readonly failed: boolean;
      readonly retryAfterSeconds?: number;
    }
  | {
      /** Enrolment confirmed: the recovery codes, shown once, and a form to continue the request. */
      readonly kind: 'recovery-codes';
      readonly screen: SignInScreen;
      readonly codes: readonly string[];
    };

/** The outcome of a sign-in attempt, with the session to hand the browser when it succeeded. */
export interface SignInResult {
  readonly outcome: AuthorizeOutcome;
  readonly started: StartedSession | null;
}

/** What the transport knows about the browser: its session cookie and its per-browser form binding. */
export interface BrowserContext {
  readonly sessionToken?: string;
  /** An opaque value only this browser holds (a short-lived cookie); forms are bound to it. */
  readonly binding?: string;
  /** Who is asking from where (client IP, request id): sign-in failures are throttled and audited by it. */
  readonly scope?: Pick<RequestScope, 'clientIp' | 'requestId'>;
}
