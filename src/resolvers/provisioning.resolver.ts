import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { ProvisioningReportType, toProvisioningReportType } from '../schema/types/provisioning-report.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';

/** Provisioning documents through the admin API (`tenant-idp apply`): the PROVISION_FILE apply, within the caller's subtree. */
@Resolver(() => ProvisioningReportType)
export class ProvisioningResolver {
  @Mutation(() => ProvisioningReportType, {
    description:
      'Applies a provisioning document (docs/provisioning.schema.json, `${NAME}` references already resolved) in one transaction, ' +
      'set-based, exactly as PROVISION_FILE is applied: every tenant must be the caller’s or below it (FORBIDDEN naming the entry), ' +
      'a refused entry is named (`tenants[12].clients[0].redirectUris[0]`) and nothing is written. Nothing is deleted.',
  })
  async applyProvisioning(
    @Arg('document', () => GraphQLJSONObject, { description: 'The document: `{ "tenants": [ … ] }`.' }) document: Record<string, unknown>,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProvisioningReportType> {
    return toProvisioningReportType(await ctx.domain.provisioning.applyAs(requireActor(ctx), document));
  }
}
