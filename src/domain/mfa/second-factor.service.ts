import { randomUUID, randomBytes } from 'node:crypto';
import { requireAdmin, type Actor } from '../actor';
import type { AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import { sha256 } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';
import { DomainError, errors, isDomainError } from '../errors';
import type { RequestScope } from '../request-scope';
import type { RoleStore } from '../roles/role-store';
import type { Tenant } from '../tenants/tenant';
import type { BruteForceGuard } from '../throttle/brute-force-guard';
import type { User } from '../users/user';
import type { MaybePromise } from '../util/maybe-promise';
import { secondFactorRequired } from './second-factor-policy';
import type { SecondFactorStore, StoredFactor } from './second-factor-store';
import { base32Encode, matchTotp, newTotpSecret, otpauthUri } from './totp';

/** How many recovery codes an enrolment hands out. */
const RECOVERY_CODE_COUNT = 10;

/** A factor as an admin or the user sees it: never its secret. */
interface FactorSummary {
  readonly id: string;
  /** `totp` (an authenticator app) or `passkey` (a WebAuthn credential: passkey or security key). */
  readonly kind: 'totp' | 'passkey';
  readonly confirmed: boolean;
  readonly createdAt: Date;
  readonly confirmedAt: Date | null;
  /** A passkey's name (null for TOTP). */
  readonly name: string | null;
  /** A passkey's last use (null for TOTP, or a passkey never used). */
  readonly lastUsedAt: Date | null;
}

/** What second factors need of the passkeys (PasskeyService): they count as a factor, are listed and reset with the others. */
export interface PasskeyFactors {
  has(userId: string): Promise<boolean>;
  list(userId: string): Promise<readonly { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }[]>;
  removeAll(userId: string): Promise<number>;
}

export interface FactorOverview {
  readonly factors: readonly FactorSummary[];
  readonly recoveryCodesLeft: number;
}

/** What an authenticator app needs to be set up: the manual key (base32) and the otpauth URI for a QR code. */
export interface TotpEnrolment {
  readonly manualKey: string;
  readonly otpauthUri: string;
}

/** How a second-factor check passed. */
export type FactorProof = 'otp' | 'recovery';

/** Where a failed check came from, for throttling and the audit trail. */
export type FactorScope = Pick<RequestScope, 'clientIp' | 'requestId'> | undefined;

const summary = (factor: StoredFactor): FactorSummary => ({
  id: factor.id,
  kind: factor.kind,
  confirmed: factor.confirmedAt !== null,
  createdAt: factor.createdAt,
  confirmedAt: factor.confirmedAt,
  name: null,
  lastUsedAt: null,
});

/** A recovery code as typed: case, spaces and dashes do not matter. */
const normalizeRecoveryCode = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();

/** `xxxxx-xxxxx` of lowercase base32 (50 bits). */
const newRecoveryCode = (): string => {
  const text = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
  return `${text.slice(0, 5)}-${text.slice(5)}`;
};

/**
 * Second factors (issue 22): TOTP (RFC 6238, src/domain/mfa/totp.ts) enrolled by the user, which counts
 * only once confirmed by a first valid code; one-time recovery codes, shown once and stored as SHA-256;
 * each code accepted at most once (the last accepted time step is kept per factor, advanced in one
 * statement); every check throttled by the brute-force guard, per user and source, across processes.
 * The TOTP secret is stored sealed with the server secret (AES-256-GCM, purpose `totp-secret`).
 */
export class SecondFactorService {
  constructor(
    private readonly store: SecondFactorStore,
    private readonly roles: RoleStore,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
    private readonly guard: BruteForceGuard,
    private readonly audit: AuditLog,
    private readonly issuerName: string,
    private readonly users: { get(actor: Actor, id: string): Promise<User> },
    private readonly tenants: { findById(id: string): MaybePromise<Tenant | null> },
    private readonly passkeys: PasskeyFactors | null = null,
  ) {}

  /** Whether the user has a confirmed factor: a confirmed TOTP or a passkey. */
  async enrolled(userId: string): Promise<boolean> {
    if ((await this.store.findTotp(userId))?.confirmedAt != null) return true;
    return (await this.passkeys?.has(userId)) ?? false;
  }

  /** Whether the user has a confirmed TOTP factor (the code form of the second-factor page is for it). */
  async hasTotp(userId: string): Promise<boolean> {
    return (await this.store.findTotp(userId))?.confirmedAt != null;
  }

  /** Whether the tenant's policy makes a second factor mandatory for the user. */
  async required(tenant: Tenant, user: User): Promise<boolean> {
    if (tenant.mfaPolicy !== 'REQUIRED') return false;
    if (tenant.mfaRequiredRoles.length === 0) return true;
    const names = (await this.roles.rolesOf({ kind: 'user', id: user.id })).map((role) => role.name);
    return secondFactorRequired(tenant, user.admin ? [...names, 'admin'] : names);
  }

  /**
   * Which second-factor step a user who has proven only a password owes: `verify` when they have a
   * confirmed factor (unless the tenant's policy is OFF and MFA was not asked for, e.g. by `acr_values`),
   * `enrol` when none is set up and the policy requires one or MFA was asked for (under policy OFF an
   * MFA request is answered with a password-only `acr`); else null.
   */
  async owed(tenant: Tenant, user: User, mfaAsked = false): Promise<'verify' | 'enrol' | null> {
    if (tenant.mfaPolicy === 'OFF' && !mfaAsked) return null;
    if (await this.enrolled(user.id)) return 'verify';
    if (tenant.mfaPolicy === 'OFF') return null;
    return mfaAsked || (await this.required(tenant, user)) ? 'enrol' : null;
  }

  /** The user's own view: factors (TOTP, then passkeys, never key material) and unused recovery codes. */
  async overview(userId: string): Promise<FactorOverview> {
    const [factor, recoveryCodesLeft, passkeys] = await Promise.all([
      this.store.findTotp(userId),
      this.store.countUnusedRecoveryCodes(userId),
      this.passkeys?.list(userId) ?? [],
    ]);
    const keys: FactorSummary[] = passkeys.map((passkey) => ({
      id: passkey.id,
      kind: 'passkey',
      confirmed: true,
      createdAt: passkey.createdAt,
      confirmedAt: passkey.createdAt,
      name: passkey.name,
      lastUsedAt: passkey.lastUsedAt,
    }));
    return { factors: [...(factor ? [summary(factor)] : []), ...keys], recoveryCodesLeft };
  }

  /**
   * Starts (or restarts) a TOTP enrolment: a fresh secret, stored sealed and unconfirmed. `conflict`
   * when the user already has a confirmed factor (reset it first).
   */
  async startTotp(tenant: Tenant, user: User): Promise<TotpEnrolment> {
    const key = newTotpSecret();
    const stored = await this.store.putUnconfirmed(
      {
        id: randomUUID(),
        tenantId: tenant.id,
        userId: user.id,
        kind: 'totp',
        secretSealed: this.secret.encrypt(key.toString('base64'), 'totp-secret'),
      },
      this.clock.now(),
    );
    if (!stored) throw new DomainError('conflict', 'an authenticator app is already set up');
    return this.enrolmentOf(key, tenant, user);
  }

  /** The enrolment in progress (unconfirmed factor), to show its key again; null when none. */
  async pendingTotp(tenant: Tenant, user: User): Promise<TotpEnrolment | null> {
    const factor = await this.store.findTotp(user.id);
    if (!factor || factor.confirmedAt !== null) return null;
    return this.enrolmentOf(this.keyOf(factor), tenant, user);
  }

  /**
   * Confirms the enrolment in progress with a first code: the factor counts from now on, and the
   * recovery codes (replacing any earlier ones) are returned, to be shown once. Null for a wrong code
   * (counted by the guard); `too_many_requests` when locked; `invalid_request` without an enrolment.
   */
  async confirmTotp(tenant: Tenant, user: User, code: string, scope: FactorScope): Promise<string[] | null> {
    const factor = await this.store.findTotp(user.id);
    if (!factor || factor.confirmedAt !== null) throw errors.invalidRequest('no authenticator app set-up is in progress; start again');
    const accepted = await this.throttled(tenant, user, scope, () => this.acceptTotp(factor, code));
    this.record(tenant, user, 'enrolSecondFactor', accepted !== null, scope);
    if (accepted === null) return null;
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.store.replaceRecoveryCodes(
      user.id,
      codes.map((c) => sha256(normalizeRecoveryCode(c))),
      this.clock.now(),
    );
    return codes;
  }

  /**
   * Checks a second factor at sign-in: a 6-digit TOTP code (each at most once) or an unused recovery
   * code (then used up). Null for a wrong or reused code (counted by the guard); throws
   * `too_many_requests` (with `retryAfterSeconds`) while the user is locked from this source.
   */
  async verify(tenant: Tenant, user: User, code: string, scope: FactorScope): Promise<FactorProof | null> {
    const typed = code.trim();
    const proof = await this.throttled(tenant, user, scope, async (): Promise<FactorProof | null> => {
      if (/^[0-9]{6}$/.test(typed)) {
        const factor = await this.store.findTotp(user.id);
        return factor?.confirmedAt && (await this.acceptTotp(factor, typed)) !== null ? 'otp' : null;
      }
      const normalized = normalizeRecoveryCode(typed);
      if (normalized.length === 0) return null;
      return (await this.store.useRecoveryCode(user.id, sha256(normalized), this.clock.now())) ? 'recovery' : null;
    });
    this.record(tenant, user, 'secondFactor', proof !== null, scope, proof ? { method: proof } : undefined);
    return proof;
  }

  /** An admin's view of the factors of a user of their subtree (another user is `not_found`, like a missing one). */
  async listFor(actor: Actor, userId: string): Promise<FactorOverview> {
    requireAdmin(actor);
    const user = await this.users.get(actor, userId);
    return this.overview(user.id);
  }

  /**
   * An admin removes every factor (TOTP and passkeys) and recovery code of a user of their subtree (a lost phone); audited.
   * Under policy REQUIRED the user enrols again at the next sign-in. Returns how many factors were removed.
   */
  async resetFor(actor: Actor, userId: string, scope?: FactorScope): Promise<number> {
    requireAdmin(actor);
    const user = await this.users.get(actor, userId);
    const tenant = await this.tenants.findById(user.tenantId);
    const removed = (await this.store.deleteAll(user.id)) + ((await this.passkeys?.removeAll(user.id)) ?? 0);
    this.audit.record({
      action: 'resetSecondFactors',
      outcome: 'success',
      tenantPath: tenant?.path ?? actor.tenantPath,
      actorKind: actor.userId ? 'user' : 'client',
      actorId: actor.subject,
      actorClientId: actor.clientId,
      targetKind: 'user',
      targetId: user.id,
      clientIp: scope?.clientIp ?? null,
      requestId: scope?.requestId ?? null,
      detail: { factors: removed },
    });
    return removed;
  }

  private async acceptTotp(factor: StoredFactor, code: string): Promise<number | null> {
    const now = this.clock.now();
    const step = matchTotp(this.keyOf(factor), code, now.getTime(), factor.lastStep);
    if (step === null) return null;
    // Another process may have accepted this code (or a later one) meanwhile: only one wins.
    return (await this.store.acceptStep(factor.id, step, now)) ? step : null;
  }

  /** A check under the brute-force guard, in a bucket of its own per user (never the password's). */
  private async throttled<T>(tenant: Tenant, user: User, scope: FactorScope, check: () => Promise<T | null>): Promise<T | null> {
    const subject = { kind: 'account', tenantId: `${tenant.id}/second-factor`, tenantPath: tenant.path, username: user.id } as const;
    try {
      return await this.guard.protect({ subject, scope, owed: 'access_denied' }, check);
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests')
        this.record(tenant, user, 'secondFactor', false, scope, { throttled: true });
      throw error;
    }
  }

  private keyOf(factor: StoredFactor): Buffer {
    return Buffer.from(this.secret.decrypt(factor.secretSealed, 'totp-secret'), 'base64');
  }

  private enrolmentOf(key: Buffer, tenant: Tenant, user: User): TotpEnrolment {
    const issuer = tenant.path === '/' ? this.issuerName : `${this.issuerName} ${tenant.path}`;
    return { manualKey: base32Encode(key), otpauthUri: otpauthUri(key, issuer, user.username) };
  }

  private record(
    tenant: Tenant,
    user: User,
    action: string,
    success: boolean,
    scope: FactorScope,
    detail?: Readonly<Record<string, string | boolean>>,
  ): void {
    this.audit.record({
      action,
      outcome: success ? 'success' : 'failure',
      tenantPath: tenant.path,
      actorKind: 'user',
      actorId: user.id,
      clientIp: scope?.clientIp ?? null,
      requestId: scope?.requestId ?? null,
      ...(detail ? { detail } : {}),
    });
  }
}
