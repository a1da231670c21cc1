import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { InitialAccessToken } from '../../domain/registration/registration-store';

export enum RedirectUriRuleEnum {
  ANY = 'any',
  HTTPS = 'https',
  HTTPS_OR_LOOPBACK = 'https_or_loopback',
}
registerEnumType(RedirectUriRuleEnum, {
  name: 'RedirectUriRule',
  description:
    'Which redirect URIs a dynamic registration may hold beyond the general rules: ANY (a web client: https; a native one: also loopback http and private-use schemes), HTTPS only, or HTTPS_OR_LOOPBACK (no private-use scheme).',
});

@ObjectType('RegistrationPolicy', { simpleResolvers: true, description: 'What registrations under an initial access token may ask for.' })
export class RegistrationPolicyType {
  @Field(() => [String], {
    nullable: true,
    description:
      'Grant types allowed; null: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code.',
  })
  grantTypes!: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'token_endpoint_auth_method values allowed; null: client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none.',
  })
  tokenEndpointAuthMethods!: string[] | null;

  @Field(() => RedirectUriRuleEnum)
  redirectUriRule!: RedirectUriRuleEnum;

  @Field(() => [String], {
    nullable: true,
    description: 'Host patterns (`app.example.com`, `*.example.com`) redirect URIs must match; null: any.',
  })
  redirectHosts!: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Scopes a registration may ask for; null: any but `admin` (never registrable).' })
  scopes!: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Cap on the registered client’s access token lifetime, in seconds.' })
  maxAccessTokenLifetime!: number | null;

  @Field(() => Int, { nullable: true, description: 'Cap on the registered client’s refresh token lifetime, in seconds.' })
  maxRefreshTokenLifetime!: number | null;
}

@ObjectType('InitialAccessToken', {
  simpleResolvers: true,
  description:
    'An initial access token for dynamic client registration (RFC 7591 §3) at its tenant’s issuer; the token itself is shown once, at creation.',
})
export class InitialAccessTokenType {
  @Field(() => ID)
  id!: string;

  @Field()
  tenantPath!: string;

  @Field()
  description!: string;

  @Field(() => RegistrationPolicyType)
  policy!: RegistrationPolicyType;

  @Field(() => Int, { nullable: true, description: 'Registrations it admits; null: no limit.' })
  maxUses!: number | null;

  @Field(() => Int)
  uses!: number;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field()
  createdAt!: Date;
}

@ObjectType('InitialAccessTokenWithSecret', { simpleResolvers: true })
export class InitialAccessTokenWithSecretType {
  @Field(() => InitialAccessTokenType)
  initialAccessToken!: InitialAccessTokenType;

  @Field({ description: 'The bearer token for `{issuer}/register`; shown once, only its keyed digest is stored.' })
  token!: string;
}

export const toInitialAccessTokenType = (token: InitialAccessToken, tenantPath: string): InitialAccessTokenType => ({
  id: token.id,
  tenantPath,
  description: token.description,
  policy: {
    grantTypes: token.policy.grantTypes && [...token.policy.grantTypes],
    tokenEndpointAuthMethods: token.policy.tokenEndpointAuthMethods ? [...token.policy.tokenEndpointAuthMethods] : null,
    redirectUriRule: token.policy.redirectUriRule as RedirectUriRuleEnum,
    redirectHosts: token.policy.redirectHosts && [...token.policy.redirectHosts],
    scopes: token.policy.scopes && [...token.policy.scopes],
    maxAccessTokenLifetime: token.policy.maxAccessTokenLifetime,
    maxRefreshTokenLifetime: token.policy.maxRefreshTokenLifetime,
  },
  maxUses: token.maxUses,
  uses: token.uses,
  expiresAt: token.expiresAt,
  revokedAt: token.revokedAt,
  createdAt: token.createdAt,
});
