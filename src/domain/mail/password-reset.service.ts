import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto/random';
import { DomainError, errors } from '../errors';
import type { Tenant } from '../tenants/tenant';
import type { SlidingWindowLimiter } from '../throttle/sliding-window-limiter';
import type { Transactions } from '../transactions';
import { hashPassword } from '../users/password-hasher';
import type { User } from '../users/user';
import type { UserService } from '../users/user.service';
import { validatePassword } from '../users/validate-user-profile';
import type { AccountTokenStore } from './account-token-store';
import type { MailOutbox } from './mail-outbox';
import type { MailTemplates } from './mail-templates';

/** A reset link works once, for 30 minutes. */
const RESET_LINK_SECONDS = 30 * 60;
/** Requests per source address, and per typed email or username (whether it exists or not), per hour. */
const PER_IP = { limit: 20, windowSeconds: 3600 };
const PER_IDENTIFIER = { limit: 3, windowSeconds: 3600 };
const MAX_IDENTIFIER = 320;

/** Thrown inside the decoy transaction to roll it back. */
class Decoy extends Error {}

const invalidResetLink = (): DomainError =>
  new DomainError('invalid_request', 'this password reset link is invalid, has expired or was already used; ask for a new one');

/**
 * Password reset by mail ("Forgot password?"): a request names an email or username of the
 * tenant; every enabled user it names with an email gets a single-use link (a random token,
 * stored as its SHA-256 digest, valid {@link RESET_LINK_SECONDS}). The answer never says whether
 * an account exists: an unknown name costs the same work (token, sealed mail, an outbox write,
 * rolled back) and gets the same answer. Requests are throttled per source and per name.
 * Setting the new password ends every session and token of the user (UserService.recoverPassword).
 */
export class PasswordResetService {
  constructor(
    private readonly users: UserService,
    private readonly tokens: AccountTokenStore,
    private readonly outbox: MailOutbox,
    private readonly limiter: SlidingWindowLimiter,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    /** The issuer URL of a tenant (its pages live below it). */
    private readonly issuerOf: (tenantPath: string) => string,
    private readonly templates: MailTemplates,
  ) {}

  get enabled(): boolean {
    return this.outbox.enabled;
  }

  /** Mails a reset link to the account(s) `identifier` names, if any; the same outcome either way. */
  async request(tenant: Tenant, identifier: string | undefined, clientIp: string | null): Promise<void> {
    this.outbox.requireEnabled();
    const name = (identifier ?? '').trim();
    if (name.length === 0 || name.length > MAX_IDENTIFIER) throw errors.validation('identifier', 'enter your email address or username');
    await this.limiter.hit(`mail:ip:${clientIp ?? 'unknown'}`, PER_IP);
    await this.limiter.hit(`mail:reset:${tenant.id}:${sha256(name.toLowerCase())}`, PER_IDENTIFIER);
    const accounts = (await this.users.findForRecovery(tenant.id, name)).filter((user) => user.email);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + RESET_LINK_SECONDS * 1000);
    if (accounts.length === 0) {
      // The same work as for one account: a token and its digest, a sealed mail written to the outbox, then rolled back.
      const token = randomToken(32);
      sha256(token);
      const decoy = await this.mailFor(tenant, { username: name, email: name } as User, token);
      await this.transactions
        .run(async () => {
          await this.outbox.enqueue(tenant.id, 'password-reset', decoy.to, decoy.subject, decoy.text);
          throw new Decoy();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Decoy)) throw error;
        });
      return;
    }
    await this.transactions.run(async () => {
      for (const user of accounts) {
        const token = randomToken(32);
        await this.tokens.insert({
          tokenHash: sha256(token),
          tenantId: tenant.id,
          userId: user.id,
          purpose: 'password-reset',
          createdAt: now,
          expiresAt,
        });
        const mail = await this.mailFor(tenant, user, token);
        await this.outbox.enqueue(tenant.id, 'password-reset', mail.to, mail.subject, mail.text);
      }
    });
  }

  /** Checks a link before showing its form (without using it); throws {@link invalidResetLink}. */
  async check(tenant: Tenant, token: string | undefined): Promise<void> {
    this.outbox.requireEnabled();
    const owner = token ? await this.tokens.peek(sha256(token), 'password-reset', this.clock.now()) : null;
    if (!owner || owner.tenantId !== tenant.id) throw invalidResetLink();
  }

  /**
   * Sets the new password of the link's user, once: the link is used, the user's other reset links
   * end, every token and browser session of the user ends, all in one transaction. A link used,
   * expired or unknown changes nothing.
   */
  async reset(tenant: Tenant, token: string | undefined, password: string | undefined): Promise<User> {
    await this.check(tenant, token);
    const passwordHash = await hashPassword(validatePassword(password ?? ''));
    return this.transactions.run(async () => {
      const now = this.clock.now();
      const owner = await this.tokens.consume(sha256(token!), 'password-reset', now);
      if (!owner || owner.tenantId !== tenant.id) throw invalidResetLink();
      await this.tokens.discardOf(owner.userId, 'password-reset', now);
      return this.users.recoverPassword(owner.userId, passwordHash);
    });
  }

  private async mailFor(tenant: Tenant, user: Pick<User, 'username' | 'email'>, token: string) {
    const link = `${this.issuerOf(tenant.path)}/password/reset?token=${encodeURIComponent(token)}`;
    const mail = await this.templates.render(tenant, 'password-reset', {
      link,
      tenantName: tenant.name || tenant.path,
      username: user.username,
    });
    return { to: user.email!, ...mail };
  }
}
