import { randomBytes, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  VerifiedAuthenticationResponse,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import type * as WebAuthn from '@simplewebauthn/server';
import type { AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import { sha256 } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';
import { DomainError, errors, isDomainError } from '../errors';
import type { ReplayGuard } from '../replay/replay-guard';
import type { RequestScope } from '../request-scope';
import type { Tenant } from '../tenants/tenant';
import type { BruteForceGuard } from '../throttle/brute-force-guard';
import type { User } from '../users/user';
import { hasControlCharacter } from '../control-characters';
import type { PasskeyStore, PasskeyWithOwner, StoredPasskey } from './passkey-store';

/** @simplewebauthn/server (with its ASN.1 and X.509 stack, ~250 modules) is loaded at the first passkey verification, not at start. */
let library: Promise<typeof WebAuthn> | undefined;
const webauthn = () => (library ??= import('@simplewebauthn/server') as unknown as Promise<typeof WebAuthn>);

/** How long a WebAuthn ceremony may take (its `timeout`, and the life of its sealed challenge). */
const PASSKEY_CHALLENGE_SECONDS = 300;
/** How recent the sign-in must be to add a passkey from the account page. */
export const PASSKEY_REGISTRATION_FRESHNESS_SECONDS = 300;
/** How many credentials one user may register. */
const MAX_PASSKEYS_PER_USER = 20;
/** The longest response the server reads (a real one is 1-3 KB). */
const MAX_RESPONSE_CHARS = 16_384;

/** What a ceremony is for: its sealed challenge only opens for the same purpose. */
export type PasskeyPurpose = 'register' | 'sign-in' | 'second-factor';

/** The options the page hands to `navigator.credentials.*`, and the sealed challenge it posts back. */
export interface PasskeyCeremony<O> {
  readonly options: O;
  /** The challenge sealed with the server secret and bound to the browser, purpose, user and expiry. */
  readonly ticket: string;
}

/** A passkey as the user or an admin sees it: never its key. */
export interface PasskeySummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  /** The credential may be synced between devices (WebAuthn backup eligibility). */
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
}

/** Where a ceremony came from: the browser's form binding (an opaque per-browser cookie value) and the request. */
export interface PasskeyContext {
  readonly binding?: string;
  readonly scope?: Pick<RequestScope, 'clientIp' | 'requestId'> | null;
}

interface SealedChallenge {
  typ: 'idp.webauthn-challenge.v1';
  purpose: PasskeyPurpose;
  challenge: string;
  bind: string;
  user: string | null;
  exp: number;
}

const summarizePasskey = (passkey: StoredPasskey): PasskeySummary => ({
  id: passkey.id,
  name: passkey.name,
  createdAt: passkey.createdAt,
  lastUsedAt: passkey.lastUsedAt,
  backupEligible: passkey.backupEligible,
  backedUp: passkey.backedUp,
});

/** The WebAuthn user handle: the user's UUID as its 16 bytes (no personal data, OWASP/WebAuthn §14.6.1). */
const userHandleOf = (userId: string): string => Buffer.from(userId.replace(/-/g, ''), 'hex').toString('base64url');

const TRANSPORTS: readonly string[] = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];

/** A refusal the user reads on the page; counted by the brute-force guard (code `access_denied`). */
const refused = (description: string, reason: string): DomainError => new DomainError('access_denied', description, { detail: reason });

const EXPIRED = 'This passkey request has expired or was started in another browser. Try again.';

/**
 * Passkeys and security keys (WebAuthn Level 2, verified with @simplewebauthn/server): registration
 * from the account page, sign-in with a discoverable credential alone (user verification required),
 * or as the second factor after the password. The relying party is the server's issuer: its host is
 * the RP ID and its origin the one expected origin (tenant issuers `{ISSUER}/t/{segment}` share
 * them), taken from configuration, never from a request.
 *
 * Challenges are 32 random bytes, sealed with the server secret into a ticket bound to the browser
 * (the form-binding cookie), the purpose, the user (when known) and a five-minute expiry, carried in
 * the page's form; a challenge is consumed through the replay guard when its response is accepted,
 * so a replayed response is refused on every process. The signature counter must increase when
 * either side is non-zero (WebAuthn §6.1.1: a regression may be a cloned authenticator) and is
 * advanced in one compare-and-set statement; the backup state (BS) is stored on each use.
 */
