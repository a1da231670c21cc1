import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Tenant } from '../../domain/tenants/tenant';
import { ConnectionType } from './connection';
import { SecurityProfileEnum } from './security-profile.type';
import { MfaPolicyEnum } from './mfa-policy.type';

export enum SigningAlgorithmEnum {
  RS256 = 'RS256',
  ES256 = 'ES256',
  EdDSA = 'EdDSA',
}
registerEnumType(SigningAlgorithmEnum, { name: 'SigningAlgorithm', description: 'JWS algorithm of a tenant’s signing keys.' });

@ObjectType('Tenant', { simpleResolvers: true, description: 'A node of the tenant tree, addressed by path.' })
export class TenantType {
  @Field(() => ID)
  id!: string;

  @Field({ description: '`/`, `/acme`, `/acme/eu`, …' })
  path!: string;

  @Field(() => String, { nullable: true, description: 'Path of the parent tenant; null for the root.' })
  parentPath!: string | null;

  @Field()
  name!: string;

  @Field(() => SigningAlgorithmEnum)
  signingAlgorithm!: SigningAlgorithmEnum;

  @Field({ description: 'Whether `/register_user` is open without an admin token.' })
  allowSelfSignup!: boolean;

  @Field({ description: 'Whether `{issuer}/register` (RFC 7591) accepts registrations without an initial access token.' })
  allowOpenClientRegistration!: boolean;
  @Field({ description: 'RFC 9126 §6: every client of the tenant must push its authorization requests (`/par`) first.' })
  requirePushedAuthorizationRequests!: boolean;
  @Field(() => SecurityProfileEnum, { description: 'The security profile of every client of the tenant but the server’s own.' })
  securityProfile!: SecurityProfileEnum;
  @Field(() => MfaPolicyEnum, { description: 'Second factor policy: OFF, OPTIONAL (default) or REQUIRED.' })
  mfaPolicy!: MfaPolicyEnum;
  @Field(() => [String], {
    description: 'With REQUIRED: the roles (`admin` included) whose holders must use a second factor; empty: everyone.',
  })
  mfaRequiredRoles!: string[];
  @Field(() => Int, {
    description:
      'Refresh-token reuse grace in seconds: within it after a rotation, the rotated token gets the same successor again. 0: strict rotation.',
  })
  refreshReuseGraceSeconds!: number;
  @Field(() => Int, { description: 'Scheduled signing-key rotation: a new key every this many days; 0: manual rotation only.' })
  keyRotationDays!: number;
  @Field(() => Int, { description: 'How long a new signing key is in the JWKS before it signs (seconds).' })
  keyPublicationSeconds!: number;

  @Field(() => Date, { nullable: true, description: 'Tokens issued before this instant are revoked (batch revocation).' })
  tokensRevokedBefore!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('TenantConnection', { simpleResolvers: true, description: 'A page of tenants.' })
export class TenantConnection extends ConnectionType(TenantType) {}

export function toTenantType(tenant: Tenant): TenantType {
  const cut = tenant.path.lastIndexOf('/');
  return {
    id: tenant.id,
    path: tenant.path,
    parentPath: tenant.path === '/' ? null : cut === 0 ? '/' : tenant.path.slice(0, cut),
    name: tenant.name,
    signingAlgorithm: tenant.signingAlgorithm as SigningAlgorithmEnum,
    allowSelfSignup: tenant.allowSelfSignup,
    allowOpenClientRegistration: tenant.allowOpenClientRegistration,
    requirePushedAuthorizationRequests: tenant.requirePushedAuthorizationRequests,
    securityProfile: tenant.securityProfile as SecurityProfileEnum,
    mfaPolicy: tenant.mfaPolicy as MfaPolicyEnum,
    mfaRequiredRoles: [...tenant.mfaRequiredRoles],
    refreshReuseGraceSeconds: tenant.refreshReuseGraceSeconds,
    keyRotationDays: tenant.keyRotationDays,
    keyPublicationSeconds: tenant.keyPublicationSeconds,
    tokensRevokedBefore: tenant.tokensRevokedBefore,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  };
}
