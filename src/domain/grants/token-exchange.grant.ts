import { ADMIN_SCOPE } from '../actor';
import type { Client } from '../clients/client';
import {
  chooseTokenExchangeMode,
  mayExchangeTokenOf,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type TokenExchangeMode,
} from '../clients/token-exchange-policy';
import { epochSeconds } from '../clock';
import { ensure, errors, isDomainError } from '../errors';
import { tenantPathOfIssuer } from '../issuers/tenant-issuer';
import { parseScope } from '../scopes';
import type { Tenant } from '../tenants/tenant';
import type { ActorClaim } from '../tokens/access-token-claims';
import type { AccessTokenService, VerifiedAccessToken } from '../tokens/access-token.service';
import { chooseAccessTokenLifetime } from '../tokens/choose-access-token-lifetime';
import type { GrantContext, TokenParams } from './grant-context';
import type { GrantDeclaration, GrantHandler } from './grant-registry';
import type { TokenResponse } from './token-response';
import { parseResources, type TokenTargets } from './token-targets';

/** RFC 8693 §3 token type of an OAuth 2.0 access token: the one type this server exchanges and issues. */
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`: confidential clients only. */
export const TOKEN_EXCHANGE: GrantDeclaration = Object.freeze({
  grantType: TOKEN_EXCHANGE_GRANT_TYPE,
  parameters: [
    'subject_token',
    'subject_token_type',
    'actor_token',
    'actor_token_type',
    'requested_token_type',
    'scope',
    'resource',
    'audience',
    'access-token-lifetime',
  ],
  publicClients: false,
});

/** Which of the request's tokens a check is about, as its parameter is named. */
type TokenParameter = 'subject_token' | 'actor_token';

/**
 * RFC 8693 token exchange. The client must list the grant type and its tenant admin must have
 * allowed impersonation and/or delegation (client `tokenExchange`, see token-exchange-policy.ts).
 *
 * - `subject_token` is an access token of this server that represents a user, verified exactly as
 *   introspection and userinfo verify one (signature, expiry, every revocation cutoff); it must be
 *   of the client's tenant (or, with `subtree`, of a descendant), both its `tenant` and its issuer.
 *   Anything else is `invalid_grant`. Other token types, and `requested_token_type` other than an
 *   access token, are `invalid_request`.
 * - Without `actor_token` it is impersonation: the new token's `sub` is the subject's, and an `act`
 *   the subject token carries is kept (a delegated token never becomes a plain one). With one
 *   (any valid access token of this server under the same tenant rule) it is delegation: `act`
 *   names the actor (`sub`, `client_id`), with the subject token's `act` nested inside (§4.1).
 * - `scope` (default: the subject token's) may only narrow the subject token's scope and stay within
 *   the client's `allowedScopes` (`invalid_scope`); `admin` is never issued by an exchange.
 *   `resource` and `audience` name APIs (RFC 8707), resolved as for every grant (`invalid_target`).
 * - The token lives no longer than the subject token (nor the actor token) has left; it keeps the
 *   subject token's refresh family and device, so revoking those revokes it. No refresh token.
 */
export class TokenExchangeGrant implements GrantHandler {
  readonly declaration = TOKEN_EXCHANGE;

  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly targets: TokenTargets,
    /** The server's `ISSUER`: a token's issuer names its issuing tenant under it. */
    private readonly issuerBase: string,
  ) {}

  async handle(context: GrantContext, params: TokenParams): Promise<TokenResponse> {
    const { client, tenant: clientTenant, clock } = context;
    const subjectToken = requireToken(params, 'subject_token', 'subject_token_type');
    const actorToken = params.actor_token === undefined ? undefined : requireToken(params, 'actor_token', 'actor_token_type');
    ensure(actorToken !== undefined || params.actor_token_type === undefined, () =>
      errors.invalidRequest('actor_token_type without actor_token', 'actor_token_type'),
    );
    ensure(params.requested_token_type === undefined || params.requested_token_type === ACCESS_TOKEN_TYPE, () =>
      errors.invalidRequest(`requested_token_type is not supported: only ${ACCESS_TOKEN_TYPE} is issued`, 'requested_token_type'),
    );
    const mode = chooseTokenExchangeMode(client.tokenExchange, actorToken !== undefined);
    const requested = parseScope(params.scope);
    ensure(!requested.includes(ADMIN_SCOPE), () => errors.invalidScope('scope admin is not issued by token exchange'));
    const resources = [...new Set([...parseResources(params.resource), ...(params.audience === undefined ? [] : [params.audience])])];
    const lifetimeSeconds = chooseAccessTokenLifetime(params['access-token-lifetime'], client.accessTokenLifetime);

    const subject = await this.verify(subjectToken, 'subject_token', client, clientTenant);
    const { user } = subject;
    ensure(user && user.id === subject.claims.sub, () => errors.invalidGrant('the subject_token does not represent a user'));
    const actor = actorToken === undefined ? null : await this.verify(actorToken, 'actor_token', client, clientTenant);

    const scopes = exchangedScopes(requested, parseScope(subject.claims.scope), client.allowedScopes);
    const apis = await this.targets.resolve(clientTenant, resources, scopes);
    const target = await this.targets.forUser(apis, client, user.id, scopes, lifetimeSeconds);
    const now = epochSeconds(clock);
    const remaining = Math.min(subject.claims.exp, actor?.claims.exp ?? Infinity) - now;
    const issued = await this.accessTokens.issue({
      tenant: subject.tenant,
      client,
      subject: user.id,
      scopes: target.scopes,
      audience: target.audience,
      lifetimeSeconds: Math.max(1, Math.min(target.lifetimeSeconds, remaining)),
      familyId: subject.claims.sid,
      deviceId: subject.claims.device_id,
      act: actorClaim(mode, subject, actor),
      dpopJkt: context.dpopJkt,
    });
    return {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: context.dpopJkt ? 'DPoP' : 'Bearer',
      expires_in: issued.expiresIn,
      scope: target.scopes.join(' '),
    };
  }

  /**
   * The access token verification every other path uses; an inactive token, or one of a tenant
   * the client's policy does not reach (by its `tenant` or by its issuer), is `invalid_grant`.
   */
  private async verify(token: string, parameter: TokenParameter, client: Client, clientTenant: Tenant): Promise<VerifiedAccessToken> {
    let verified: VerifiedAccessToken;
    try {
      verified = await this.accessTokens.verify(token);
    } catch (error) {
      if (isDomainError(error) && error.code === 'invalid_token')
        throw errors.invalidGrant(`the ${parameter} is invalid, expired or revoked`);
      throw error;
    }
    const issuingPath = tenantPathOfIssuer(this.issuerBase, verified.claims.iss);
    const policy = client.tokenExchange;
    ensure(
      issuingPath !== null &&
        mayExchangeTokenOf(policy, clientTenant.path, issuingPath) &&
        mayExchangeTokenOf(policy, clientTenant.path, verified.tenant.path),
      () => errors.invalidGrant(`the ${parameter} was not issued for this tenant`),
    );
    return verified;
  }
}

/** A token parameter with its `_type`, both required, the type an access token's (RFC 8693 §2.1). */
function requireToken(params: TokenParams, parameter: TokenParameter, typeParameter: string): string {
  const token = params[parameter];
  ensure(token, () => errors.invalidRequest(`${parameter} is required`, parameter));
  const type = params[typeParameter];
  ensure(type, () => errors.invalidRequest(`${typeParameter} is required`, typeParameter));
  ensure(type === ACCESS_TOKEN_TYPE, () =>
    errors.invalidRequest(`${typeParameter} is not supported: only ${ACCESS_TOKEN_TYPE} is accepted`, typeParameter),
  );
  return token;
}

/**
 * The exchanged token's scope: the requested scopes, each held by the subject token and allowed to
 * the client (`invalid_scope` otherwise); none requested: those of the subject token the client is
 * allowed. Never `admin`.
 */
export function exchangedScopes(requested: readonly string[], subjectScopes: readonly string[], allowed: readonly string[]): string[] {
  if (requested.length === 0) return subjectScopes.filter((scope) => scope !== ADMIN_SCOPE && allowed.includes(scope));
  const beyond = requested.filter((scope) => !subjectScopes.includes(scope));
  ensure(beyond.length === 0, () => errors.invalidScope(`scope exceeds the subject_token: ${beyond.join(' ')}`));
  const refused = requested.filter((scope) => !allowed.includes(scope));
  ensure(refused.length === 0, () => errors.invalidScope(`scope not allowed for this client: ${refused.join(' ')}`));
  return [...requested];
}

/** The new token's `act`: the actor over the subject's prior actors (delegation), or the subject's own (impersonation). */
function actorClaim(mode: TokenExchangeMode, subject: VerifiedAccessToken, actor: VerifiedAccessToken | null): ActorClaim | undefined {
  const prior = subject.claims.act;
  if (mode === 'impersonation' || !actor) return prior;
  return { sub: actor.claims.sub, client_id: actor.claims.client_id, ...(prior ? { act: prior } : {}) };
}
