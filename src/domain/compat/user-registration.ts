import { defaults } from '../../config/defaults';
import { ADMIN_SCOPE, tenantPathInScope, type Actor } from '../actor';
import type { AuditLog } from '../audit/audit-log';
import { ensure, errors, isDomainError } from '../errors';
import type { RequestScope } from '../request-scope';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { TenantService } from '../tenants/tenant.service';
import type { SlidingWindowLimiter } from '../throttle/sliding-window-limiter';
import type { User } from '../users/user';
import type { UserService } from '../users/user.service';
import { withSeedFieldNames } from './seed-field-names';

export interface RegisterUserInput {
  username?: string;
  password?: string;
  email?: string;
  phone?: string;
  firstname?: string;
  lastname?: string;
  /** Default: the admin's tenant, or the root tenant for self sign-up. */
  tenantPath?: string;
}

const FIELD_NAMES = { tenantPath: 'tenant_path' };

/**
 * Seed 001 `/register_user`. An admin (scope `admin`) creates users in its
 * tenant or a `tenantPath` inside its subtree (elsewhere `not_found`, as for a
 * tenant that does not exist). Any
 * other caller, with no bearer or a non-admin one, is a self sign-up: allowed
 * only where the tenant's `allowSelfSignup` is on, and throttled per client
 * IP (the request scope's, TRUST_PROXY honoured) and tenant before anything else is checked (`too_many_requests`).
 * Where self sign-up is off, or the tenant does not exist, an anonymous caller
 * gets `unauthenticated` (no hint whether the tenant exists) and a non-admin
 * bearer `forbidden`.
 */
export class UserRegistration {
  constructor(
    private readonly users: UserService,
    private readonly tenants: TenantService,
    private readonly limiter: SlidingWindowLimiter,
    private readonly audit: AuditLog,
  ) {}

  async register(
    actor: Actor | null,
    input: RegisterUserInput,
    scope: Pick<RequestScope, 'clientIp'> & Partial<Pick<RequestScope, 'requestId'>>,
  ): Promise<{ user: User; tenantPath: string }> {
    return withSeedFieldNames(FIELD_NAMES, async () => {
      const isAdmin = actor?.scopes.includes(ADMIN_SCOPE) ?? false;
      const requested = input.tenantPath ? normalizeTenantPath(input.tenantPath, 'tenantPath') : null;
      const tenantPath = requested ?? (isAdmin && actor ? actor.tenantPath : '/');
      if (isAdmin && actor) tenantPathInScope(actor, tenantPath);
      else await this.admitSelfSignup(actor, tenantPath, scope);
      ensure(input.username, () => errors.validation('username', 'is required'));
      ensure(input.password, () => errors.validation('password', 'is required'));
      const fields = { ...input, username: input.username, password: input.password };
      // Self sign-up: the address gets a verification link (when SMTP_URL is set), written with the user; an admin's registration does not.
      const user = isAdmin ? await this.users.insert(tenantPath, fields) : await this.users.insertSelfRegistered(tenantPath, fields);
      return { user, tenantPath };
    });
  }

  private async admitSelfSignup(
    actor: Actor | null,
    tenantPath: string,
    scope: Pick<RequestScope, 'clientIp'> & Partial<Pick<RequestScope, 'requestId'>>,
  ): Promise<void> {
    const clientIp = scope.clientIp ?? 'unknown';
    const tenant = await this.tenants.findByPath(tenantPath);
    if (!tenant?.allowSelfSignup) {
      throw actor
        ? errors.forbidden('this operation requires scope "admin"')
        : errors.unauthenticated('an admin bearer access token is required');
    }
    try {
      await this.limiter.hit(`self-signup:${tenant.id}:${clientIp}`, defaults.selfSignupRateLimit);
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests') {
        const detail = { phase: 'refused', retryAfterSeconds: error.retryAfterSeconds ?? 0, endpoint: 'register_user' };
        this.audit.record({
          action: 'throttle',
          outcome: 'failure',
          tenantPath,
          actorKind: 'anonymous',
          targetKind: 'ip',
          targetId: clientIp,
          clientIp: scope.clientIp,
          requestId: scope.requestId ?? null,
          detail,
        });
      }
      throw error;
    }
  }
}
