import { createAdminSdk, GraphQLRequestError, type AdminSdk, type GraphQLErrorEntry } from '../../src/sdk/client';
import { clientCredentialsToken } from './oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET } from './test-server';

/** The generated SDK authenticated as the bootstrap root admin. */
export async function rootAdminSdk(baseUrl: string): Promise<AdminSdk> {
  return createAdminSdk(baseUrl, await clientCredentialsToken(baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET));
}

/** The generated SDK authenticated as a client, through client_credentials. */
export async function clientSdk(baseUrl: string, clientId: string, clientSecret: string): Promise<AdminSdk> {
  return createAdminSdk(baseUrl, await clientCredentialsToken(baseUrl, clientId, clientSecret));
}

const ERROR_KEYS = ['message', 'locations', 'path', 'extensions'];
const EXTENSION_KEYS = ['code', 'field'];

/**
 * Awaits an SDK call that must fail and returns its first error, after checking
 * that no error leaks more than message, locations, path and extensions.code/field
 * (no stack traces, no SQL, no internals).
 */
export async function graphqlError(call: Promise<unknown>): Promise<GraphQLErrorEntry> {
  let thrown: unknown;
  try {
    await call;
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof GraphQLRequestError))
    throw new Error(`expected a GraphQLRequestError, got ${thrown === undefined ? 'success' : String(thrown)}`);
  for (const error of thrown.errors) {
    expect(ERROR_KEYS).toEqual(expect.arrayContaining(Object.keys(error)));
    expect(EXTENSION_KEYS).toEqual(expect.arrayContaining(Object.keys(error.extensions)));
    expect(typeof error.extensions.code).toBe('string');
    expect(error.message).not.toMatch(
      /\n\s+at |\.(ts|js):\d+|\bselect\b.+\bfrom\b|\binsert into\b|\bupdate\b.+\bset\b|\bdelete from\b|constraint|relation "/i,
    );
  }
  expect(thrown.errors.length).toBeGreaterThan(0);
  return thrown.errors[0]!;
}

/** The `extensions.code` of a failing SDK call (error shape checked as in {@link graphqlError}). */
export async function errorCode(call: Promise<unknown>): Promise<string> {
  return (await graphqlError(call)).extensions.code;
}
