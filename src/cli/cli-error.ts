import { ProvisioningError } from '../domain/provisioning/provisioning-error';
import { GraphQLRequestError } from '../sdk/graphql-request-error';

/** Exit codes scripts can rely on (docs/operations.md "Command-line tool"). */
export const EXIT = {
  ok: 0,
  /** Bad flags or arguments, missing credentials, an unreadable or invalid file. */
  usage: 1,
  /** The server answered with a refusal: bad credentials, forbidden, not found, conflict, invalid input. */
  api: 2,
  /** The server could not be reached. */
  connection: 3,
} as const;

/** A failure with the exit code and the code word (`UNAUTHENTICATED`, `NOT_FOUND`, …) it reports. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    readonly code: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(EXIT.usage, message, 'USAGE');

/** Classifies anything a command threw into a {@link CliError}. */
export function toCliError(error: unknown, url?: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ProvisioningError)
    return new CliError(EXIT.usage, 'the provisioning file is invalid; nothing was applied', 'INVALID_FILE', error.problems);
  if (error instanceof GraphQLRequestError) return new CliError(EXIT.api, error.errors.map((e) => e.message).join('; '), error.code);
  if (error instanceof Error && error.name === 'TypeError' && error.message === 'fetch failed') {
    const cause = error.cause as NodeJS.ErrnoException | undefined;
    return new CliError(
      EXIT.connection,
      `cannot reach ${url ?? 'the server'}: ${cause?.code ?? cause?.message ?? 'connection failed'}`,
      'CONNECTION_FAILED',
    );
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (
    code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
    code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
    code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
  ) {
    return usageError((error as Error).message);
  }
  return new CliError(EXIT.usage, error instanceof Error ? error.message : String(error), 'ERROR');
}
