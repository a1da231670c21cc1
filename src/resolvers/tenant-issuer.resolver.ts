import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { TenantType } from '../schema/types/tenant.type';
import type { GraphQLContext } from '../graphql/graphql-context';

/** `Tenant.issuer`: every tenant is an OAuth/OIDC issuer of its own (src/domain/issuers/tenant-issuer.ts). */
@Resolver(() => TenantType)
export class TenantIssuerResolver {
  @FieldResolver(() => String, {
    description:
      'The tenant’s issuer URL: `ISSUER` for `/`, `{ISSUER}/t/{path segments joined by "."}` for any other tenant (`/acme/eu` → `{ISSUER}/t/acme.eu`). Its discovery document is at `{issuer}/.well-known/openid-configuration`, its own keys at `{issuer}/.well-known/jwks.json`; its tokens carry it as `iss`.',
  })
  issuer(@Root() tenant: TenantType, @Ctx() ctx: GraphQLContext): string {
    return ctx.domain.tenantIssuers.issuerOf(tenant.path);
  }
}
