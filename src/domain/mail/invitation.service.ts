import type { Actor } from '../actor';
import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto/random';
import { DomainError, errors } from '../errors';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import { hashPassword } from '../users/password-hasher';
import type { User } from '../users/user';
import type { UserService } from '../users/user.service';
import { validatePassword } from '../users/validate-user-profile';
import type { AccountTokenStore } from './account-token-store';
import type { MailOutbox } from './mail-outbox';
import type { MailTemplates } from './mail-templates';

/** An invitation link works once, for 7 days. */
const INVITATION_SECONDS = 7 * 24 * 3600;

export interface InviteUserInput {
  tenantPath: string;
  email: string;
  /** Default: the email address. */
  username?: string | null;
  firstname?: string | null;
  lastname?: string | null;
}

const invalidInvitation = (): DomainError =>
  new DomainError('invalid_request', 'this invitation link is invalid, has expired or was already used; ask for a new invitation');

/**
 * Invitations: an admin creates a user without a usable password (a random one nobody knows) and the
 * user gets a single-use link (SHA-256 digest stored, valid {@link INVITATION_SECONDS}) where they choose
 * their own. The user, the link and the mail are written in one transaction: a username already taken
 * is refused (`conflict`) with nothing written. Choosing the password also proves the email address.
 */
export class InvitationService {
  constructor(
    private readonly users: UserService,
    private readonly tokens: AccountTokenStore,
    private readonly outbox: MailOutbox,
    private readonly tenants: TenantService,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
    private readonly issuerOf: (tenantPath: string) => string,
    private readonly templates: MailTemplates,
  ) {}

  async invite(actor: Actor, input: InviteUserInput): Promise<User> {
    this.outbox.requireEnabled();
    const email = (input.email ?? '').trim();
    if (!email) throw errors.validation('email', 'is required');
    return this.transactions.run(async () => {
      const user = await this.users.create(actor, {
        tenantPath: input.tenantPath,
        username: input.username?.trim() || email,
        password: randomToken(32),
        email,
        firstname: input.firstname,
        lastname: input.lastname,
      });
      const tenant = (await this.tenants.findById(user.tenantId))!;
      const now = this.clock.now();
      const token = randomToken(32);
      await this.tokens.insert({
        tokenHash: sha256(token),
        tenantId: tenant.id,
        userId: user.id,
        purpose: 'invitation',
        email: user.email,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_SECONDS * 1000),
      });
      const link = `${this.issuerOf(tenant.path)}/invitation/accept?token=${encodeURIComponent(token)}`;
      const mail = await this.templates.render(tenant, 'invitation', {
        link,
        tenantName: tenant.name || tenant.path,
        username: user.username,
      });
      await this.outbox.enqueue(tenant.id, 'invitation', user.email!, mail.subject, mail.text);
      return user;
    });
  }

  /** Checks a link before showing its form (without using it). */
  async check(tenant: Tenant, token: string | undefined): Promise<void> {
    this.outbox.requireEnabled();
    const owner = token ? await this.tokens.peek(sha256(token), 'invitation', this.clock.now()) : null;
    if (!owner || owner.tenantId !== tenant.id) throw invalidInvitation();
  }

  /** Sets the invited user's password, once; the email the invitation went to counts as verified. */
  async accept(tenant: Tenant, token: string | undefined, password: string | undefined): Promise<User> {
    await this.check(tenant, token);
    const passwordHash = await hashPassword(validatePassword(password ?? ''));
    return this.transactions.run(async () => {
      const owner = await this.tokens.consume(sha256(token!), 'invitation', this.clock.now());
      if (!owner || owner.tenantId !== tenant.id) throw invalidInvitation();
      return this.users.acceptInvitation(owner.userId, passwordHash, owner.email);
    });
  }
}
