import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Lexer, parse, Source, TokenKind, validate } from 'graphql';
import { exceedsTokenLimit, GRAPHQL_LIMITS, graphqlGuards, requestsIntrospection } from '../../../src/graphql/graphql-guards';

const operationsDir = path.join(__dirname, '../../../src/sdk/operations');
const schema = buildSchema(readFileSync(path.join(__dirname, '../../../src/schema/schema.graphql'), 'utf8'));
const fragments = readFileSync(path.join(operationsDir, 'fragments.graphql'), 'utf8');

function tokenCount(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

describe('GraphQL guard rails', () => {
  const { validationRules } = graphqlGuards();

  it.each(readdirSync(operationsDir).filter((f) => f !== 'fragments.graphql'))('lets every operation of the SDK in %s through', (file) => {
    const source = `${readFileSync(path.join(operationsDir, file), 'utf8')}\n${fragments}`;
    const document = parse(source);
    const used = document.definitions.filter((d) => d.kind === 'FragmentDefinition');
    expect(used.length).toBeGreaterThan(0);
    const errors = validate(schema, document, validationRules).filter((e) => !/Fragment ".+" is never used/.test(e.message));
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(tokenCount(source)).toBeLessThan(GRAPHQL_LIMITS.maxTokens / 2);
  });

  it('refuses documents over the alias and depth limits at validation', () => {
    const aliases = parse(`{ ${Array.from({ length: GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { clientId }`).join(' ')} }`);
    expect(
      validate(schema, aliases, validationRules)
        .map((e) => e.message)
        .join(),
    ).toMatch(/alias/i);
    const nested = 'tenants { nodes { '.repeat(GRAPHQL_LIMITS.maxDepth);
    const deep = parse(`{ ${nested} id ${' } }'.repeat(GRAPHQL_LIMITS.maxDepth)} }`);
    expect(
      validate(schema, deep, validationRules)
        .map((e) => e.message)
        .join(),
    ).toMatch(/depth/i);
  });

  it('counts tokens up to the limit and leaves lexing errors to the parser', () => {
    expect(exceedsTokenLimit('{ a b c }', 5)).toBe(false);
    expect(exceedsTokenLimit('{ a b c d }', 5)).toBe(true);
    expect(exceedsTokenLimit('{ a "unterminated', 5)).toBe(false);
    expect(exceedsTokenLimit(`{ ${'x '.repeat(100_000)}}`, GRAPHQL_LIMITS.maxTokens)).toBe(true);
  });

  it('tells introspection from __typename', () => {
    expect(requestsIntrospection(parse('{ __schema { queryType { name } } }'))).toBe(true);
    expect(requestsIntrospection(parse('{ a: me { clientId } b: __type(name: "X") { name } }'))).toBe(true);
    expect(requestsIntrospection(parse('fragment F on Query { __schema { types { name } } } { ...F }'))).toBe(true);
    expect(requestsIntrospection(parse('{ __typename me { __typename } }'))).toBe(false);
  });
});
