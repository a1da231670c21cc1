import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { AuditEventResolver } from '../resolvers/audit-event.resolver';
import { auditMutation } from '../resolvers/audit-mutation';
import { ClientResolver } from '../resolvers/client.resolver';
import { DeviceResolver } from '../resolvers/device.resolver';
import { MeResolver } from '../resolvers/me.resolver';
import { ScopedRevocationResolver } from '../resolvers/scoped-revocation.resolver';
import { SigningKeyResolver } from '../resolvers/signing-key.resolver';
import { stringInputGuard } from '../resolvers/string-input-guard';
import { TenantListsResolver } from '../resolvers/tenant-lists.resolver';
import { TenantResolver } from '../resolvers/tenant.resolver';
import { TokenRevocationResolver } from '../resolvers/token-revocation.resolver';
import { UserResolver } from '../resolvers/user.resolver';

export const SCHEMA_FILE = 'src/schema/schema.graphql';

let schema: GraphQLSchema | undefined;

/**
 * The admin GraphQL schema, built once from the type-graphql classes. The global
 * audit middleware wraps resolver methods (queries and mutations); the output object
 * types are declared `simpleResolvers: true`, so their plain property fields resolve
 * with graphql's default resolver instead of one middleware chain per field and row
 * (a 50-row `clients` page has 700 such fields).
 */
export function buildAdminSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [MeResolver, TenantResolver, TenantListsResolver, ClientResolver, UserResolver, SigningKeyResolver, TokenRevocationResolver, AuditEventResolver, DeviceResolver, ScopedRevocationResolver],
    globalMiddlewares: [stringInputGuard, auditMutation],
    validate: false,
    emitSchemaFile: false,
  });
  return schema;
}