export class PasskeyService {
  private readonly rpId: string;
  private readonly origin: string;

  constructor(
    private readonly store: PasskeyStore,
    private readonly replays: ReplayGuard,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
    private readonly guard: BruteForceGuard,
    private readonly audit: AuditLog,
    issuer: string,
    private readonly rpName = 'tenant-idp',
  ) {
    const url = new URL(issuer);
    this.rpId = url.hostname;
    this.origin = url.origin;
  }

  /** Whether passkeys work here: WebAuthn's RP ID must be a domain, so an issuer at an IP address has none. */
  get available(): boolean {
    return isIP(this.rpId) === 0;
  }

  /** Whether the user has at least one passkey (it counts as a second factor). */
  async has(userId: string): Promise<boolean> {
    return (await this.store.countByUser(userId)) > 0;
  }

  async list(userId: string): Promise<PasskeySummary[]> {
    return (await this.store.listByUser(userId)).map(summarizePasskey);
  }

  /** Registration options for the user (attestation `none`, discoverable preferred, the user's own credentials excluded). */
  async registrationOptions(
    tenant: Tenant,
    user: User,
    context: PasskeyContext,
  ): Promise<PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>> {
    const existing = await this.store.listByUser(user.id);
    const { challenge, ticket } = this.issue('register', context.binding, user.id);
    return {
      ticket,
      options: {
        rp: { id: this.rpId, name: tenant.path === '/' ? this.rpName : `${this.rpName} ${tenant.path}` },
        user: { id: userHandleOf(user.id), name: user.username, displayName: user.username },
        challenge,
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -8 },
          { type: 'public-key', alg: -257 },
        ],
        timeout: PASSKEY_CHALLENGE_SECONDS * 1000,
        attestation: 'none',
        excludeCredentials: existing.map((passkey) => this.descriptor(passkey)),
        authenticatorSelection: { residentKey: 'preferred', requireResidentKey: false, userVerification: 'preferred' },
      },
    };
  }

  /**
   * Verifies a registration response and stores the credential under `name`. Refused (nothing stored)
   * with `invalid_request` and a message for the page when the response is malformed, for another
   * origin or RP ID, answers another or a used challenge, or registers a credential already known.
   */
  async register(
    tenant: Tenant,
    user: User,
    form: { ticket?: string; response?: string; name?: string },
    context: PasskeyContext,
  ): Promise<PasskeySummary> {
    const name = validatePasskeyName(form.name, (await this.store.countByUser(user.id)) + 1);
    try {
      const challenge = this.open(form.ticket, 'register', context.binding, user.id);
      const response = parseResponse<RegistrationResponseJSON>(form.response);
      let verified: VerifiedRegistrationResponse;
      try {
        verified = await (
          await webauthn()
        ).verifyRegistrationResponse({
          response,
          expectedChallenge: challenge,
          expectedOrigin: this.origin,
          expectedRPID: this.rpId,
          requireUserVerification: false,
        });
      } catch (error) {
        throw describeLibraryError(error);
      }
      if (!verified.verified) throw refused('The passkey could not be verified. Try again.', 'registration not verified');
      if (!(await this.claim(challenge))) throw refused('This passkey response was already used. Try again.', 'replayed challenge');
      ensureRoom(await this.store.countByUser(user.id));
      const info = verified.registrationInfo;
      const passkey: Omit<StoredPasskey, 'lastUsedAt'> = {
        id: randomUUID(),
        tenantId: tenant.id,
        userId: user.id,
        credentialId: info.credential.id,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: (response.response.transports ?? []).filter((t) => TRANSPORTS.includes(t)),
        backupEligible: info.credentialDeviceType === 'multiDevice',
        backedUp: info.credentialBackedUp,
        name,
        createdAt: this.clock.now(),
      };
      if (!(await this.store.insert(passkey))) throw errors.conflict('This passkey is already registered.', 'passkey');
      this.record(tenant, user.id, 'registerPasskey', true, context, { passkeyId: passkey.id });
      return summarizePasskey({ ...passkey, lastUsedAt: null });
    } catch (error) {
      if (isDomainError(error)) {
        this.record(tenant, user.id, 'registerPasskey', false, context, { reason: error.detail ?? error.code });
        if (error.code === 'access_denied') throw new DomainError('invalid_request', error.description, { detail: error.detail });
      }
      throw error;
    }
  }

  /**
   * Options for a sign-in: with `user` (the second factor), the user's credentials as `allowCredentials`
   * and user verification preferred; without (a passkey alone), an empty list for a discoverable
   * credential and user verification required.
   */
  async authenticationOptions(
    purpose: 'sign-in' | 'second-factor',
    context: PasskeyContext,
    user?: User,
  ): Promise<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
    const credentials = user ? await this.store.listByUser(user.id) : [];
    const { challenge, ticket } = this.issue(purpose, context.binding, user?.id ?? null);
    return {
      ticket,
      options: {
        challenge,
        rpId: this.rpId,
        timeout: PASSKEY_CHALLENGE_SECONDS * 1000,
        userVerification: purpose === 'sign-in' ? 'required' : 'preferred',
        allowCredentials: credentials.map((passkey) => this.descriptor(passkey)),
      },
    };
  }

  /** The same options without reading the store: a passkey alone (discoverable credential). */
  signInOptions(context: PasskeyContext): PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON> {
    const { challenge, ticket } = this.issue('sign-in', context.binding, null);
    return {
      ticket,
      options: {
        challenge,
        rpId: this.rpId,
        timeout: PASSKEY_CHALLENGE_SECONDS * 1000,
        userVerification: 'required',
        allowCredentials: [],
      },
    };
  }

  /**
   * Verifies an assertion. For `sign-in` (a passkey alone) the credential must belong to `tenant`
   * and the user must have been verified by the authenticator; for `second-factor` it must be one
   * of `user`'s. On success the counter, backup state and last use are stored and the credential
   * returned, with its user as read with it (`owner`); any failure is `access_denied` with a message for the page, counted by the brute-force
   * guard (per credential, or per user for a second factor, and per source) and audited, and nothing
   * is changed. While locked, `too_many_requests`.
   */
  async authenticate(
    purpose: 'sign-in' | 'second-factor',
    tenant: Tenant | null,
    form: { ticket?: string; response?: string },
    context: PasskeyContext,
    user?: User,
  ): Promise<PasskeyWithOwner> {
    let parsed: AuthenticationResponseJSON | null = null;
    try {
      parsed = parseResponse<AuthenticationResponseJSON>(form.response);
    } catch {
      // Counted below like any other failure.
    }
    const subjectName = purpose === 'second-factor' && user ? user.id : `credential:${sha256(parsed?.id ?? '')}`;
    const subject = {
      kind: 'account',
      tenantId: `${tenant?.id ?? 'none'}/passkey`,
      tenantPath: tenant?.path ?? '/',
      username: subjectName,
    } as const;
    let found: PasskeyWithOwner | null = null;
    try {
      const accepted = await this.guard.protect({ subject, scope: context.scope, owed: 'access_denied' }, async () => {
        const challenge = this.open(form.ticket, purpose, context.binding, user?.id ?? null);
        if (!parsed) throw refused('The passkey response could not be read. Try again.', 'malformed response');
        found = parsed.id.length <= 1024 ? await this.store.findByCredentialId(parsed.id) : null;
        const passkey = found;
        if (!passkey || !tenant || passkey.tenantId !== tenant.id || (user && passkey.userId !== user.id)) {
          found = null;
          throw refused(
            'This passkey is not registered for this account here. Use another one or sign in with your password.',
            'unknown credential',
          );
        }
        const handle = parsed.response.userHandle;
        if (handle && handle !== userHandleOf(passkey.userId))
          throw refused('This passkey does not belong to this account.', 'user handle mismatch');
        let verified: VerifiedAuthenticationResponse;
        try {
          verified = await (
            await webauthn()
          ).verifyAuthenticationResponse({
            response: parsed,
            expectedChallenge: challenge,
            expectedOrigin: this.origin,
            expectedRPID: this.rpId,
            credential: {
              id: passkey.credentialId,
              publicKey: new Uint8Array(passkey.publicKey),
              counter: passkey.counter,
              transports: passkey.transports as AuthenticatorTransport[],
            },
            requireUserVerification: purpose === 'sign-in',
          });
        } catch (error) {
          throw describeLibraryError(error);
        }
        if (!verified.verified) throw refused('The passkey signature is not valid.', 'bad signature');
        const info = verified.authenticationInfo;
        // The challenge is consumed and the use recorded in one statement (one round trip): the use only with the claim.
        const use = await this.replays.claimOnceWith('webauthn_challenge', this.rpId, challenge, this.challengeExpiry(), (key, expiresAt) =>
          this.store
            .claimAndRecordUse({ key, expiresAt }, passkey.id, passkey.counter, info.newCounter, info.credentialBackedUp, this.clock.now())
            .then(({ claimed, stored }) => ({ claimed, value: stored })),
        );
        if (!use.claimed) throw refused('This passkey response was already used. Try again.', 'replayed challenge');
        if (!use.value) throw refused("This passkey's signature counter did not increase; it was not accepted.", 'counter race');
        return passkey;
      });
      if (!accepted) throw refused('The passkey could not be verified.', 'not verified');
      this.record(tenant, accepted.userId, purpose === 'sign-in' ? 'passkeySignIn' : 'secondFactor', true, context, {
        method: 'passkey',
        passkeyId: accepted.id,
      });
      return accepted;
    } catch (error) {
      if (isDomainError(error)) {
        const f = found as PasskeyWithOwner | null;
        this.record(tenant, f?.userId ?? user?.id ?? null, purpose === 'sign-in' ? 'passkeySignIn' : 'secondFactor', false, context, {
          method: 'passkey',
          reason: error.code === 'too_many_requests' ? 'throttled' : (error.detail ?? error.code),
        });
      }
      throw error;
    }
  }

  /** Renames one of the user's passkeys (`not_found` for another's). */
  async rename(tenant: Tenant, user: User, id: string, name: string | undefined, context: PasskeyContext): Promise<void> {
    const valid = validatePasskeyName(name, 1);
    if (!isUuid(id) || !(await this.store.rename(user.id, id, valid))) throw errors.notFound('passkey');
    this.record(tenant, user.id, 'renamePasskey', true, context, { passkeyId: id });
  }

  /** Removes one of the user's passkeys (`not_found` for another's); audited. */
  async remove(tenant: Tenant, user: User, id: string, context: PasskeyContext): Promise<void> {
    if (!isUuid(id) || !(await this.store.remove(user.id, id))) throw errors.notFound('passkey');
    this.record(tenant, user.id, 'removePasskey', true, context, { passkeyId: id });
  }

  /** Removes every passkey of the user (an admin's reset; the caller audits it). */
  async removeAll(userId: string): Promise<number> {
    return this.store.deleteAll(userId);
  }

  private descriptor(passkey: StoredPasskey) {
    return {
      id: passkey.credentialId,
      type: 'public-key' as const,
      ...(passkey.transports.length > 0 ? { transports: passkey.transports as AuthenticatorTransport[] } : {}),
    };
  }

  private issue(purpose: PasskeyPurpose, binding: string | undefined, user: string | null): { challenge: string; ticket: string } {
    if (!binding) throw new Error('a browser binding is required for a passkey ceremony');
    const challenge = randomBytes(32).toString('base64url');
    const sealed: SealedChallenge = {
      typ: 'idp.webauthn-challenge.v1',
      purpose,
      challenge,
      bind: sha256(binding),
      user,
      exp: this.clock.now().getTime() + PASSKEY_CHALLENGE_SECONDS * 1000,
    };
    return { challenge, ticket: this.secret.encrypt(JSON.stringify(sealed), 'webauthn-challenge') };
  }

  /** The challenge of a ticket issued to this browser for this purpose (and user), not expired. */
  private open(ticket: string | undefined, purpose: PasskeyPurpose, binding: string | undefined, user: string | null): string {
    if (!ticket || !binding || ticket.length > 2048) throw refused(EXPIRED, 'no ticket');
    let sealed: SealedChallenge;
    try {
      sealed = JSON.parse(this.secret.decrypt(ticket, 'webauthn-challenge')) as SealedChallenge;
    } catch {
      throw refused(EXPIRED, 'unreadable ticket');
    }
    const fits =
      sealed.typ === 'idp.webauthn-challenge.v1' &&
      sealed.purpose === purpose &&
      sealed.bind === sha256(binding) &&
      (sealed.user ?? null) === user &&
      sealed.exp > this.clock.now().getTime();
    if (!fits) throw refused(EXPIRED, 'ticket mismatch or expired');
    return sealed.challenge;
  }

  /** Consumes a challenge on every process (the replay store): false when it was used already. */
  private claim(challenge: string): Promise<boolean> {
    return this.replays.claimOnce('webauthn_challenge', this.rpId, challenge, this.challengeExpiry());
  }

  /** How long a consumed challenge is remembered: as long as a ticket could still carry it. */
  private challengeExpiry(): Date {
    return new Date(this.clock.now().getTime() + PASSKEY_CHALLENGE_SECONDS * 1000);
  }

  private record(
    tenant: Tenant | null,
    userId: string | null,
    action: string,
    success: boolean,
    context: PasskeyContext,
    detail: Readonly<Record<string, string | boolean>>,
  ): void {
    if (!tenant) return;
    this.audit.record({
      action,
      outcome: success ? 'success' : 'failure',
      tenantPath: tenant.path,
      actorKind: userId ? 'user' : 'anonymous',
      actorId: userId,
      clientIp: context.scope?.clientIp ?? null,
      requestId: context.scope?.requestId ?? null,
      detail,
    });
  }
}

