import type { ChangeBus } from '../changes/change-bus';
import { assertInScope, notFoundInScope, requireAdmin, resolveInScope, tenantPathInScope, type Actor } from '../actor';
import { mapUniqueViolation } from '../db-errors';
import { ensure } from '../errors';
import type { Page, SearchablePageRequest } from '../pagination';
import { searchTerm } from '../search-term';
import type { BrowserSessionService } from '../sessions/browser-session.service';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { TenantService } from '../tenants/tenant.service';
import { decoyPasswordHash, hashPassword, hasPassword, verifyPassword } from './password-hasher';
import type { User } from './user';
import type { UserChanges, UserStore } from './user-store';
import { validatePassword, validateUsername, validateUserProfile, type UserProfile } from './validate-user-profile';
import { isUuid } from '../ids';
import type { Transactions } from '../transactions';

export interface CreateUserInput extends UserProfile {
  tenantPath: string;
  username: string;
  password: string;
  /** The admin role for the user's tenant and subtree; only an admin of that subtree may set it. */
  admin?: boolean | null;
}

export type UpdateUserInput = UserProfile & { username?: string | null; enabled?: boolean | null; admin?: boolean | null };

/** What a change of email sets off (EmailVerificationService), run in the transaction of the change. */
interface EmailChangeHook {
  readonly transactions: Transactions;
  send(user: User): Promise<void>;
}

/** Whose tokens to revoke: a user's id and tenant. */
export type UserRef = Pick<User, 'id' | 'tenantId'>;

/**
 * Revokes every token of a user issued until now by raising the user's
 * revocation cutoff (scoped revocation); returns how many were still active.
 */
export type RevokeUserTokens = (user: UserRef) => Promise<number>;

/**
 * End users of a tenant; passwords are argon2id hashes that never leave this service.
 *
 * What ends a user's access lives here, for every path (GraphQL, provisioning,
 * the CLI through GraphQL, seed endpoints): a new password ends every browser
 * session of the user ({@link passwordReplaced}); disabling also revokes
 * every token issued until then ({@link disabled}), so enabling the user
 * again brings none of them back; deleting removes the sessions with the user.
 */
export class UserService {
  constructor(
    private readonly bus: ChangeBus,
    private readonly users: UserStore,
    private readonly tenants: TenantService,
    private readonly sessions: BrowserSessionService,
    /** Raises a user's revocation cutoff (ScopedRevocation.revokeAllOf, built before this service). */
    private readonly revokeAllTokensOf: RevokeUserTokens,
    /** Email verification: a changed email is unverified and gets a link, in the transaction of the change (absent: only the flag resets). */
    private readonly emailVerification?: EmailChangeHook,
  ) {}

  /** A user of the actor's subtree; `not_found` alike for one that does not exist and one outside. */
  async get(actor: Actor, id: string): Promise<User> {
    return resolveInScope(actor, this.tenants, 'user', id, () => this.load(id));
  }

  /**
   * Trusted lookup by id (token subjects); null when missing. On the userinfo,
   * introspection and refresh paths, so one prepared statement without entity hydration.
   */
  async findById(id: string): Promise<User | null> {
    return isUuid(id) ? this.users.findById(id) : null;
  }

  /** Whether `username` exists in the tenant at `tenantPath`, regardless of case (trusted; bootstrap). */
  async existsIn(tenantPath: string, username: string): Promise<boolean> {
    const tenant = await this.tenants.findByPath(tenantPath);
    return tenant !== null && (await this.users.findCredentials(tenant.id, username)) !== null;
  }

  /** The user as the current unit of work sees it (admin reads); null for a missing user or a malformed id. */
  private async load(id: string): Promise<User | null> {
    return isUuid(id) ? this.users.load(id) : null;
  }

  /** Users of one tenant (default: the actor's), oldest first; `search` matches username, email, first or last name. */
  async list(actor: Actor, tenantPath: string | null | undefined, request: SearchablePageRequest): Promise<Page<User>> {
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    const search = searchTerm(request.search);
    return this.users.page(tenant.id, { first: request.first, after: request.after, search });
  }

  async create(actor: Actor, input: CreateUserInput): Promise<User> {
    const path = tenantPathInScope(actor, normalizeTenantPath(input.tenantPath, 'tenantPath'));
    return this.insert(path, input, { admin: input.admin === true });
  }

  /**
   * Creates a user without an actor check (self sign-up, seed 001 `/register_user` after its own check,
   * the bootstrap admin). The admin role comes only from `trusted`, never from `input`.
   */
  async insert(
    tenantPath: string,
    input: Omit<CreateUserInput, 'tenantPath' | 'admin'>,
    trusted: { admin?: boolean; enabled?: boolean } = {},
    /** The password's hash, when the caller hashed it already (outside its transaction). */
    hashed?: string,
  ): Promise<User> {
    const tenant = await this.tenants.require(tenantPath);
    const username = validateUsername(input.username);
    const profile = validateUserProfile(input);
    const passwordHash = hashed ?? (await hashPassword(validatePassword(input.password)));
    return mapUniqueViolation(
      () =>
        this.users.insert({
          tenantId: tenant.id,
          username,
          passwordHash,
          ...profile,
          admin: trusted.admin === true,
          enabled: trusted.enabled ?? true,
        }),
      `username ${username} is already taken in ${tenantPath}`,
    );
  }

