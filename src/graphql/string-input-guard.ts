import type { MiddlewareFn } from 'type-graphql';
import { hasControlCharacter, TAB_ALLOWED_PARAMETERS } from '../domain/control-characters';
import { errors } from '../domain/errors';
import type { GraphQLContext } from './graphql-context';

/** Longest string any GraphQL argument may carry; the domain's validators set tighter limits per field. */
const MAX_GRAPHQL_STRING = 8192;

/** Argument names whose values are passwords: tab is allowed there, as in RFC 6749's UNICODECHARNOCRLF. */
const isPasswordField = (name: string): boolean => TAB_ALLOWED_PARAMETERS.has(name) || /password$/i.test(name);

function check(name: string, value: unknown, depth: number): void {
  if (typeof value === 'string') {
    if (value.length > MAX_GRAPHQL_STRING) throw errors.validation(name, `must be at most ${MAX_GRAPHQL_STRING} characters`);
    if (hasControlCharacter(value, isPasswordField(name))) throw errors.validation(name, 'must not contain control characters');
  } else if (Array.isArray(value)) {
    for (const item of value) check(name, item, depth + 1);
  } else if (value && typeof value === 'object' && depth < 4) {
    for (const [key, inner] of Object.entries(value)) check(key, inner, depth + 1);
  }
}

/**
 * Every string argument of every field, inputs and lists included, before
 * any resolver (or the audit trail) sees it: no control character (tab only
 * in passwords) and at most {@link MAX_GRAPHQL_STRING} characters, refused as
 * BAD_USER_INPUT naming the field.
 */
export const stringInputGuard: MiddlewareFn<GraphQLContext> = ({ args }, next) => {
  for (const [name, value] of Object.entries(args)) check(name, value, 0);
  return next();
};
