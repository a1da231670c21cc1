import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, type GraphQLObjectType } from 'graphql';

const ROOT = path.join(__dirname, '..', '..', '..');
const OPERATIONS = path.join(ROOT, 'src', 'sdk', 'operations');

/** Root fields selected by the SDK's operations, as `query.me`, `mutation.createTenant`, … */
function coveredRootFields(): Set<string> {
  const covered = new Set<string>();
  for (const file of readdirSync(OPERATIONS).filter((name) => name.endsWith('.graphql'))) {
    for (const definition of parse(readFileSync(path.join(OPERATIONS, file), 'utf8')).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const selection of definition.selectionSet.selections) {
        if (selection.kind === Kind.FIELD) covered.add(`${definition.operation}.${selection.name.value}`);
      }
    }
  }
  return covered;
}

describe('src/sdk/operations', () => {
  it('has an operation for every query and mutation of src/schema/schema.graphql', () => {
    const schema = buildSchema(readFileSync(path.join(ROOT, 'src', 'schema', 'schema.graphql'), 'utf8'));
    const rootFields = (kind: string, type: GraphQLObjectType | null | undefined) =>
      Object.keys(type?.getFields() ?? {}).map((name) => `${kind}.${name}`);
    const all = [
      ...rootFields('query', schema.getQueryType()),
      ...rootFields('mutation', schema.getMutationType()),
      ...rootFields('subscription', schema.getSubscriptionType()),
    ];
    const covered = coveredRootFields();
    const missing = all.filter((field) => !covered.has(field));
    if (missing.length > 0) {
      throw new Error(`no SDK operation for ${missing.join(', ')}: add one under src/sdk/operations, then run \`npm run codegen\`.`);
    }
  });
});