  /**
   * A self-registered user ({@link insert}) and the verification mail of its address, in one
   * transaction, so the user never exists without the mail it is owed (nothing is mailed without
   * SMTP_URL or an email). The password is hashed before the transaction opens.
   */
  async insertSelfRegistered(tenantPath: string, input: Omit<CreateUserInput, 'tenantPath' | 'admin'>): Promise<User> {
    const hook = this.emailVerification;
    if (!hook) return this.insert(tenantPath, input);
    // Checked in insert's order (username, profile, then password), before the password is hashed.
    validateUsername(input.username);
    validateUserProfile(input);
    const passwordHash = await hashPassword(validatePassword(input.password));
    return hook.transactions.run(async () => {
      const user = await this.insert(tenantPath, input, {}, passwordHash);
      await hook.send(user);
      return user;
    });
  }

  /** Disabling (even an already disabled user) also revokes the user's tokens and ends its sessions ({@link disabled}). */
  async update(actor: Actor, id: string, input: UpdateUserInput): Promise<User> {
    return this.updateAs(actor, id, input);
  }

  /** {@link update} without an actor check, for trusted callers (provisioning): the same rules, disabling revokes alike. */
  async updateTrusted(id: string, input: UpdateUserInput): Promise<User> {
    return this.updateAs(null, id, input);
  }

  private async updateAs(actor: Actor | null, id: string, input: UpdateUserInput): Promise<User> {
    const hook = this.emailVerification;
    if (hook && input.email !== undefined) return hook.transactions.run(() => this.updateFields(actor, id, input));
    return this.updateFields(actor, id, input);
  }

  private async updateFields(actor: Actor | null, id: string, input: UpdateUserInput): Promise<User> {
    let emailChanged = false;
    const user = await this.modify(actor, id, (current) => {
      const changes: UserChanges = validateUserProfile(input);
      // A new address is unverified until its owner opens the link sent to it.
      if (changes.email !== undefined && changes.email !== current.email) {
        changes.emailVerified = false;
        emailChanged = true;
      }
      if (input.username != null) changes.username = validateUsername(input.username);
      if (input.enabled != null) changes.enabled = input.enabled;
      // The actor manages this user's tenant (checked by modify), so the role stays within the actor's subtree.
      if (input.admin != null) changes.admin = input.admin;
      return changes;
    });
    if (emailChanged && user.email) await this.emailVerification?.send(user);
    if (input.enabled === false) await this.disabled(user);
    return user;
  }

  /**
   * A password reset: the new password is the only way in, so every browser session of the user ends.
   * Setting the password the user already has changes nothing and ends no session (checked against
   * the stored hash first), so re-applying an unchanged provisioning file signs nobody out.
   */
  async setPassword(actor: Actor, id: string, password: string): Promise<User> {
    const valid = validatePassword(password);
    const current = await this.get(actor, id);
    return (await this.replacePassword(actor, current, valid)).user;
  }

  /** {@link setPassword} without an actor check, for trusted callers (provisioning); tells whether the password changed. */
  async setPasswordTrusted(user: User, password: string): Promise<boolean> {
    return (await this.replacePassword(null, user, validatePassword(password))).changed;
  }

  private async replacePassword(actor: Actor | null, current: User, password: string): Promise<{ user: User; changed: boolean }> {
    const stored = await this.users.findCredentials(current.tenantId, current.username);
    if (stored?.user.id === current.id && (await verifyPassword(stored.passwordHash, password))) return { user: current, changed: false };
    const passwordHash = await hashPassword(password);
    const user = await this.modify(actor, current.id, () => ({ passwordHash }));
    await this.passwordReplaced(user);
    return { user, changed: true };
  }

  /**
   * A password set through a mailed recovery link (trusted: the caller checked the link, inside
   * its transaction): the new hash is written, then every token of the user issued until now is
   * revoked (refresh families included) and every browser session ends, as when disabling.
   */
  async recoverPassword(userId: string, passwordHash: string): Promise<User> {
    const user = await this.modify(null, userId, () => ({ passwordHash }));
    await this.disabled(user);
    return user;
  }

  /** An invited user chose a password through the invitation link (trusted: the caller used the link): the email it went to is verified. */
  async acceptInvitation(userId: string, passwordHash: string, invitedEmail: string | null): Promise<User> {
    return this.modify(null, userId, (current) => ({
      passwordHash,
      ...(invitedEmail !== null && current.email === invitedEmail ? { emailVerified: true } : {}),
    }));
  }

