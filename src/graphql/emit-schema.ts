import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA_FILE } from './build-schema';
import { printAdminSchema } from './print-admin-schema';

/** `npm run schema:emit`: writes the admin schema to src/schema/schema.graphql for SDK codegen and the drift test. */
const target = path.resolve(__dirname, '..', '..', SCHEMA_FILE);
writeFileSync(target, printAdminSchema());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
