import type { ChangeBus } from '../changes/change-bus';
import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto/random';
import { DomainError } from '../errors';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import type { User } from '../users/user';
import type { UserStore } from '../users/user-store';
import type { AccountTokenStore } from './account-token-store';
import type { MailOutbox } from './mail-outbox';
import type { MailTemplates } from './mail-templates';

/** A verification link works once, for 24 hours. */
const VERIFY_LINK_SECONDS = 24 * 3600;

const invalidVerificationLink = (): DomainError =>
  new DomainError(
    'invalid_request',
    'this email verification link is invalid, has expired, was already used or is for an address the account no longer has',
  );

/**
 * Email verification: `email_verified` becomes true only through a single-use link (a random token
 * stored as its SHA-256 digest, valid {@link VERIFY_LINK_SECONDS}) mailed to the address itself, at
 * self sign-up and whenever the email changes (which makes it unverified again: UserService).
 */
export class EmailVerificationService {
  constructor(
    private readonly tokens: AccountTokenStore,
    private readonly outbox: MailOutbox,
    private readonly tenants: TenantService,
    private readonly clock: Clock,
    private readonly issuerOf: (tenantPath: string) => string,
    private readonly users: UserStore,
    private readonly bus: ChangeBus,
    private readonly transactions: Transactions,
    private readonly templates: MailTemplates,
  ) {}

  get enabled(): boolean {
    return this.outbox.enabled;
  }

  /**
   * Mails a verification link for the user's current email (in the caller's transaction, if any);
   * does nothing without an email, or when mail is off (the address then stays unverified).
   */
  async send(user: User): Promise<void> {
    if (!this.outbox.enabled || !user.email || user.emailVerified) return;
    const tenant = await this.tenants.findById(user.tenantId);
    if (!tenant) return;
    const now = this.clock.now();
    const token = randomToken(32);
    await this.tokens.insert({
      tokenHash: sha256(token),
      tenantId: tenant.id,
      userId: user.id,
      purpose: 'email-verification',
      email: user.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + VERIFY_LINK_SECONDS * 1000),
    });
    const link = `${this.issuerOf(tenant.path)}/email/verify?token=${encodeURIComponent(token)}`;
    const mail = await this.templates.render(tenant, 'email-verification', {
      link,
      tenantName: tenant.name || tenant.path,
      username: user.username,
    });
    await this.outbox.enqueue(tenant.id, 'email-verification', user.email, mail.subject, mail.text);
  }

  /** Checks a link before showing its confirmation button (without using it). */
  async check(tenant: Tenant, token: string | undefined): Promise<void> {
    this.outbox.requireEnabled();
    const owner = token ? await this.tokens.peek(sha256(token), 'email-verification', this.clock.now()) : null;
    if (!owner || owner.tenantId !== tenant.id) throw invalidVerificationLink();
  }

  /** Uses the link, once: the user's email becomes verified if it is still the address the link was sent to. */
  async confirm(tenant: Tenant, token: string | undefined): Promise<void> {
    this.outbox.requireEnabled();
    await this.transactions.run(async () => {
      const owner = token ? await this.tokens.consume(sha256(token), 'email-verification', this.clock.now()) : null;
      if (!owner || owner.tenantId !== tenant.id || !owner.email) throw invalidVerificationLink();
      let current = true;
      const user = await this.users.modify(owner.userId, async (found) => {
        current = found.email === owner.email;
        return current ? { emailVerified: true } : {};
      });
      if (!user || !current) throw invalidVerificationLink();
      // Caches of the user (userinfo, tokens) drop it once committed.
      await this.bus.publish({ topic: 'user', kind: 'updated', key: user.id });
    });
  }
}
