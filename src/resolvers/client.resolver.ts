import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Client } from '../domain/clients/client';
import { CreateClientInput, UpdateClientInput } from '../schema/inputs/client.inputs';
import { SearchablePageArgs } from '../schema/inputs/searchable-page.args';
import { ClientConnection, ClientType, ClientWithSecretType, toClientType } from '../schema/types/client.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { clientConnection } from './list-connections';
import { tenantPathOf } from './tenant-path-of';

const map = async (ctx: GraphQLContext, client: Client): Promise<ClientType> =>
  toClientType(client, await tenantPathOf(ctx.domain, client.tenantId));

@Resolver(() => ClientType)
export class ClientResolver {
  @Query(() => ClientType)
  async client(@Arg('clientId') clientId: string, @Ctx() ctx: GraphQLContext): Promise<ClientType> {
    return map(ctx, await ctx.domain.clients.get(requireActor(ctx), clientId));
  }

  @Query(() => ClientConnection, { description: 'Clients of one tenant (default: the caller’s), oldest first.' })
  async clients(
    @Args() page: SearchablePageArgs,
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ClientConnection> {
    return clientConnection(ctx, tenantPath, page);
  }

  @Mutation(() => ClientWithSecretType, { description: 'The secret is returned once and never again.' })
  async createClient(@Arg('input') input: CreateClientInput, @Ctx() ctx: GraphQLContext): Promise<ClientWithSecretType> {
    const created = await ctx.domain.clients.create(requireActor(ctx), input);
    return { client: await map(ctx, created.client), clientSecret: created.clientSecret };
  }

  @Mutation(() => ClientType)
  async updateClient(
    @Arg('clientId') clientId: string,
    @Arg('input') input: UpdateClientInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ClientType> {
    return map(ctx, await ctx.domain.clients.update(requireActor(ctx), clientId, input));
  }

  @Mutation(() => ClientWithSecretType, { description: 'Replaces the secret; the old one stops working at once.' })
  async rotateClientSecret(
    @Arg('clientId') clientId: string,
    @Arg('clientSecret', () => String, { nullable: true, description: 'Supplied secret (20+ characters); generated when omitted.' })
    clientSecret: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ClientWithSecretType> {
    const rotated = await ctx.domain.clients.rotateSecret(requireActor(ctx), clientId, clientSecret);
    return { client: await map(ctx, rotated.client), clientSecret: rotated.clientSecret };
  }

  @Mutation(() => ClientType)
  async deleteClient(@Arg('clientId') clientId: string, @Ctx() ctx: GraphQLContext): Promise<ClientType> {
    return map(ctx, await ctx.domain.clients.delete(requireActor(ctx), clientId));
  }
}
