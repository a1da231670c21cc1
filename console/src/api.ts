import { getSdk, type Requester } from '../../src/sdk/generated';
import type { ConsoleAuth } from './auth';
import { GraphQLFailure, type GraphQLErrorEntry } from './graphql-errors';

/**
 * The generated SDK over fetch: bearer token from memory, no cookie
 * (`credentials: 'omit'`), GraphQL errors thrown as {@link GraphQLFailure}.
 * An UNAUTHENTICATED answer gets one refresh and one retry.
 */
export function consoleSdk(auth: ConsoleAuth, origin: string, fetchImpl: typeof fetch = fetch) {
  const send = async (document: string, variables: unknown): Promise<{ data?: unknown; errors?: GraphQLErrorEntry[] }> => {
    const token = await auth.accessToken();
    if (!token) throw new GraphQLFailure([{ message: 'signed out', extensions: { code: 'UNAUTHENTICATED' } }]);
    const response = await fetchImpl(`${origin}/graphql`, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: String(document), variables: variables ?? {} }),
    });
    const body = (await response.json().catch(() => null)) as { data?: unknown; errors?: GraphQLErrorEntry[] } | null;
    if (!body) throw new GraphQLFailure([{ message: `the API answered ${response.status}`, extensions: { code: 'NETWORK_ERROR' } }]);
    return body;
  };
  const requester: Requester = async <R, V>(document: string, variables?: V): Promise<R> => {
    let body = await send(document, variables);
    if (body.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') && (await auth.refresh()))
      body = await send(document, variables);
    if (body.errors?.length) throw new GraphQLFailure(body.errors);
    return body.data as R;
  };
  return getSdk(requester);
}

export type ConsoleSdk = ReturnType<typeof consoleSdk>;
