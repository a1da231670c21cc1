import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { DateTimeISOScalar } from '../schema/date-time-iso.scalar';
import { guardFields } from './guard-fields';
import { ApiResolver, TenantApisResolver } from '../resolvers/api.resolver';
import { IdentityProviderResolver } from '../resolvers/identity-provider.resolver';
import { MeFederatedIdentitiesResolver, UserFederatedIdentitiesResolver } from '../resolvers/federated-identity.resolver';
import { AuditEventResolver } from '../resolvers/audit-event.resolver';
import { auditMutation } from './audit-mutation';
import { ClientResolver } from '../resolvers/client.resolver';
import { DeviceResolver } from '../resolvers/device.resolver';
import { SessionResolver } from '../resolvers/session.resolver';
import { InitialAccessTokenResolver } from '../resolvers/initial-access-token.resolver';
import { ScimTokenResolver } from '../resolvers/scim-token.resolver';
import { WebhookResolver } from '../resolvers/webhook.resolver';
import { MailResolver } from '../resolvers/mail.resolver';
import { BackchannelLogoutResolver } from '../resolvers/backchannel-logout.resolver';
import { MeResolver } from '../resolvers/me.resolver';
import { ProvisioningResolver } from '../resolvers/provisioning.resolver';
import { ClientRolesResolver, RoleResolver, UserRolesResolver } from '../resolvers/role.resolver';
import { ScopedRevocationResolver } from '../resolvers/scoped-revocation.resolver';
import { SecondFactorResolver } from '../resolvers/second-factor.resolver';
import { SigningKeyResolver } from '../resolvers/signing-key.resolver';
import { stringInputGuard } from './string-input-guard';
import { TenantListsResolver } from '../resolvers/tenant-lists.resolver';
import { TenantIssuerResolver } from '../resolvers/tenant-issuer.resolver';
import { TenantResolver } from '../resolvers/tenant.resolver';
import { TokenRevocationResolver } from '../resolvers/token-revocation.resolver';
import { UserResolver } from '../resolvers/user.resolver';
import { attachRowResolvers } from './row-resolvers';

export const SCHEMA_FILE = 'src/schema/schema.graphql';

let schema: GraphQLSchema | undefined;

/**
 * The admin GraphQL schema, built once from the type-graphql classes. The string
 * guard wraps every field that takes arguments and the audit middleware every root
 * mutation (guard-fields.ts); the output object types are declared
 * `simpleResolvers: true`, so their plain property fields resolve with graphql's
 * default resolver, and per-row fields that need a loader (`User.deviceCount`) get
 * plain resolvers (row-resolvers.ts), with no middleware chain per row.
 */
export function buildAdminSchema(): GraphQLSchema {
  schema ??= guardFields(
    attachRowResolvers(
      buildSchemaSync({
        resolvers: [
          MeResolver,
          TenantResolver,
          TenantListsResolver,
          TenantIssuerResolver,
          ClientResolver,
          UserResolver,
          MailResolver,
          BackchannelLogoutResolver,
          SigningKeyResolver,
          TokenRevocationResolver,
          AuditEventResolver,
          DeviceResolver,
          SessionResolver,
          ScopedRevocationResolver,
          SecondFactorResolver,
          ApiResolver,
          TenantApisResolver,
          RoleResolver,
          UserRolesResolver,
          ClientRolesResolver,
          InitialAccessTokenResolver,
          ScimTokenResolver,
          IdentityProviderResolver,
          UserFederatedIdentitiesResolver,
          MeFederatedIdentitiesResolver,
          WebhookResolver,
          ProvisioningResolver,
        ],
        scalarsMap: [{ type: Date, scalar: DateTimeISOScalar }],
        validate: false,
        emitSchemaFile: false,
      }),
    ),
    [stringInputGuard],
    [auditMutation],
  );
  return schema;
}
