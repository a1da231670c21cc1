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
import { TenantResolver } from '../resolvers/tenant.resolver';
import { TokenRevocationResolver } from '../resolvers/token-revocation.resolver';
import { UserResolver } from '../resolvers/user.resolver';

export const SCHEMA_FILE = 'src/schema/schema.graphql';

let schema: GraphQLSchema | undefined;

/** The admin GraphQL schema, built once from the type-graphql classes. */
export function buildAdminSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [MeResolver, TenantResolver, ClientResolver, UserResolver, SigningKeyResolver, TokenRevocationResolver, AuditEventResolver, DeviceResolver, ScopedRevocationResolver],
    globalMiddlewares: [auditMutation],
    validate: false,
    emitSchemaFile: false,
  });
  return schema;
}
