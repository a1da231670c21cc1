/** One entry of a GraphQL response's `errors` (docs/contract.md "GraphQL": every error carries `extensions.code`). */
export interface GraphQLErrorEntry {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions: {
    /** `UNAUTHENTICATED`, `FORBIDDEN`, `BAD_USER_INPUT`, `NOT_FOUND`, `CONFLICT`, `INTERNAL_SERVER_ERROR`, or GraphQL's own request codes. */
    code: string;
    /** The input field at fault, for `BAD_USER_INPUT` from validation. */
    field?: string;
    [key: string]: unknown;
  };
}

/** A GraphQL response that carried errors (or was not a GraphQL response at all). */
export class GraphQLRequestError extends Error {
  readonly errors: GraphQLErrorEntry[];
  /** HTTP status of the response. */
  readonly status: number;

  constructor(errors: GraphQLErrorEntry[], status: number) {
    // `?.`: tolerate a non-conforming server rather than fail while reporting its error.
    super(errors.map((error) => `${error.extensions?.code ?? 'UNKNOWN'}: ${error.message}`).join('; '));
    this.name = 'GraphQLRequestError';
    this.errors = errors;
    this.status = status;
  }

  /** `extensions.code` of the first error. */
  get code(): string {
    return this.errors[0]?.extensions?.code ?? 'UNKNOWN';
  }
}
