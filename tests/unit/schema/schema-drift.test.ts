import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA_FILE } from '../../../src/graphql/build-schema';
import { printAdminSchema } from '../../../src/graphql/print-admin-schema';

describe(SCHEMA_FILE, () => {
  it('matches the schema built from the type-graphql classes', () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', '..', SCHEMA_FILE), 'utf8');
    if (committed !== printAdminSchema()) {
      throw new Error(
        `${SCHEMA_FILE} is out of date with the resolvers and schema types: run \`npm run schema:emit\` (then \`npm run codegen\`) and commit the result.`,
      );
    }
  });
});
