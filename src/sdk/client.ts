import { getSdk, type Requester, type Sdk } from './generated';
import { GraphQLRequestError, type GraphQLErrorEntry } from './graphql-request-error';

export type * from './generated';
export { GraphQLRequestError, type GraphQLErrorEntry } from './graphql-request-error';
export type AdminSdk = Sdk;

/** Per-call options every SDK method accepts as its second argument. */
interface AdminRequestOptions {
  signal?: AbortSignal;
}

interface GraphQLResponseBody {
  data?: unknown;
  errors?: GraphQLErrorEntry[];
}

/**
 * The typed admin API client: every operation of src/sdk/operations as a method,
 * sent as JSON to `${baseUrl}/graphql` with the bearer token. Resolves to the
 * operation's `data`; rejects with {@link GraphQLRequestError} when the
 * response has errors.
 */
export function createAdminSdk(baseUrl: string, accessToken?: string): AdminSdk {
  const endpoint = `${baseUrl.replace(/\/+$/, '')}/graphql`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;

  const requester: Requester<AdminRequestOptions> = async <R, V>(
    document: string,
    variables?: V,
    options?: AdminRequestOptions,
  ): Promise<R> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers,
      // `document` is a String object (see the prelude of generated.ts); String() sends its text.
      body: JSON.stringify({ query: String(document), variables: variables ?? {} }),
      signal: options?.signal,
    });
    const body = await readBody(response);
    if (body.errors && body.errors.length > 0) throw new GraphQLRequestError(body.errors, response.status);
    if (body.data === undefined || body.data === null) {
      throw new GraphQLRequestError(
        [{ message: `no data in the response (HTTP ${response.status})`, extensions: { code: 'INVALID_RESPONSE' } }],
        response.status,
      );
    }
    return body.data as R;
  };
  return getSdk(requester);
}

async function readBody(response: Response): Promise<GraphQLResponseBody> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === 'object') return body as GraphQLResponseBody;
  } catch {
    // not JSON: reported below
  }
  return { errors: [{ message: `not a GraphQL response (HTTP ${response.status})`, extensions: { code: 'INVALID_RESPONSE' } }] };
}
