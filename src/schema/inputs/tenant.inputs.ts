import { Field, InputType, Int } from 'type-graphql';
import { SigningAlgorithmEnum } from '../types/tenant.type';
import { SecurityProfileEnum } from '../types/security-profile.type';
import { MfaPolicyEnum } from '../types/mfa-policy.type';

@InputType({ description: 'A new child tenant; its parent must exist.' })
export class CreateTenantInput {
  @Field({ description: 'Full path, e.g. `/acme` or `/acme/eu`.' })
  path!: string;

  @Field(() => String, { nullable: true, description: 'Display name; defaults to the last path segment.' })
  name?: string | null;

  @Field(() => SigningAlgorithmEnum, { nullable: true, description: 'Default RS256.' })
  signingAlgorithm?: SigningAlgorithmEnum | null;

  @Field(() => Boolean, { nullable: true })
  allowSelfSignup?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Open dynamic client registration (RFC 7591) without an initial access token; default off.',
  })
  allowOpenClientRegistration?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'RFC 9126 §6: every client must push its authorization requests (`/par`). Default false.',
  })
  requirePushedAuthorizationRequests?: boolean | null;
  @Field(() => SecurityProfileEnum, {
    nullable: true,
    description: 'The security profile of every client but the server’s own; FAPI2 needs signingAlgorithm ES256 or EdDSA. Default NONE.',
  })
  securityProfile?: SecurityProfileEnum | null;
  @Field(() => MfaPolicyEnum, { nullable: true, description: 'Second factor policy; default OPTIONAL.' })
  mfaPolicy?: MfaPolicyEnum | null;
  @Field(() => [String], {
    nullable: true,
    description: 'With REQUIRED: the roles (`admin` included) whose holders must use a second factor; empty: everyone.',
  })
  mfaRequiredRoles?: string[] | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Refresh-token reuse grace in seconds (0–300): within it after a rotation, the rotated refresh token presented again gets the same successor instead of revoking the family. 0 (default): strict rotation.',
  })
  refreshReuseGraceSeconds?: number | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Scheduled signing-key rotation: a new key every this many days, of the tenant’s signingAlgorithm; 0 (default): manual rotation only. Must exceed the longest token lifetime plus keyPublicationSeconds.',
  })
  keyRotationDays?: number | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'How long a new signing key (scheduled or manual rotation) is in the JWKS before it signs, in seconds; default and minimum 360.',
  })
  keyPublicationSeconds?: number | null;
}

@InputType()
export class UpdateTenantInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => SigningAlgorithmEnum, { nullable: true, description: 'Changing it rotates the signing key on next use.' })
  signingAlgorithm?: SigningAlgorithmEnum | null;

  @Field(() => Boolean, { nullable: true })
  allowSelfSignup?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Open dynamic client registration (RFC 7591) without an initial access token; default off.',
  })
  allowOpenClientRegistration?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'RFC 9126 §6: every client must push its authorization requests (`/par`). Default false.',
  })
  requirePushedAuthorizationRequests?: boolean | null;
  @Field(() => SecurityProfileEnum, {
    nullable: true,
    description: 'The security profile of every client but the server’s own; FAPI2 needs signingAlgorithm ES256 or EdDSA. Default NONE.',
  })
  securityProfile?: SecurityProfileEnum | null;
  @Field(() => MfaPolicyEnum, { nullable: true, description: 'Second factor policy; default OPTIONAL.' })
  mfaPolicy?: MfaPolicyEnum | null;
  @Field(() => [String], {
    nullable: true,
    description: 'With REQUIRED: the roles (`admin` included) whose holders must use a second factor; empty: everyone.',
  })
  mfaRequiredRoles?: string[] | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Refresh-token reuse grace in seconds (0–300): within it after a rotation, the rotated refresh token presented again gets the same successor instead of revoking the family. 0 (default): strict rotation.',
  })
  refreshReuseGraceSeconds?: number | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'Scheduled signing-key rotation: a new key every this many days, of the tenant’s signingAlgorithm; 0 (default): manual rotation only. Must exceed the longest token lifetime plus keyPublicationSeconds.',
  })
  keyRotationDays?: number | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'How long a new signing key (scheduled or manual rotation) is in the JWKS before it signs, in seconds; default and minimum 360.',
  })
  keyPublicationSeconds?: number | null;
}
