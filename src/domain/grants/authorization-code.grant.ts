import { randomUUID } from 'node:crypto';
import { ensure, errors } from '../errors';
import type { TenantService } from '../tenants/tenant.service';
import type { RefreshTokenService } from '../tokens/refresh-token.service';
import { chooseAccessTokenLifetime } from '../tokens/choose-access-token-lifetime';
import type { UserService } from '../users/user.service';
import type { AuthorizationCodes } from './authorization-codes';
import { checkPkce } from './check-pkce';
import type { GrantContext, TokenParams } from './grant-context';
import type { UserTokenIssuer } from './user-token-issuer';
import type { GrantDeclaration, GrantHandler } from './grant-registry';
import { shouldIssueRefreshToken } from './should-issue-refresh-token';
import type { TokenResponse } from './token-response';
import { parseResources, type TokenTargets } from './token-targets';

/** `grant_type=authorization_code`: its parameters, and whether public clients may use it. */
export const AUTHORIZATION_CODE: GrantDeclaration = Object.freeze({
  grantType: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier', 'resource', 'access-token-lifetime'],
  publicClients: true,
});

/**
 * RFC 6749 §4.1.3 authorization code redemption with RFC 7636 §4.6 PKCE.
 *
 * - The code must exist, be unexpired (60 s, docs/contract.md), belong to the
 *   authenticated client and have been issued for exactly this `redirect_uri`,
 *   which we always require (§4.1.3 requires it only when the authorization
 *   request carried one; ours always do). All failures are `invalid_grant`.
 * - PKCE per {@link checkPkce}; a public client's code must carry a challenge.
 * - Single use: a code presented again fails and revokes everything its first
 *   redemption issued (§4.1.2, §10.5; RFC 9700 §4.2.4).
 * - Issues an access token (`sid` = the grant's family), a refresh token per
 *   {@link shouldIssueRefreshToken}, and an ID Token with `nonce`,
 *   `auth_time` and `at_hash` when `openid` was granted (OIDC Core §3.1.3.3).
 */
export class AuthorizationCodeGrant implements GrantHandler {
  readonly declaration = AUTHORIZATION_CODE;

  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly refreshTokens: RefreshTokenService,
    private readonly users: UserService,
    private readonly tenants: TenantService,
    private readonly issuer: UserTokenIssuer,
    private readonly targets: TokenTargets,
  ) {}

  async handle(context: GrantContext, params: TokenParams): Promise<TokenResponse> {
    const { client, clock } = context;
    ensure(params.code, () => errors.invalidRequest('code is required', 'code'));
    ensure(params.redirect_uri, () => errors.invalidRequest('redirect_uri is required', 'redirect_uri'));
    const code = await this.codes.find(params.code);
    ensure(code, () => errors.invalidGrant('the authorization code is invalid'));
    if (code.consumedAt) {
      await this.codes.revokeRedemption(code);
      throw errors.invalidGrant('the authorization code has already been used');
    }
    ensure(code.clientId === client.clientId, () => errors.invalidGrant('the authorization code was issued to another client'));
    ensure(code.expiresAt.getTime() > clock.now().getTime(), () => errors.invalidGrant('the authorization code has expired'));
    ensure(code.redirectUri === params.redirect_uri, () =>
      errors.invalidGrant('redirect_uri does not match the one of the authorization request'),
    );
    ensure(!client.isPublic || code.codeChallenge, () => errors.invalidGrant('public clients must use PKCE'));
    checkPkce(code, params.code_verifier);
    // RFC 9449 §10: a code requested with dpop_jkt redeems only with a proof of that key.
    ensure(code.dpopJkt === null || code.dpopJkt === context.dpopJkt, () =>
      errors.invalidGrant('the DPoP proof key does not match the dpop_jkt of the authorization request'),
    );
    const lifetimeSeconds = chooseAccessTokenLifetime(params['access-token-lifetime'], client.accessTokenLifetime);
    const user = await this.users.findById(code.userId);
    ensure(user && user.enabled, () => errors.invalidGrant('the user is disabled or no longer exists'));
    const tenant = await this.tenants.findById(code.tenantId);
    ensure(tenant, () => errors.invalidGrant('the authorization code is invalid'));

    // RFC 8707 §2.2: the token request may narrow the authorization request's resources; without any there, it may name its own.
    const requested = parseResources(params.resource);
    const apis = await this.targets.resolve(
      context.tenant,
      code.resources.length > 0 ? this.targets.narrow(code.resources, requested) : requested,
      code.scopes,
    );
    const target = await this.targets.forUser(apis, client, user.id, code.scopes, lifetimeSeconds);
    const redemption = {
      familyId: randomUUID(),
      accessTokenJti: randomUUID(),
      resources: code.resources.length > 0 ? code.resources : target.resources,
      // RFC 9449 §5: a public client's refresh tokens are bound to its DPoP key; a confidential client's are not.
      dpopJkt: client.isPublic ? (context.dpopJkt ?? null) : null,
    };
    if (!(await this.codes.consume(code, redemption))) {
      // A concurrent redemption won: this one is the replay.
      const winner = await this.codes.find(params.code);
      if (winner) await this.codes.revokeRedemption(winner);
      throw errors.invalidGrant('the authorization code has already been used');
    }
    const refreshToken = shouldIssueRefreshToken(client, code.scopes)
      ? await this.refreshTokens.issue({
          familyId: redemption.familyId,
          tenantId: tenant.id,
          clientId: client.clientId,
          scopes: code.scopes,
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
      familyId: redemption.familyId,
      jti: redemption.accessTokenJti,
      refreshToken,
      authTime: code.authTime,
      amr: code.amr,
      acr: code.acr,
      sessionSid: code.sessionSid,
      nonce: code.nonce,
      dpopJkt: context.dpopJkt,
    });
  }
}
