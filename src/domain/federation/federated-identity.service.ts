import { randomUUID } from 'node:crypto';
import { requireAdmin, type Actor } from '../actor';
import type { AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { ServerSecret } from '../crypto/server-secret';
import { isUniqueViolation } from '../db-errors';
import { DomainError, errors, isDomainError } from '../errors';
import { isUuid } from '../ids';
import type { ReplayGuard } from '../replay/replay-guard';
import type { RequestScope } from '../request-scope';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { User } from '../users/user';
import type { UserService } from '../users/user.service';
import { FederationLinkSealer, type PendingLink } from './federation-link';
import type { FederatedIdentity, IdentityProvider } from './identity-provider';
import type { IdentityProviderStore } from './identity-provider-store';
import type { IdentityProviderService } from './identity-provider.service';

/** A user's link to an upstream identity, with its provider, as pages and the API show it. */
export interface LinkedIdentity {
  readonly id: string;
  readonly userId: string;
  readonly providerId: string;
  readonly providerAlias: string;
  readonly providerName: string;
  readonly issuer: string;
  readonly subject: string;
  readonly linkedAt: Date;
  readonly lastUsedAt: Date | null;
}

/** What the "no way in left" rule asks of passkeys (PasskeyService.list). */
export interface PasskeyLister {
  list(userId: string): Promise<readonly unknown[]>;
}

type Scope = Pick<RequestScope, 'clientIp' | 'requestId'> | null | undefined;

/** A refusal shown on a page (the reason kept for the audit trail). */
const refused = (description: string, reason: string): DomainError => new DomainError('access_denied', description, { detail: reason });

/**
 * The links between local users and upstream identities (issue 23), on every path: the link made
 * at a first federated sign-in once the user proved the existing account with its own sign-in
 * ({@link offerLink}, {@link linkAfterProof}: password, and the second factor the tenant's policy
 * owes, driven by AuthorizeService), the link made from the account page for the signed-in user
 * ({@link linkToUser}), the lists (account page, `me`, admins of the user's subtree) and unlinking,
 * which never leaves a user with no way in. Never by email alone. Every change is audited
 * (`federatedIdentityLinked`, `federatedIdentityUnlinked`).
 */
export class FederatedIdentityService {
  private readonly sealer: FederationLinkSealer;

  constructor(
    private readonly store: IdentityProviderStore,
    private readonly providers: IdentityProviderService,
    private readonly tenants: TenantService,
    private readonly users: UserService,
    private readonly passkeys: PasskeyLister,
    private readonly replays: ReplayGuard,
    secret: ServerSecret,
    clock: Clock,
    private readonly audit: AuditLog,
  ) {
    this.sealer = new FederationLinkSealer(secret, clock);
  }

  /**
   * The sealed link request for the page "An account for … already exists here", when the
   * colliding `candidate` can prove itself with a password; refused (said why) when it cannot.
   * `resume` is the browser-bound pending /authorize request it is paired with.
   */
  async offerLink(
    tenant: Tenant,
    provider: IdentityProvider,
    upstream: { issuer: string; subject: string; upstreamSid: string | null; idToken: string | null },
    candidate: User,
    resume: string,
  ): Promise<string> {
    if (!candidate.enabled) {
      throw refused(
        'An account with this email address or username already exists here, and it is disabled. Contact your administrator.',
        'link candidate disabled',
      );
    }
    if (!(await this.users.hasPassword(candidate))) {
      throw refused(
        `An account with this email address or username already exists here, but it has no password, so ${provider.name} cannot be linked to it on this page. ` +
          `Sign in to that account the way you usually do, then link ${provider.name} from your account page.`,
        'link candidate has no password',
      );
    }
    const shown = candidate.email ?? candidate.username;
    return this.sealer.seal(
      {
        tenantId: tenant.id,
        providerId: provider.id,
        issuer: upstream.issuer,
        subject: upstream.subject,
        userId: candidate.id,
        shown,
        upstreamSid: upstream.upstreamSid,
        idToken: upstream.idToken,
      },
      resume,
    );
  }

  /** Opens a sealed link request (with `resume` the first time: the pending request it was issued with); `invalid_request` when expired or foreign. */
  openLink(sealed: string | undefined, resume?: string): PendingLink {
    return this.sealer.open(sealed, resume);
  }

  /** The provider of a pending link, when it is still enabled in the link's tenant; else the link is refused. */
  async providerOf(link: PendingLink): Promise<IdentityProvider> {
    const provider = await this.providers.findById(link.providerId);
    if (!provider || !provider.enabled || provider.tenantId !== link.tenantId) {
      throw refused(
        'This sign-in option is no longer available. Return to the application and start signing in again.',
        'provider unavailable',
      );
    }
    return provider;
  }

  /**
   * Makes the pending link once `user` proved the existing account with its own sign-in (password,
   * and the second factor owed): single use, the upstream identity not linked meanwhile. Audited.
   */
  async linkAfterProof(tenant: Tenant, link: PendingLink, user: User, scope: Scope): Promise<FederatedIdentity> {
    const provider = await this.providerOf(link).catch((error: unknown) => {
      this.record(tenant, 'failure', user.id, null, { reason: 'provider unavailable', via: 'sign-in' }, scope);
      throw error;
    });
    try {
      if (link.userId !== user.id || link.tenantId !== tenant.id || user.tenantId !== tenant.id) {
        throw refused('This link request is not for this account. Return to the application and start again.', 'link for another user');
      }
      if (!(await this.replays.claimOnce('federation_link', provider.id, link.jti, new Date(link.exp)))) {
        throw refused('This link request was already used. Return to the application and start again.', 'link replayed');
      }
      const linked = await this.insert(tenant, provider, link, user);
      this.record(tenant, 'success', user.id, provider, { via: 'sign-in', identity: linked.id }, scope);
      return linked;
    } catch (error) {
      const reason = isDomainError(error) ? (error.detail ?? error.description) : 'unexpected failure';
      this.record(tenant, 'failure', user.id, provider, { reason: reason.slice(0, 300), via: 'sign-in' }, scope);
      throw error;
    }
  }

  /**
   * Links the upstream identity to the signed-in `user` (the account page's "Link …"): refused,
   * nothing changed, when that identity is linked to another user or the user already has another
   * identity of this provider; linking it again to the same user changes nothing. Audited.
   */
  async linkToUser(
    tenant: Tenant,
    provider: IdentityProvider,
    upstream: { issuer: string; subject: string },
    user: User,
    scope: Scope,
  ): Promise<FederatedIdentity> {
    try {
      const existing = await this.store.findIdentity(provider.id, upstream.issuer, upstream.subject);
      if (existing && existing.userId === user.id) return existing;
      if (existing) {
        throw refused(
          `This ${provider.name} identity is already linked to another account here. Nothing was changed: sign in with that account, or ask your administrator.`,
          'upstream identity linked to another user',
        );
      }
      if ((await this.store.identitiesOf(user.id)).some((identity) => identity.providerId === provider.id)) {
        throw refused(
          `Another ${provider.name} identity is already linked to your account. Unlink it first. Nothing was changed.`,
          'user already linked to this provider',
        );
      }
      const linked = await this.insert(tenant, provider, upstream, user);
      this.record(tenant, 'success', user.id, provider, { via: 'account', identity: linked.id }, scope);
      return linked;
    } catch (error) {
      const reason = isDomainError(error) ? (error.detail ?? error.description) : 'unexpected failure';
      this.record(tenant, 'failure', user.id, provider, { reason: reason.slice(0, 300), via: 'account' }, scope);
      throw error;
    }
  }

  private async insert(
    tenant: Tenant,
    provider: IdentityProvider,
    upstream: { issuer: string; subject: string },
    user: User,
  ): Promise<FederatedIdentity> {
    try {
      return await this.store.insertIdentity({
        id: randomUUID(),
        tenantId: tenant.id,
        userId: user.id,
        providerId: provider.id,
        issuer: upstream.issuer,
        subject: upstream.subject,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw refused(
        `This ${provider.name} identity is already linked to an account here. Nothing was changed.`,
        'upstream identity linked meanwhile',
      );
    }
  }

  /** The user's links with their providers, oldest first. */
  async listOf(user: Pick<User, 'id' | 'tenantId'>): Promise<LinkedIdentity[]> {
    const identities = await this.store.identitiesOf(user.id);
    if (identities.length === 0) return [];
    const providers = new Map((await this.store.list(user.tenantId)).map((provider) => [provider.id, provider]));
    return identities.flatMap((identity) => {
      const provider = providers.get(identity.providerId);
      return provider ? [describe(identity, provider)] : [];
    });
  }

  /** An admin's view of a user of their subtree (`not_found` outside it). */
  async listFor(actor: Actor, userId: string): Promise<LinkedIdentity[]> {
    requireAdmin(actor);
    return this.listOf(await this.users.get(actor, userId));
  }

  /** The token's own user's links (`me`); none for client tokens. */
  async mine(actor: Actor): Promise<LinkedIdentity[]> {
    if (!actor.userId) return [];
    const user = await this.users.findById(actor.userId);
    return user ? this.listOf(user) : [];
  }

  /** The tenant's enabled providers the user has no link to yet (the account page's "Link …" buttons). */
  async linkable(tenant: Tenant, user: User): Promise<IdentityProvider[]> {
    const [enabled, linked] = await Promise.all([this.providers.enabledOf(tenant), this.store.identitiesOf(user.id)]);
    return enabled.filter((provider) => !linked.some((identity) => identity.providerId === provider.id));
  }

  /** The signed-in user removes one of their own links (`not_found` for anyone else's); refused when it is the last way in. */
  async unlinkOwn(user: User, identityId: string, scope: Scope): Promise<LinkedIdentity> {
    const identity = isUuid(identityId) ? await this.store.findIdentityById(identityId) : null;
    if (!identity || identity.userId !== user.id) throw errors.notFound(`federated identity ${JSON.stringify(identityId)}`);
    return this.unlink(user, identity, { actorKind: 'user', actorId: user.id }, scope);
  }

  /** An admin removes a link of a user of their subtree (`not_found` outside it); refused when it is the user's last way in. */
  async unlinkFor(actor: Actor, identityId: string, scope: Scope): Promise<LinkedIdentity> {
    requireAdmin(actor);
    const identity = isUuid(identityId) ? await this.store.findIdentityById(identityId) : null;
    const user = identity
      ? await this.users.get(actor, identity.userId).catch((error: unknown) => {
          if (isDomainError(error) && error.code === 'not_found') return null;
          throw error;
        })
      : null;
    if (!identity || !user) throw errors.notFound(`federated identity ${JSON.stringify(identityId)}`);
    return this.unlink(
      user,
      identity,
      { actorKind: actor.userId ? 'user' : 'client', actorId: actor.subject, actorClientId: actor.clientId },
      scope,
    );
  }

  private async unlink(
    user: User,
    identity: FederatedIdentity,
    by: { actorKind: 'user' | 'client'; actorId: string; actorClientId?: string },
    scope: Scope,
  ): Promise<LinkedIdentity> {
    const tenant = await this.tenants.findById(user.tenantId);
    const provider = await this.store.findById(identity.providerId);
    const described = describe(identity, provider ?? { id: identity.providerId, alias: '', name: 'this provider' });
    const audit = (outcome: 'success' | 'failure', detail: Record<string, string>) =>
      this.audit.record({
        action: 'federatedIdentityUnlinked',
        outcome,
        tenantPath: tenant?.path ?? '/',
        ...by,
        targetKind: 'user',
        targetId: user.id,
        clientIp: scope?.clientIp ?? null,
        requestId: scope?.requestId ?? null,
        detail: { identity: identity.id, provider: described.providerAlias, ...detail },
      });
    if (!(await this.anotherWayIn(user, identity.id))) {
      audit('failure', { reason: 'last way in' });
      throw errors.conflict(
        `this is the last way to sign in to the account (no password, passkey or other linked sign-in): set a password or add a passkey first`,
      );
    }
    await this.store.deleteIdentity(identity.id);
    audit('success', {});
    return described;
  }

  /** Whether the user can still sign in without the link `exceptId`: a password, a passkey, or another link. */
  private async anotherWayIn(user: User, exceptId: string): Promise<boolean> {
    const [password, passkeys, links] = await Promise.all([
      this.users.hasPassword(user),
      this.passkeys.list(user.id),
      this.store.identitiesOf(user.id),
    ]);
    return password || passkeys.length > 0 || links.some((identity) => identity.id !== exceptId);
  }

  private record(
    tenant: Tenant,
    outcome: 'success' | 'failure',
    userId: string,
    provider: IdentityProvider | null,
    detail: Record<string, string>,
    scope: Scope,
  ): void {
    this.audit.record({
      action: 'federatedIdentityLinked',
      outcome,
      tenantPath: tenant.path,
      actorKind: 'user',
      actorId: userId,
      targetKind: 'user',
      targetId: userId,
      clientIp: scope?.clientIp ?? null,
      requestId: scope?.requestId ?? null,
      detail: { ...detail, ...(provider ? { provider: provider.alias } : {}) },
    });
  }
}

const describe = (identity: FederatedIdentity, provider: Pick<IdentityProvider, 'id' | 'alias' | 'name'>): LinkedIdentity => ({
  id: identity.id,
  userId: identity.userId,
  providerId: provider.id,
  providerAlias: provider.alias,
  providerName: provider.name,
  issuer: identity.issuer,
  subject: identity.subject,
  linkedAt: identity.createdAt,
  lastUsedAt: identity.lastUsedAt,
});
