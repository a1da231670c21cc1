import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Client } from '../../domain/clients/client';
import { ConnectionType } from './connection';
import { SecurityProfileEnum } from './security-profile.type';

export enum ResponseStyleEnum {
  STANDARD = 'standard',
  SEED001 = 'seed001',
}
registerEnumType(ResponseStyleEnum, {
  name: 'ResponseStyle',
  description: 'Shape of a client’s successful token responses.',
  valuesConfig: {
    STANDARD: { description: 'RFC 6749 §5.1.' },
    SEED001: { description: 'RFC 6749 §5.1 plus `"status": "SUCCESS"` (seed 001 clients, as `/register_client` creates them).' },
  },
});

@ObjectType('TokenExchangeSettings', {
  simpleResolvers: true,
  description: 'What a client may do with RFC 8693 token exchange (it must also list the token-exchange grant type).',
})
export class TokenExchangeSettingsType {
  @Field({ description: 'Exchange a user’s access token for one of the same user (same `sub`, no `act`).' })
  impersonation!: boolean;

  @Field({ description: 'Exchange a user’s access token with an actor token for one that names the actor in `act`.' })
  delegation!: boolean;

  @Field({ description: 'Accept tokens of the client’s tenant’s descendants too, not only of its own tenant.' })
  subtree!: boolean;
}

@ObjectType('Client', { simpleResolvers: true, description: 'An OAuth client. Its secret is never readable; see `rotateClientSecret`.' })
export class ClientType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The OAuth `client_id`.' })
  clientId!: string;

  @Field()
  tenantPath!: string;

  @Field()
  name!: string;

  @Field({ description: 'Public clients authenticate with `none` and must use PKCE S256.' })
  isPublic!: boolean;

  @Field(() => [String])
  redirectUris!: string[];

  @Field(() => [String], { description: 'OIDC RP-Initiated Logout 1.0 `post_logout_redirect_uris`.' })
  postLogoutRedirectUris!: string[];

  @Field(() => [String], {
    description: 'authorization_code, refresh_token, client_credentials, password, urn:ietf:params:oauth:grant-type:token-exchange',
  })
  grantTypes!: string[];

  @Field(() => [String])
  allowedScopes!: string[];

  @Field({ description: 'First-party clients skip the consent page.' })
  firstParty!: boolean;

  @Field(() => Int, { description: 'Maximum access token lifetime, seconds.' })
  accessTokenLifetime!: number;

  @Field(() => Int, { description: 'Refresh token lifetime, seconds.' })
  refreshTokenLifetime!: number;

  @Field(() => ResponseStyleEnum)
  responseStyle!: ResponseStyleEnum;

  @Field(() => TokenExchangeSettingsType, { description: 'RFC 8693 token exchange allowance; all false unless the grant type is listed.' })
  tokenExchange!: TokenExchangeSettingsType;
  @Field({ description: 'RFC 9449 dpop_bound_access_tokens: token requests without a DPoP proof are refused.' })
  dpopBoundAccessTokens!: boolean;
  @Field({ description: 'RFC 9126 §6: `/authorize` accepts only a `request_uri` from the pushed authorization request endpoint (`/par`).' })
  requirePushedAuthorizationRequests!: boolean;
  @Field({
    description: 'RFC 9101 require_signed_request_object: `/authorize` and `/par` accept only a signed request object (`request`).',
  })
  requireSignedRequestObject!: boolean;
  @Field(() => SecurityProfileEnum, { description: 'The client’s own security profile; NONE defers to its tenant’s.' })
  securityProfile!: SecurityProfileEnum;

  @Field()
  enabled!: boolean;

  @Field({
    description:
      'How the client authenticates (RFC 7591 `token_endpoint_auth_method`): client_secret_basic (default; also accepts client_secret_post), ' +
      'client_secret_post, client_secret_jwt, private_key_jwt or none (public clients).',
  })
  tokenEndpointAuthMethod!: string;

  @Field(() => String, { nullable: true, description: 'The registered public JWK Set (JSON text), for private_key_jwt.' })
  jwks!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the client publishes its public JWK Set, for private_key_jwt.' })
  jwksUri!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'OpenID Connect Back-Channel Logout 1.0 backchannel_logout_uri: where logout tokens are POSTed when a session ends.',
  })
  backchannelLogoutUri!: string | null;

  @Field({ description: 'backchannel_logout_session_required: the client wants sid in its logout tokens.' })
  backchannelLogoutSessionRequired!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('ClientConnection', { simpleResolvers: true, description: 'A page of clients.' })
export class ClientConnection extends ConnectionType(ClientType) {}

@ObjectType('ClientWithSecret', { simpleResolvers: true, description: 'A client with its secret, returned once on creation or rotation.' })
export class ClientWithSecretType {
  @Field(() => ClientType)
  client!: ClientType;

  @Field(() => String, { nullable: true, description: 'Shown once; null for public clients.' })
  clientSecret!: string | null;
}

export function toClientType(client: Client, tenantPath: string): ClientType {
  return {
    id: client.id,
    clientId: client.clientId,
    tenantPath,
    name: client.name,
    isPublic: client.isPublic,
    redirectUris: [...client.redirectUris],
    postLogoutRedirectUris: [...(client.postLogoutRedirectUris ?? [])],
    grantTypes: [...client.grantTypes],
    allowedScopes: [...client.allowedScopes],
    firstParty: client.firstParty,
    accessTokenLifetime: client.accessTokenLifetime,
    refreshTokenLifetime: client.refreshTokenLifetime,
    responseStyle: client.responseStyle as ResponseStyleEnum,
    tokenExchange: { ...client.tokenExchange },
    dpopBoundAccessTokens: client.dpopBoundAccessTokens,
    requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests,
    requireSignedRequestObject: client.requireSignedRequestObject,
    securityProfile: client.securityProfile as SecurityProfileEnum,
    enabled: client.enabled,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    jwks: client.jwks === null ? null : JSON.stringify(client.jwks),
    jwksUri: client.jwksUri,
    backchannelLogoutUri: client.backchannelLogoutUri,
    backchannelLogoutSessionRequired: client.backchannelLogoutSessionRequired,
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
}