/** A passkey's name: trimmed, 1-64 characters, no control character; empty means "Passkey n". */
function validatePasskeyName(name: string | undefined, ordinal: number): string {
  const trimmed = (name ?? '').trim();
  if (trimmed.length === 0) return `Passkey ${ordinal}`;
  if (trimmed.length > 64) throw errors.validation('name', 'must be at most 64 characters');
  if (hasControlCharacter(trimmed)) throw errors.validation('name', 'must not contain control characters');
  return trimmed;
}

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

function ensureRoom(count: number): void {
  if (count >= MAX_PASSKEYS_PER_USER)
    throw errors.conflict(`You already have ${MAX_PASSKEYS_PER_USER} passkeys; remove one before adding another.`, 'passkey');
}

function parseResponse<T extends { id: string; response: object; type: string }>(text: string | undefined): T {
  if (!text || text.length > MAX_RESPONSE_CHARS) throw refused('The passkey response could not be read. Try again.', 'malformed response');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refused('The passkey response could not be read. Try again.', 'malformed response');
  }
  const candidate = value as Partial<T> | null;
  if (
    !candidate ||
    typeof candidate !== 'object' ||
    typeof candidate.id !== 'string' ||
    candidate.type !== 'public-key' ||
    typeof candidate.response !== 'object' ||
    candidate.response === null
  ) {
    throw refused('The passkey response could not be read. Try again.', 'malformed response');
  }
  return candidate as T;
}

/** The library's errors, as messages a user can act on (its own text stays in the detail, for logs). */
function describeLibraryError(error: unknown): DomainError {
  if (isDomainError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/origin/i.test(message)) return refused('This passkey response was made for another website and was refused.', message);
  if (/RP ID/i.test(message))
    return refused('This passkey belongs to another website (its RP ID does not match) and was refused.', message);
  if (/counter/i.test(message))
    return refused(
      "This passkey's signature counter went backwards, a sign that it may have been copied; it was refused. Use another sign-in method.",
      message,
    );
  if (/challenge/i.test(message)) return refused('This passkey response answers another request. Try again.', message);
  if (/user verification|user could not be verified/i.test(message))
    return refused('The passkey did not verify you (PIN, fingerprint or face). Try again and confirm on your device.', message);
  if (/user presen|user was not present/i.test(message)) return refused('The passkey did not confirm your presence. Try again.', message);
  return refused('The passkey response is not valid.', message);
}
