import type { AccessTokenService } from '../tokens/access-token.service';
import { chooseAccessTokenLifetime } from '../tokens/choose-access-token-lifetime';
import { grantScopes, parseScope } from '../scopes';
import type { GrantContext, TokenParams } from './grant-context';
import type { GrantDeclaration, GrantHandler } from './grant-registry';
import type { TokenResponse } from './token-response';
import { parseResources, type TokenTargets } from './token-targets';

/** `grant_type=client_credentials`: its parameters, and whether public clients may use it. */
export const CLIENT_CREDENTIALS: GrantDeclaration = Object.freeze({
  grantType: 'client_credentials',
  parameters: ['scope', 'resource', 'access-token-lifetime'],
  publicClients: false,
});

/**
 * RFC 6749 §4.4 client credentials. The token's subject is the client itself;
 * no refresh token is issued (§4.4.3) and nothing is written to the database.
 * For an API (RFC 8707 `resource`, or the tenant's default API) the token carries
 * the permissions the client's roles grant ({@link TokenTargets}); a warm request
 * reads APIs and roles from caches.
 */
export class ClientCredentialsGrant implements GrantHandler {
  readonly declaration = CLIENT_CREDENTIALS;

  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly targets: TokenTargets,
  ) {}

  async handle(context: GrantContext, params: TokenParams): Promise<TokenResponse> {
    const { client } = context;
    const requested = parseScope(params.scope);
    const lifetimeSeconds = chooseAccessTokenLifetime(params['access-token-lifetime'], client.accessTokenLifetime);
    const apis = await this.targets.resolve(
      context.tenant,
      parseResources(params.resource),
      requested.length > 0 ? requested : client.allowedScopes,
    );
    if (apis) {
      const target = await this.targets.target(apis, client, requested, { kind: 'client', id: client.id }, []);
      const issued = await this.accessTokens.issue({
        tenant: context.tenant,
        client,
        subject: client.clientId,
        scopes: target.scopes,
        audience: target.audience,
        lifetimeSeconds: Math.min(lifetimeSeconds, target.maxLifetimeSeconds),
        dpopJkt: context.dpopJkt,
      });
      return {
        access_token: issued.token,
        token_type: context.dpopJkt ? 'DPoP' : 'Bearer',
        expires_in: issued.expiresIn,
        scope: target.scopes.join(' '),
      };
    }
    const scopes = grantScopes(requested, client.allowedScopes);
    const issued = await this.accessTokens.issue({
      tenant: context.tenant,
      client,
      subject: client.clientId,
      scopes,
      lifetimeSeconds,
      dpopJkt: context.dpopJkt,
    });
    return {
      access_token: issued.token,
      token_type: context.dpopJkt ? 'DPoP' : 'Bearer',
      expires_in: issued.expiresIn,
      scope: scopes.join(' '),
    };
  }
}
