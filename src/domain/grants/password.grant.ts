import type { AuditLog } from '../audit/audit-log';
import { ensure, errors, isDomainError } from '../errors';
import { PASSWORD_AND_OTP, PASSWORD_ONLY, type Authentication } from '../mfa/authentication-methods';
import type { SecondFactorService } from '../mfa/second-factor.service';
import type { Tenant } from '../tenants/tenant';
import type { User } from '../users/user';
import { grantScopes, parseScope } from '../scopes';
import type { TenantService } from '../tenants/tenant.service';
import type { BruteForceGuard } from '../throttle/brute-force-guard';
import type { RefreshTokenService } from '../tokens/refresh-token.service';
import { chooseAccessTokenLifetime } from '../tokens/choose-access-token-lifetime';
import type { UserService } from '../users/user.service';
import { chooseUserTenantPath } from './choose-user-tenant-path';
import type { GrantContext, TokenParams } from './grant-context';
import type { UserTokenIssuer } from './user-token-issuer';
import type { GrantDeclaration, GrantHandler } from './grant-registry';
import { shouldIssueRefreshToken } from './should-issue-refresh-token';
import type { TokenResponse } from './token-response';
import { parseResources, type TokenTargets } from './token-targets';

const BAD_CREDENTIALS = 'invalid username or password';

/** `grant_type=password`: its parameters, and whether public clients may use it. */
export const PASSWORD: GrantDeclaration = Object.freeze({
  grantType: 'password',
  parameters: ['username', 'password', 'otp', 'scope', 'resource', 'tenant_path', 'access-token-lifetime'],
  publicClients: false,
});

/**
 * RFC 6749 §4.3 resource owner password credentials with seed 003's extras:
 * `tenant_path` (see {@link chooseUserTenantPath}), `access-token-lifetime`
 * (may only lower the client's lifetime) and `scope` (none means every scope
 * the client is allowed). Unknown users, wrong passwords, disabled users and
 * unknown tenants all fail alike with `invalid_grant` (§5.2). The tokens
 * belong to the user's tenant: its key signs them and its path is `tenant`.
 * Failed passwords are throttled per account and client IP together
 * (BruteForceGuard): a locked pair, or an unknown source while the account's
 * brake is on, gets 429 `invalid_grant` with Retry-After (RFC 9700 §4.6).
 * A user who owes a second factor (SecondFactorService.owed: enrolled, or
 * required by the tenant's policy) must send its code (TOTP or a recovery
 * code) as `otp`; a missing or wrong code, or a factor not yet set up, is
 * `invalid_grant` and issues nothing. The ID token's `amr`/`acr` say which.
 */
export class PasswordGrant implements GrantHandler {
  readonly declaration = PASSWORD;

  constructor(
    private readonly refreshTokens: RefreshTokenService,
    private readonly users: UserService,
    private readonly tenants: TenantService,
    private readonly issuer: UserTokenIssuer,
    private readonly guard: BruteForceGuard,
    private readonly targets: TokenTargets,
    private readonly secondFactors: Pick<SecondFactorService, 'owed' | 'verify'>,
    private readonly audit?: AuditLog,
  ) {}

  async handle(context: GrantContext, params: TokenParams): Promise<TokenResponse> {
    const { client, clock } = context;
    ensure(params.username, () => errors.invalidRequest('username is required', 'username'));
    ensure(params.password !== undefined, () => errors.invalidRequest('password is required', 'password'));
    const tenantPath = chooseUserTenantPath(params.tenant_path, context.tenant.path);
    const scopes = grantScopes(parseScope(params.scope), client.allowedScopes);
    const lifetimeSeconds = chooseAccessTokenLifetime(params['access-token-lifetime'], client.accessTokenLifetime);
    // RFC 8707: the APIs are the client's tenant's (or an accepting ancestor's), resolved before the password is checked.
    const apis = await this.targets.resolve(context.tenant, parseResources(params.resource), scopes);
    const tenant = tenantPath === context.tenant.path ? context.tenant : await this.tenants.findByPath(tenantPath);
    ensure(tenant, () => errors.invalidGrant(BAD_CREDENTIALS));
    const { username, password } = params;
    const attempt = {
      subject: { kind: 'account', tenantId: tenant.id, tenantPath: tenant.path, username, clientId: client.clientId },
      scope: context.scope,
      owed: 'invalid_grant',
    } as const;
    const user = await this.guard.protect(attempt, () => this.users.verifyCredentials(tenant.id, username, password));
    ensure(user, () => errors.invalidGrant(BAD_CREDENTIALS));
    const authentication = await this.secondFactorOf(tenant, user, params.otp, context);
    const authTime = clock.now();
    // A sign-in by password grant (its failures are recorded as refused token requests); queued, no round trip.
    this.audit?.record({
      action: 'signin',
      outcome: 'success',
      tenantPath: tenant.path,
      actorKind: 'user',
      actorId: user.id,
      actorClientId: client.clientId,
      targetKind: 'grant_type',
      targetId: 'password',
      clientIp: context.scope?.clientIp ?? null,
      requestId: context.scope?.requestId ?? null,
    });

    const target = await this.targets.forUser(apis, client, user.id, scopes, lifetimeSeconds);
    let familyId: string | undefined;
    let refreshToken: string | undefined;
    if (shouldIssueRefreshToken(client, scopes)) {
      familyId = await this.refreshTokens.startFamily({
        tenantId: tenant.id,
        clientId: client.clientId,
        userId: user.id,
        scopes,
        resources: target.resources,
        authTime,
      });
      refreshToken = await this.refreshTokens.issue({
        familyId,
        tenantId: tenant.id,
        clientId: client.clientId,
        scopes,
        expiresAt: new Date(authTime.getTime() + client.refreshTokenLifetime * 1000),
      });
    }
    return this.issuer.issue({
      tenant,
      client,
      user,
      scopes: target.scopes,
      lifetimeSeconds: target.lifetimeSeconds,
      audience: target.audience,
      familyId,
      refreshToken,
      authTime,
      amr: authentication.amr,
      acr: authentication.acr,
      dpopJkt: context.dpopJkt,
    });
  }

  /** The second factor the user owes, checked from `otp`; what the sign-in then amounts to. */
  private async secondFactorOf(tenant: Tenant, user: User, otp: string | undefined, context: GrantContext): Promise<Authentication> {
    const owed = await this.secondFactors.owed(tenant, user);
    if (owed === null) return PASSWORD_ONLY;
    ensure(owed === 'verify', () =>
      errors.invalidGrant('this user must set up a second factor first; sign in on the hosted pages to do so'),
    );
    ensure(otp, () => errors.invalidGrant('this user has a second factor: send its code or a recovery code as otp'));
    try {
      ensure(await this.secondFactors.verify(tenant, user, otp, context.scope), () =>
        errors.invalidGrant('the second factor code is wrong or was already used'),
      );
    } catch (error) {
      // Locked out of codes: 429 with the token endpoint's own error, as for passwords.
      if (isDomainError(error) && error.code === 'too_many_requests')
        throw errors.tooManyRequests(error.retryAfterSeconds ?? 1, error.message, 'invalid_grant');
      throw error;
    }
    return PASSWORD_AND_OTP;
  }
}
