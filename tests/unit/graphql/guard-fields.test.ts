import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { GraphQLContext } from '../../../src/graphql/graphql-context';
import { guardFields } from '../../../src/graphql/guard-fields';

const SDL = `
  type Query { tenant(path: String!): Tenant! }
  type Tenant { path: String!  count: Int!  clients(search: String): [String!]! }
  type Mutation { rename(name: String!): String! }
`;

function schemaWithCalls(calls: string[]): GraphQLSchema {
  const schema = buildSchema(SDL);
  const fields = (name: string) => (schema.getType(name) as unknown as { getFields(): Record<string, { resolve?: unknown }> }).getFields();
  fields('Query').tenant!.resolve = (_root: unknown, args: { path: string }) => ({ path: args.path });
  fields('Tenant').count!.resolve = () => 7;
  fields('Tenant').clients!.resolve = (_root: unknown, args: { search?: string }) => [`client matching ${args.search ?? '*'}`];
  fields('Mutation').rename!.resolve = (_root: unknown, args: { name: string }) => args.name.toUpperCase();
  const guard: MiddlewareFn<GraphQLContext> = ({ args, info }, next) => {
    calls.push(`guard ${info.parentType.name}.${info.fieldName}`);
    if (Object.values(args).some((value) => value === 'bad')) throw new Error('refused');
    return next();
  };
  const audit: MiddlewareFn<GraphQLContext> = async ({ info }, next) => {
    const result: unknown = await next();
    calls.push(`audit ${info.fieldName} -> ${String(result)}`);
    return result;
  };
  return guardFields(schema, [guard], [audit]);
}

describe('guardFields', () => {
  it('guards every field with arguments, nested ones included, and leaves argument-less fields unwrapped', async () => {
    const calls: string[] = [];
    const result = await graphql({ schema: schemaWithCalls(calls), source: '{ tenant(path: "/a") { path count clients(search: "x") } }' });
    expect(result).toEqual({ data: { tenant: { path: '/a', count: 7, clients: ['client matching x'] } } });
    expect(calls).toEqual(['guard Query.tenant', 'guard Tenant.clients']);
  });

  it('refuses through the guard before the resolver runs, at any depth', async () => {
    const calls: string[] = [];
    const result = await graphql({ schema: schemaWithCalls(calls), source: '{ tenant(path: "/a") { clients(search: "bad") } }' });
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([['refused', ['tenant', 'clients']]]);
  });

  it('runs the mutation middlewares inside the guard, on root mutations only', async () => {
    const calls: string[] = [];
    const result = await graphql({ schema: schemaWithCalls(calls), source: 'mutation { rename(name: "acme") }' });
    expect(result).toEqual({ data: { rename: 'ACME' } });
    expect(calls).toEqual(['guard Mutation.rename', 'audit rename -> ACME']);
    const refused: string[] = [];
    await graphql({ schema: schemaWithCalls(refused), source: 'mutation { rename(name: "bad") }' });
    expect(refused).toEqual(['guard Mutation.rename']);
  });
});
