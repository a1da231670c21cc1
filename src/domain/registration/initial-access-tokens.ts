import { requireAdmin, withinActorSubtree, type Actor } from '../actor';
import type { Clock } from '../clock';
import { randomToken } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';
import { ensure, errors } from '../errors';
import { hasControlCharacter } from '../control-characters';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import { validateRegistrationPolicy, type RegistrationPolicyInput } from './registration-policy';
import type { InitialAccessToken, InitialAccessTokenStore } from './registration-store';

export interface CreateInitialAccessTokenInput {
  /** Default: the actor's tenant. */
  tenantPath?: string | null;
  description?: string | null;
  policy?: RegistrationPolicyInput | null;
  /** Seconds until it expires; null: it does not. */
  expiresIn?: number | null;
  /** Registrations it admits; null: no limit. */
  maxUses?: number | null;
}

export interface InitialAccessTokenWithSecret {
  initialAccessToken: InitialAccessToken;
  /** Shown once; only its keyed digest is stored. */
  token: string;
}

/** The longest an initial access token may live: one year. */
const MAX_EXPIRES_IN_SECONDS = 365 * 24 * 3600;
const MAX_USES = 1_000_000;

/**
 * Initial access tokens (RFC 7591 §3): a tenant admin issues one (shown once, stored as a keyed
 * digest) with a registration policy, an expiry and a use count, lists and revokes them. A token
 * admits registrations at its own tenant's issuer only.
 */
export class InitialAccessTokens {
  constructor(
    private readonly store: InitialAccessTokenStore,
    private readonly tenants: TenantService,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateInitialAccessTokenInput): Promise<InitialAccessTokenWithSecret> {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, input.tenantPath || actor.tenantPath, 'tenantPath');
    const policy = validateRegistrationPolicy(input.policy ?? {});
    const description = (input.description ?? '').trim();
    ensure(description.length <= 200 && !hasControlCharacter(description), () =>
      errors.validation('description', 'must be at most 200 characters without control characters'),
    );
    const expiresIn = input.expiresIn ?? null;
    ensure(expiresIn === null || (Number.isInteger(expiresIn) && expiresIn >= 1 && expiresIn <= MAX_EXPIRES_IN_SECONDS), () =>
      errors.validation('expiresIn', `must be an integer number of seconds between 1 and ${MAX_EXPIRES_IN_SECONDS}`),
    );
    const maxUses = input.maxUses ?? null;
    ensure(maxUses === null || (Number.isInteger(maxUses) && maxUses >= 1 && maxUses <= MAX_USES), () =>
      errors.validation('maxUses', `must be an integer between 1 and ${MAX_USES}`),
    );
    const token = randomToken(32);
    const initialAccessToken = await this.store.insert({
      tenantId: tenant.id,
      tokenDigest: this.secret.digest(token),
      description,
      policy,
      maxUses,
      expiresAt: expiresIn === null ? null : new Date(this.clock.now().getTime() + expiresIn * 1000),
    });
    return { initialAccessToken, token };
  }

  /** The tokens of a tenant of the actor's subtree (default: the actor's), newest first. */
  async list(actor: Actor, tenantPath: string | null | undefined): Promise<InitialAccessToken[]> {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    return this.store.listByTenant(tenant.id);
  }

  /** Revokes a token of the actor's subtree; `not_found` alike for one that does not exist and one outside. */
  async revoke(actor: Actor, id: string): Promise<InitialAccessToken> {
    requireAdmin(actor);
    const found = await this.store.findById(id);
    const tenant = found && (await this.tenants.findById(found.tenantId));
    const notFound = () => errors.notFound(`initial access token ${JSON.stringify(id)}`);
    ensure(tenant, notFound);
    ensure(withinActorSubtree(actor, tenant.path), notFound);
    const revoked = await this.store.revoke(id, this.clock.now());
    ensure(revoked, notFound);
    return revoked;
  }

  /** The token `presented` when it belongs to `tenant` and is usable now; `invalid_token` otherwise, alike for every reason. */
  async admit(tenant: Tenant, presented: string): Promise<InitialAccessToken> {
    const found = await this.store.findByDigest(this.secret.digestCandidates(presented));
    ensure(found && found.tenantId === tenant.id && usable(found, this.clock.now()), () =>
      errors.invalidToken('the initial access token is invalid, expired, used up or revoked'),
    );
    return found;
  }

  /** Counts one use of an admitted token (inside the registering transaction); `invalid_token` when it was used up meanwhile. */
  async consume(token: InitialAccessToken): Promise<void> {
    ensure(await this.store.consume(token.id, this.clock.now()), () =>
      errors.invalidToken('the initial access token is invalid, expired, used up or revoked'),
    );
  }
}

const usable = (token: InitialAccessToken, now: Date): boolean =>
  token.revokedAt === null &&
  (token.expiresAt === null || token.expiresAt.getTime() > now.getTime()) &&
  (token.maxUses === null || token.uses < token.maxUses);
