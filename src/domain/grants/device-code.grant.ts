import { randomUUID } from 'node:crypto';
import { DEVICE_CODE_GRANT_TYPE } from '../device-authorization/device-authorization';
import type { DeviceAuthorizationService } from '../device-authorization/device-authorization.service';
import { ensure, errors } from '../errors';
import type { TenantService } from '../tenants/tenant.service';
import { chooseAccessTokenLifetime } from '../tokens/choose-access-token-lifetime';
import type { RefreshTokenService } from '../tokens/refresh-token.service';
import type { UserService } from '../users/user.service';
import type { GrantContext, TokenParams } from './grant-context';
import type { GrantDeclaration, GrantHandler } from './grant-registry';
import { shouldIssueRefreshToken } from './should-issue-refresh-token';
import type { TokenResponse } from './token-response';
import { parseResources, type TokenTargets } from './token-targets';
import type { UserTokenIssuer } from './user-token-issuer';

/** `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4): public clients may use it (devices keep no secret). */
export const DEVICE_CODE: GrantDeclaration = Object.freeze({
  grantType: DEVICE_CODE_GRANT_TYPE,
  parameters: ['device_code', 'resource'],
  publicClients: true,
});

/**
 * RFC 8628 §3.4 device access token request. The poll's errors
 * (`authorization_pending`, `slow_down`, `expired_token`, `access_denied`,
 * `invalid_grant`) come from {@link DeviceAuthorizationService.poll}. Once the
 * user approved, the tokens are those of the code flow for that user: an
 * access token (`sid` = the grant's family), a refresh token per
 * {@link shouldIssueRefreshToken}, an ID Token when `openid` was granted.
 * Redemption is single: the approved → redeemed change is one conditional
 * update, so of two concurrent polls one gets tokens, the other `invalid_grant`.
 */
export class DeviceCodeGrant implements GrantHandler {
  readonly declaration = DEVICE_CODE;

  constructor(
    private readonly authorizations: DeviceAuthorizationService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly users: UserService,
    private readonly tenants: TenantService,
    private readonly issuer: UserTokenIssuer,
    private readonly targets: TokenTargets,
  ) {}

  async handle(context: GrantContext, params: TokenParams): Promise<TokenResponse> {
    const { client, clock } = context;
    const authorization = await this.authorizations.poll(client, params.device_code);
    const user = authorization.userId ? await this.users.findById(authorization.userId) : null;
    ensure(user && user.enabled && user.tenantId === authorization.tenantId, () =>
      errors.invalidGrant('the user is disabled or no longer exists'),
    );
    const tenant = await this.tenants.findById(authorization.tenantId);
    ensure(tenant, () => errors.invalidGrant('the device code is invalid'));
    const lifetimeSeconds = chooseAccessTokenLifetime(undefined, client.accessTokenLifetime);
    // RFC 8707 §2.2: the token request may narrow the authorization request's resources; without any there, it may name its own.
    const requested = parseResources(params.resource);
    const apis = await this.targets.resolve(
      context.tenant,
      authorization.resources.length > 0 ? this.targets.narrow(authorization.resources, requested) : requested,
      authorization.scopes,
    );
    const target = await this.targets.forUser(apis, client, user.id, authorization.scopes, lifetimeSeconds);
    const familyId = randomUUID();
    const resources = authorization.resources.length > 0 ? authorization.resources : target.resources;
    // RFC 9449 §5: a public client's refresh tokens are bound to its DPoP key; a confidential client's are not.
    const dpopJkt = client.isPublic ? (context.dpopJkt ?? null) : null;
    ensure(await this.authorizations.redeem(authorization, { familyId, resources, dpopJkt }), () =>
      errors.invalidGrant('the device code has already been used'),
    );
    const refreshToken = shouldIssueRefreshToken(client, authorization.scopes)
      ? await this.refreshTokens.issue({
          familyId,
          tenantId: tenant.id,
          clientId: client.clientId,
          scopes: authorization.scopes,
          expiresAt: new Date(clock.now().getTime() + client.refreshTokenLifetime * 1000),
        })
      : undefined;
    return this.issuer.issue({
      tenant,
      client,
      user,
      scopes: target.scopes,
      lifetimeSeconds: target.lifetimeSeconds,
      audience: target.audience,
      familyId,
      refreshToken,
      authTime: authorization.authTime,
      amr: authorization.amr,
      acr: authorization.acr,
      dpopJkt: context.dpopJkt,
    });
  }
}
