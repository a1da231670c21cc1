import { Field, InputType, Int } from 'type-graphql';
import { RedirectUriRuleEnum } from '../types/initial-access-token.type';

@InputType({ description: 'A new initial access token for dynamic client registration (RFC 7591 §3).' })
export class CreateInitialAccessTokenInput {
  @Field(() => String, { nullable: true, description: 'Default: the caller’s tenant.' })
  tenantPath?: string | null;

  @Field(() => String, { nullable: true, description: 'What it is for (shown in lists).' })
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'Seconds until it expires (at most a year); default: it does not.' })
  expiresIn?: number | null;

  @Field(() => Int, { nullable: true, description: 'Registrations it admits; default: no limit.' })
  maxUses?: number | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'Grant types registrations may ask for; default: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code (never password or token exchange).',
  })
  grantTypes?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'token_endpoint_auth_method values registrations may ask for (e.g. only private_key_jwt); default: client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none.',
  })
  tokenEndpointAuthMethods?: string[] | null;

  @Field(() => RedirectUriRuleEnum, { nullable: true, description: 'Default ANY.' })
  redirectUriRule?: RedirectUriRuleEnum | null;

  @Field(() => [String], { nullable: true, description: 'Host patterns redirect URIs must match (`app.example.com`, `*.example.com`).' })
  redirectHosts?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Scopes registrations may ask for (never `admin`); also what they get when they ask for none.',
  })
  scopes?: string[] | null;

  @Field(() => Int, { nullable: true })
  maxAccessTokenLifetime?: number | null;

  @Field(() => Int, { nullable: true })
  maxRefreshTokenLifetime?: number | null;
}
