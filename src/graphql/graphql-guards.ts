import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { RequestHandler } from 'express';
import { GraphQLError, Kind, Lexer, Source, TokenKind, visit, type DocumentNode, type ValidationRule } from 'graphql';
import { ADMIN_SCOPE } from '../domain/actor';
import { errors, type DomainError } from '../domain/errors';
import type { GraphQLContext } from './graphql-context';

/**
 * Static limits on every GraphQL document, checked before anything executes
 * (OWASP GraphQL cheat sheet: depth, amount, cost). Sized so that every
 * operation of the generated SDK passes with room to spare (a unit test checks).
 */
export const GRAPHQL_LIMITS = Object.freeze({
  /** Lexical tokens per document: stops huge documents before they are even parsed in full. */
  maxTokens: 2000,
  maxDepth: 10,
  maxAliases: 20,
  maxDirectives: 20,
  /** graphql-armor's static cost (objects 2, scalars 1, ×1.5 per level). */
  maxCost: 5000,
});

export interface GraphQLGuards {
  plugins: ApolloServerPlugin<GraphQLContext>[];
  validationRules: ValidationRule[];
}

/**
 * Refuses a document with more lexical tokens than the limit with 400, before
 * it is parsed (OWASP: limit query size). Counting stops at the limit, and a
 * lexing error is left for Apollo to report as GRAPHQL_PARSE_FAILED.
 */
export const graphqlTokenLimit: RequestHandler = (req, res, next) => {
  const query = (req.body as { query?: unknown } | undefined)?.query;
  if (typeof query !== 'string' || withinTokenLimit(query)) return next();
  res.status(400).json({
    errors: [
      { message: `Syntax Error: Token limit of ${GRAPHQL_LIMITS.maxTokens} exceeded.`, extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
    ],
  });
};

/** Documents recently found within the limit (an admin UI sends the same few texts again and again), at most 500 of up to 16 KiB. */
const withinLimit = new Set<string>();
const REMEMBERED_DOCUMENTS = 500;
const REMEMBERED_LENGTH = 16_384;

function withinTokenLimit(query: string): boolean {
  if (withinLimit.has(query)) return true;
  if (exceedsTokenLimit(query, GRAPHQL_LIMITS.maxTokens)) return false;
  if (query.length > REMEMBERED_LENGTH) return true;
  if (withinLimit.size >= REMEMBERED_DOCUMENTS) withinLimit.clear();
  withinLimit.add(query);
  return true;
}

/** True when `source` has more than `limit` tokens; false also when it does not lex (the parser reports that). */
export function exceedsTokenLimit(source: string, limit: number): boolean {
  const lexer = new Lexer(new Source(source));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF;) if (++count > limit) return true;
  } catch {
    return false;
  }
  return false;
}

/**
 * The guard rails of `/graphql`: graphql-armor's depth, alias,
 * directive and cost limits, no field suggestions in error messages, and
 * schema introspection for authenticated admins only (the SDK is generated
 * from the committed schema file, so nobody else needs it).
 */
export function graphqlGuards(): GraphQLGuards {
  const armor = new ApolloArmor({
    // armor's Apollo token plugin throws from parsingDidStart, which Apollo answers with a 500:
    // tokens are counted by graphqlTokenLimit instead, before Apollo sees the body.
    maxTokens: { enabled: false },
    // Introspection is for admins only (below), and the standard introspection query is deeper than 10.
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return {
    plugins: [...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]), introspectionForAdminsOnly],
    validationRules: armor.validationRules,
  };
}

/** Per parsed document: Apollo's document store hands back the same DocumentNode for the same query text. */
const introspectionByDocument = new WeakMap<DocumentNode, boolean>();

/** True when the document asks for `__schema` or `__type` anywhere (`__typename` is harmless); remembered per document. */
export function requestsIntrospection(document: DocumentNode): boolean {
  let found = introspectionByDocument.get(document);
  if (found === undefined) introspectionByDocument.set(document, (found = scanForIntrospection(document)));
  return found;
}

function scanForIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

const introspectionForAdminsOnly: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, contextValue }) {
        if (!requestsIntrospection(document)) return;
        if (!contextValue.actor) throw withStatus(errors.unauthenticated('schema introspection requires an admin bearer token'), 401);
        if (!contextValue.actor.scopes.includes(ADMIN_SCOPE))
          throw withStatus(errors.forbidden('schema introspection requires scope "admin"'), 403);
      },
    };
  },
};

/** Apollo takes a request error's HTTP status from `extensions.http`; formatGraphQLError maps the domain error inside. */
const withStatus = (error: DomainError, status: number): GraphQLError =>
  new GraphQLError(error.description, { originalError: error, extensions: { http: { status } } });
