import { Field, InputType, Int } from 'type-graphql';
import { SecurityProfileEnum } from '../types/security-profile.type';
import type { TokenEndpointAuthMethod } from '../../domain/clients/client';
import { ResponseStyleEnum } from '../types/client.type';

@InputType({
  description:
    'RFC 8693 token exchange allowance; replaces the stored one whole (omitted flags are false). Needs the token-exchange grant type, which needs impersonation, delegation or both.',
})
export class TokenExchangeInput {
  @Field(() => Boolean, { nullable: true, description: 'Exchange a user’s access token for one of the same user. Default false.' })
  impersonation?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Exchange a user’s access token with an actor token (`act` claim). Default false.' })
  delegation?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Accept tokens of descendant tenants too. Default false.' })
  subtree?: boolean | null;
}

@InputType({ description: 'A new OAuth client. The secret is generated unless supplied (at least 20 characters).' })
export class CreateClientInput {
  @Field({ description: 'Path of the tenant the client belongs to.' })
  tenantPath!: string;

  @Field(() => String, { nullable: true, description: 'Generated when omitted.' })
  clientId?: string | null;

  @Field()
  name!: string;

  @Field(() => Boolean, { nullable: true, description: 'Default false (confidential).' })
  isPublic?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Supplied secret; otherwise 256 random bits are generated.' })
  clientSecret?: string | null;

  @Field(() => [String], { nullable: true })
  redirectUris?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'OIDC RP-Initiated Logout 1.0: where /logout may send the browser back to (exact match; checked like redirect URIs).',
  })
  postLogoutRedirectUris?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Default: client_credentials (confidential) or authorization_code + refresh_token (public).',
  })
  grantTypes?: string[] | null;

  @Field(() => [String], { nullable: true })
  allowedScopes?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  firstParty?: boolean | null;

  @Field(() => Int, { nullable: true })
  accessTokenLifetime?: number | null;

  @Field(() => Int, { nullable: true })
  refreshTokenLifetime?: number | null;

  @Field(() => ResponseStyleEnum, { nullable: true, description: 'Default STANDARD.' })
  responseStyle?: ResponseStyleEnum | null;

  @Field(() => TokenExchangeInput, { nullable: true, description: 'Default: no token exchange.' })
  tokenExchange?: TokenExchangeInput | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'RFC 9449 dpop_bound_access_tokens: require a DPoP proof at the token endpoint. Default false.',
  })
  dpopBoundAccessTokens?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'RFC 9126 §6: authorization requests only through `/par`. Default false.' })
  requirePushedAuthorizationRequests?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'RFC 9101 require_signed_request_object: authorization requests only as signed request objects (needs jwks or jwksUri). Default false.',
  })
  requireSignedRequestObject?: boolean | null;
  @Field(() => SecurityProfileEnum, {
    nullable: true,
    description: 'The client’s own security profile; NONE (the default) defers to its tenant’s.',
  })
  securityProfile?: SecurityProfileEnum | null;
  @Field(() => String, {
    nullable: true,
    description:
      'client_secret_basic (default for confidential clients; also accepts client_secret_post), client_secret_post, client_secret_jwt, ' +
      'private_key_jwt (needs jwks or jwksUri; no secret) or none (public clients).',
  })
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod | null;

  @Field(() => String, {
    nullable: true,
    description: 'Public JWK Set as JSON text (at most 20 keys, 16 KB; no private or symmetric keys). Exclusive with jwksUri.',
  })
  jwks?: string | null;

  @Field(() => String, { nullable: true, description: 'https URL of the client’s public JWK Set. Exclusive with jwks.' })
  jwksUri?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'OpenID Connect Back-Channel Logout 1.0 backchannel_logout_uri: where logout tokens are POSTed when a session the client signed into ends. ' +
      'https (http only on loopback while the server itself runs on loopback), no fragment, no private or reserved address unless OUTBOUND_ALLOW_CIDRS allows it.',
  })
  backchannelLogoutUri?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'backchannel_logout_session_required: logout tokens carry sid (they always do here). Default false.',
  })
  backchannelLogoutSessionRequired?: boolean | null;
}

@InputType()
export class UpdateClientInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => [String], { nullable: true })
  redirectUris?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'OIDC RP-Initiated Logout 1.0: where /logout may send the browser back to (exact match; checked like redirect URIs).',
  })
  postLogoutRedirectUris?: string[] | null;

  @Field(() => [String], { nullable: true })
  grantTypes?: string[] | null;

  @Field(() => [String], { nullable: true })
  allowedScopes?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  firstParty?: boolean | null;

  @Field(() => Int, { nullable: true })
  accessTokenLifetime?: number | null;

  @Field(() => Int, { nullable: true })
  refreshTokenLifetime?: number | null;

  @Field(() => ResponseStyleEnum, { nullable: true, description: 'Default STANDARD.' })
  responseStyle?: ResponseStyleEnum | null;

  @Field(() => TokenExchangeInput, {
    nullable: true,
    description: 'Omitted: kept, except that dropping the token-exchange grant type clears it.',
  })
  tokenExchange?: TokenExchangeInput | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'RFC 9449 dpop_bound_access_tokens: require a DPoP proof at the token endpoint. Default false.',
  })
  dpopBoundAccessTokens?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'RFC 9126 §6: authorization requests only through `/par`. Default false.' })
  requirePushedAuthorizationRequests?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'RFC 9101 require_signed_request_object: authorization requests only as signed request objects (needs jwks or jwksUri). Default false.',
  })
  requireSignedRequestObject?: boolean | null;
  @Field(() => SecurityProfileEnum, {
    nullable: true,
    description: 'The client’s own security profile; NONE (the default) defers to its tenant’s.',
  })
  securityProfile?: SecurityProfileEnum | null;
  @Field(() => String, {
    nullable: true,
    description:
      'client_secret_basic (default for confidential clients; also accepts client_secret_post), client_secret_post, client_secret_jwt, ' +
      'private_key_jwt (needs jwks or jwksUri; no secret) or none (public clients).',
  })
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Public JWK Set as JSON text (at most 20 keys, 16 KB; no private or symmetric keys). Setting it removes jwksUri; an empty string removes it.',
  })
  jwks?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'https URL of the client’s public JWK Set. Setting it removes jwks; an empty string removes it.',
  })
  jwksUri?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'OpenID Connect Back-Channel Logout 1.0 backchannel_logout_uri (rules as in createClient); an empty string removes it.',
  })
  backchannelLogoutUri?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'backchannel_logout_session_required: logout tokens carry sid.' })
  backchannelLogoutSessionRequired?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'A disabled client cannot authenticate; its tokens become inactive.' })
  enabled?: boolean | null;
}
