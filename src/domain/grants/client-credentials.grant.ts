import type { AccessTokenService } from '../tokens/access-token.service';
import { chooseAccessTokenLifetime } from '../tokens/choose-access-token-lifetime';
import { grantScopes, parseScope } from '../scopes';
import type { GrantContext, TokenParams } from './grant-context';
import type { GrantDeclaration, GrantHandler } from './grant-registry';
import type { TokenResponse } from './token-response';

/** `grant_type=client_credentials`: its parameters, and whether public clients may use it. */
export const CLIENT_CREDENTIALS: GrantDeclaration = Object.freeze({ grantType: 'client_credentials', parameters: ['scope', 'access-token-lifetime'], publicClients: false });

/**
 * RFC 6749 §4.4 client credentials. The token's subject is the client itself;
 * no refresh token is issued (§4.4.3) and nothing is written to the database.
 */
export class ClientCredentialsGrant implements GrantHandler {
  readonly declaration = CLIENT_CREDENTIALS;

  constructor(private readonly accessTokens: AccessTokenService) {}

  async handle(context: GrantContext, params: TokenParams): Promise<TokenResponse> {
    const scopes = grantScopes(parseScope(params.scope), context.client.allowedScopes);
    const lifetimeSeconds = chooseAccessTokenLifetime(params['access-token-lifetime'], context.client.accessTokenLifetime);
    const issued = await this.accessTokens.issue({
      tenant: context.tenant,
      client: context.client,
      subject: context.client.clientId,
      scopes,
      lifetimeSeconds,
    });
    return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: scopes.join(' ') };
  }
}