  /** Trusted lookup (password recovery): enabled users of the tenant whose username or email is `identifier`, at most five. */
  async findForRecovery(tenantId: string, identifier: string): Promise<User[]> {
    return (await this.users.findForRecovery(tenantId, identifier, 5)).filter((user) => user.enabled);
  }

  /**
   * Trusted lookup (provisioning): the user of `tenantId` whose username equals `username`
   * regardless of case; null when there is none.
   */
  async findByUsernameTrusted(tenantId: string, username: string): Promise<User | null> {
    return (await this.users.findCredentials(tenantId, username))?.user ?? null;
  }

  /** Deletes the user; its browser sessions, consents and devices go with the row (foreign keys cascade). */
  async delete(actor: Actor, id: string): Promise<User> {
    const user = await this.get(actor, id);
    await this.users.delete(id);
    await this.bus.publish({ topic: 'user', kind: 'deleted', key: id });
    return user;
  }

  /** {@link delete} without an actor check, for trusted callers (SCIM deprovisioning, which disables the user first). */
  async deleteTrusted(id: string): Promise<void> {
    if (!isUuid(id)) return;
    await this.users.delete(id);
    await this.bus.publish({ topic: 'user', kind: 'deleted', key: id });
  }

  /**
   * "Sign out everywhere": ends every browser session of the user and returns
   * how many were still usable. What the sessions issued (the refresh families of the codes issued
   * under them, with their access tokens) is revoked; other tokens stay valid (that is
   * `revokeUserTokens`). A user outside the actor's subtree is answered
   * exactly like a user that does not exist.
   */
  async endSessions(actor: Actor, id: string): Promise<number> {
    const user = await resolveInScope(actor, this.tenants, 'user', id, () => this.load(id));
    return this.sessions.endAllOf(user.id);
  }

  /**
   * Every token of a user of the actor's subtree issued until now (`revokeUserTokens`); returns how
   * many were still active. The cutoff also ends every browser session the user began before it
   * (BrowserSessionService). A user outside the actor's subtree is answered like one that does not exist.
   */
  async revokeTokens(actor: Actor, id: string): Promise<number> {
    const user = await this.get(actor, id);
    const revoked = await this.revokeAllTokensOf(user);
    // The cutoff already made the user's sessions useless: end them, so they are reported as ended (once).
    await this.sessions.endAllOf(user.id);
    return revoked;
  }

  /**
   * After the user's password was replaced, on any path (trusted: the caller
   * authorised and wrote the change): every browser session of the user ends.
   */
  async passwordReplaced(user: UserRef): Promise<void> {
    await this.sessions.endAllOf(user.id);
  }

  /**
   * After the user was disabled, on any path (trusted, as above): every token
   * issued until now is revoked (the user's cutoff, which also kills any
   * session begun before it on every process) and every browser session ends,
   * so enabling the user again brings none of them back.
   */
  async disabled(user: UserRef): Promise<void> {
    await this.revokeAllTokensOf(user);
    await this.sessions.endAllOf(user.id);
  }

  /**
   * Checks a username (regardless of case) and password within one tenant. Unknown users
   * cost the same argon2 verify as known ones; disabled users fail like wrong passwords, and so do
   * users without a password (SCIM-provisioned: `NO_PASSWORD_HASH`), after the same work.
   */
  async verifyCredentials(tenantId: string, username: string, password: string): Promise<User | null> {
    const found = await this.users.findCredentials(tenantId, username);
    if (!found || !hasPassword(found.passwordHash)) {
      await verifyPassword(await decoyPasswordHash(), password);
      return null;
    }
    const ok = await verifyPassword(found.passwordHash, password);
    return ok && found.user.enabled ? found.user : null;
  }

  /** Whether the user has a password it could sign in with (not a user made by SCIM or on a first federated sign-in, until it sets one). */
  async hasPassword(user: User): Promise<boolean> {
    const found = await this.users.findCredentials(user.tenantId, user.username);
    return found !== null && found.user.id === user.id && hasPassword(found.passwordHash);
  }

  /** Fails a sign-in where there is no tenant to look in, after the same password-hashing work as an unknown username. */
  async rejectCredentials(password: string): Promise<null> {
    await verifyPassword(await decoyPasswordHash(), password);
    return null;
  }

  /** Writes the changes `change` makes (validating its input) to a user: for `actor`, an admin whose subtree holds the user (checked first); for null, a trusted caller. */
  private async modify(actor: Actor | null, id: string, change: (current: User) => UserChanges): Promise<User> {
    if (actor) requireAdmin(actor);
    const user = isUuid(id)
      ? await mapUniqueViolation(
          () =>
            this.users.modify(id, async (found) => {
              if (actor) await assertInScope(actor, this.tenants, found.tenantId, 'user', id);
              return change(found);
            }),
          'username is already taken in this tenant',
        )
      : null;
    ensure(user, () => notFoundInScope('user', id));
    await this.bus.publish({ topic: 'user', kind: 'updated', key: id });
    return user;
  }
}
