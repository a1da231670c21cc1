import { Field, InputType } from 'type-graphql';

@InputType('ClaimMappingInput')
export class ClaimMappingInput {
  @Field({ description: 'username, email, firstname, lastname or phone.' })
  field!: string;

  @Field({ description: 'The upstream claim name.' })
  claim!: string;
}

@InputType({ description: 'What both creating and updating an identity provider may set.' })
class IdentityProviderFieldsInput {
  @Field(() => String, { nullable: true, description: 'OAUTH2 only (https; http only on loopback while this server is).' })
  authorizationEndpoint?: string | null;

  @Field(() => String, { nullable: true, description: 'OAUTH2 only.' })
  tokenEndpoint?: string | null;

  @Field(() => String, { nullable: true, description: 'OAUTH2 only.' })
  userinfoEndpoint?: string | null;

  @Field(() => String, { nullable: true, description: 'Write-only: stored sealed with the server secret, never returned.' })
  clientSecret?: string | null;

  @Field(() => [String], { nullable: true, description: 'Scopes asked of the upstream; `openid` is added for OIDC.' })
  scopes?: string[] | null;

  @Field(() => [ClaimMappingInput], { nullable: true, description: 'Replaces the mapping; fields left out take the OIDC standard claim.' })
  claimMapping?: ClaimMappingInput[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Email domains routed to this provider (unique in the tenant); replaces the list.',
  })
  emailDomains?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only way in for those domains. Default false.' })
  exclusive?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Create users on first sign-in. Default true.' })
  jitProvisioning?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Believe the upstream’s email_verified. Default false.' })
  trustEmailVerified?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'OIDC: ending a session that came from this provider also signs out at its end_session_endpoint (RP-initiated logout). Default true.',
  })
  upstreamLogout?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  enabled?: boolean | null;
}

@InputType({ description: 'A new upstream identity provider of a tenant.' })
export class CreateIdentityProviderInput extends IdentityProviderFieldsInput {
  @Field()
  tenantPath!: string;

  @Field({ description: 'OIDC or OAUTH2.' })
  kind!: string;

  @Field({ description: 'Lower-case letters, digits and hyphens, unique in the tenant.' })
  alias!: string;

  @Field()
  name!: string;

  @Field({ description: 'https (http only on loopback while this server is); not a private address.' })
  issuer!: string;

  @Field()
  clientId!: string;
}

@InputType()
export class UpdateIdentityProviderInput extends IdentityProviderFieldsInput {
  @Field(() => String, { nullable: true })
  alias?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  issuer?: string | null;

  @Field(() => String, { nullable: true })
  clientId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Removes the stored client secret (a public client, PKCE only).' })
  clearClientSecret?: boolean | null;
}
