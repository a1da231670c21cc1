import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { SigningKeyType, toSigningKeyType } from '../schema/types/signing-key.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { SecretRotationReportType, toSecretRotationReportType } from '../schema/types/secret-rotation.type';

@Resolver(() => SigningKeyType)
export class SigningKeyResolver {
  @Query(() => [SigningKeyType], { description: 'Signing keys of a tenant (default: the caller’s), latest activation first.' })
  async signingKeys(
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SigningKeyType[]> {
    return (await ctx.domain.keys.list(requireActor(ctx), tenantPath)).map(toSigningKeyType);
  }

  @Mutation(() => SigningKeyType, {
    description:
      'Schedules the tenant’s next key: in the JWKS at once, signing from its `activatesAt` (after the publication window); the current key signs until then and stays in the JWKS until its tokens expire.',
  })
  async rotateSigningKey(@Arg('tenantPath') tenantPath: string, @Ctx() ctx: GraphQLContext): Promise<SigningKeyType> {
    return toSigningKeyType(await ctx.domain.keys.rotate(requireActor(ctx), tenantPath));
  }

  @Mutation(() => SecretRotationReportType, {
    description:
      'Admins of `/`: re-seals every sealed value (signing keys, TOTP secrets, client_secret_jwt secrets, queued mail) under the newest SECRET_KEYS key and reports what is left on older keys (`tenant-idp secrets rotate`).',
  })
  async rotateSecretKeys(@Ctx() ctx: GraphQLContext): Promise<SecretRotationReportType> {
    return toSecretRotationReportType(await ctx.domain.secretRotation.rotate(requireActor(ctx)));
  }
}
