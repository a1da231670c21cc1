import { Field, ID, ObjectType } from 'type-graphql';
import { DEFAULT_CLAIM_MAPPING, MAPPED_FIELDS, type IdentityProvider } from '../../domain/federation/identity-provider';

@ObjectType('ClaimMapping', {
  simpleResolvers: true,
  description: 'Which upstream claim fills a profile field of a user created on first sign-in.',
})
export class ClaimMappingType {
  @Field({ description: 'username, email, firstname, lastname or phone.' })
  field!: string;

  @Field({ description: 'The upstream claim (ID token, then userinfo).' })
  claim!: string;
}

@ObjectType('IdentityProvider', {
  simpleResolvers: true,
  description:
    'An upstream identity provider of a tenant (OpenID Connect, or OAuth 2.0 with a userinfo endpoint). The client secret is write-only.',
})
export class IdentityProviderType {
  @Field(() => ID)
  id!: string;

  @Field()
  tenantPath!: string;

  @Field({ description: 'OIDC or OAUTH2.' })
  kind!: string;

  @Field({ description: 'Unique in the tenant; names the callback `{I}/federation/{alias}/callback`.' })
  alias!: string;

  @Field({ description: 'Shown on the sign-in page: "Sign in with {name}".' })
  name!: string;

  @Field({ description: 'OIDC: the issuer, discovered. OAUTH2: the `iss` recorded for its identities.' })
  issuer!: string;

  @Field(() => String, { nullable: true })
  authorizationEndpoint!: string | null;

  @Field(() => String, { nullable: true })
  tokenEndpoint!: string | null;

  @Field(() => String, { nullable: true })
  userinfoEndpoint!: string | null;

  @Field()
  clientId!: string;

  @Field({ description: 'Whether a client secret is stored (it is never returned).' })
  hasClientSecret!: boolean;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => [ClaimMappingType], { description: 'Every profile field with the claim it is taken from (defaults included).' })
  claimMapping!: ClaimMappingType[];

  @Field(() => [String], { description: 'Email domains routed to this provider from the sign-in page (home-realm discovery).' })
  emailDomains!: string[];

  @Field({ description: 'Users of those domains can sign in only through this provider (no password).' })
  exclusive!: boolean;

  @Field({ description: 'Create a user on first sign-in (else refuse).' })
  jitProvisioning!: boolean;

  @Field({ description: 'Believe the upstream’s `email_verified: true` for users it creates.' })
  trustEmailVerified!: boolean;

  @Field({
    description:
      'OIDC: ending a session that came from this provider (RP-initiated logout, account sign-out) also sends the browser to its end_session_endpoint.',
  })
  upstreamLogout!: boolean;

  @Field()
  enabled!: boolean;

  @Field({ description: 'The redirect URI to register at the upstream.' })
  redirectUri!: string;

  @Field({ description: 'The back-channel logout URI to register at the upstream (`{I}/federation/{alias}/backchannel-logout`).' })
  backchannelLogoutUri!: string;

  @Field({ description: 'The post-logout redirect URI to register at the upstream (`{I}/federation/{alias}/logged-out`).' })
  postLogoutRedirectUri!: string;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export function toIdentityProviderType(
  provider: IdentityProvider,
  tenantPath: string,
  uris: { redirectUri: string; backchannelLogoutUri: string; postLogoutRedirectUri: string },
): IdentityProviderType {
  return {
    id: provider.id,
    tenantPath,
    kind: provider.kind,
    alias: provider.alias,
    name: provider.name,
    issuer: provider.issuer,
    authorizationEndpoint: provider.authorizationEndpoint,
    tokenEndpoint: provider.tokenEndpoint,
    userinfoEndpoint: provider.userinfoEndpoint,
    clientId: provider.clientId,
    hasClientSecret: provider.clientSecretSealed !== null,
    scopes: [...provider.scopes],
    claimMapping: MAPPED_FIELDS.map((field) => ({ field, claim: provider.claimMapping[field] ?? DEFAULT_CLAIM_MAPPING[field] })),
    emailDomains: [...provider.emailDomains],
    exclusive: provider.exclusive,
    jitProvisioning: provider.jitProvisioning,
    trustEmailVerified: provider.trustEmailVerified,
    upstreamLogout: provider.upstreamLogout,
    enabled: provider.enabled,
    ...uris,
    createdAt: provider.createdAt,
    updatedAt: provider.updatedAt,
  };
}
