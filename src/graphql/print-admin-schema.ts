import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildAdminSchema } from './build-schema';

/** The admin schema as SDL, sorted so the committed file changes only when the schema does. */
export function printAdminSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildAdminSchema()))}\n`;
}
