import { ensure, errors } from '../errors';
import { narrowScopes, parseScope } from '../scopes';
import type { TenantService } from '../tenants/tenant.service';
import type { RefreshTokenService } from '../tokens/refresh-token.service';
import { chooseAccessTokenLifetime } from '../tokens/choose-access-token-lifetime';
import type { GrantContext, TokenParams } from './grant-context';
import type { UserTokenIssuer } from './user-token-issuer';
import type { GrantDeclaration, GrantHandler } from './grant-registry';
import type { TokenResponse } from './token-response';
import { invalidTarget } from '../apis/validate-api';
import { profileRequirements } from '../profiles/security-profile';
import { parseResources, type TokenTargets } from './token-targets';

/** `grant_type=refresh_token`: its parameters, and whether public clients may use it. */
export const REFRESH_TOKEN: GrantDeclaration = Object.freeze({
  grantType: 'refresh_token',
  parameters: ['refresh_token', 'scope', 'resource', 'access-token-lifetime'],
  publicClients: true,
});

/**
 * RFC 6749 §6 refresh. The presented token is validated first (so a bad
 * `scope` does not burn it), then rotated: the successor keeps the grant's
 * scopes (§6: "identical"), the new access token carries only the requested
 * ones, which may narrow the grant but never widen it (`invalid_scope`), and
 * scopes the client is no longer allowed are dropped. Reuse of a rotated
 * token revokes the family (RFC 9700 §4.14.2). A client held to FAPI2 (security-profile.ts)
 * is not rotated: the same refresh token stays valid until it expires or is revoked. A new ID Token keeps the
 * original `auth_time` and carries no `nonce` (OIDC Core §12.2).
 */
export class RefreshTokenGrant implements GrantHandler {
  readonly declaration = REFRESH_TOKEN;

  constructor(
    private readonly refreshTokens: RefreshTokenService,
    private readonly tenants: TenantService,
    private readonly issuer: UserTokenIssuer,
    private readonly targets: TokenTargets,
  ) {}

  async handle(context: GrantContext, params: TokenParams): Promise<TokenResponse> {
    const { client } = context;
    ensure(params.refresh_token, () => errors.invalidRequest('refresh_token is required', 'refresh_token'));
    const graceSeconds = context.tenant.refreshReuseGraceSeconds;
    const redeemed = await this.refreshTokens.redeem(params.refresh_token, client, graceSeconds);
    const { record } = redeemed;
    // RFC 9449 §5: a refresh token bound to a DPoP key is used only with a proof of that key.
    ensure(!record.dpopJkt || record.dpopJkt === context.dpopJkt, () =>
      errors.invalidGrant('the refresh token is bound to another DPoP key; send a DPoP proof of that key'),
    );
    // Seed 002 device tokens are refreshed only with their DeviceId (GET /token), never rotated.
    ensure(record.deviceId === null, () => errors.invalidGrant('a device refresh token needs its device_id (GET /token)'));
    const scopes = narrowScopes(parseScope(params.scope), record.scopes).filter((scope) => client.allowedScopes.includes(scope));
    const lifetimeSeconds = chooseAccessTokenLifetime(params['access-token-lifetime'], client.accessTokenLifetime);
    const { user } = record;
    ensure(user && user.enabled, () => errors.invalidGrant('the refresh token is invalid or revoked'));
    const tenant = await this.tenants.findById(record.tenantId);
    ensure(tenant, () => errors.invalidGrant('the refresh token is invalid or revoked'));
    // RFC 8707 §2.2: a refresh may name only resources the grant was given; none means all of them.
    const granted = record.resources ?? [];
    const requested = parseResources(params.resource);
    ensure(granted.length > 0 || requested.length === 0, () => invalidTarget('resource was not granted by the original grant'));
    const apis =
      granted.length > 0
        ? await this.targets.resolve(context.tenant, this.targets.narrow(granted, requested), scopes)
        : await this.targets.resolve(context.tenant, [], scopes);
    const target = await this.targets.forUser(apis, client, user.id, scopes, lifetimeSeconds);
    // Everything that may fail (a database read, signing) comes before the rotation, the refresh's only write:
    // an answer that fails (503) has then committed nothing, and the client may retry with the same token.
    const response = await this.issuer.issue({
      tenant,
      client,
      user,
      scopes: target.scopes,
      lifetimeSeconds: target.lifetimeSeconds,
      audience: target.audience,
      familyId: record.familyId,
      authTime: record.authTime,
      // The assurance of the original sign-in: a refresh never raises it.
      amr: record.amr,
      acr: record.acr,
      sessionSid: record.sessionSid,
      dpopJkt: context.dpopJkt,
    });
    // FAPI 2.0 §5.3.2.1 item 10: no rotation under FAPI2; the client keeps using the refresh token it has (no new one is sent).
    if (profileRequirements(context.tenant, client).rotateRefreshTokens) {
      response.refresh_token = await this.refreshTokens.rotate(redeemed, client, graceSeconds);
    }
    return response;
  }
}
