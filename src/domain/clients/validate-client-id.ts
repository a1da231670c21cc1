import { ensure, errors } from '../errors';

const CLIENT_ID = /^[A-Za-z0-9._~-]{3,128}$/;

/** Prefix of the account page's client of each tenant, `account.<tenant id>` (devices/account-client.ts). */
export const ACCOUNT_CLIENT_PREFIX = 'account.';

/** The admin console's public client, in `/` (bootstrap.ts). */
export const CONSOLE_CLIENT_ID = 'console';

/** Prefix of the console's client of each tenant other than `/`, `console.<tenant id>` (console/console-client.ts). */
export const CONSOLE_CLIENT_PREFIX = 'console.';

/**
 * True for the client ids the server makes itself: `account.*` (the account
 * page's client of a tenant), `console` and `console.*` (the console's client
 * of `/` and of every other tenant). Compared without case, so a look-alike
 * (`Account.…`, `CONSOLE`, `Console.…`) is reserved too.
 */
export function isReservedClientId(clientId: string): boolean {
  const lower = clientId.toLowerCase();
  return lower.startsWith(ACCOUNT_CLIENT_PREFIX) || lower.startsWith(CONSOLE_CLIENT_PREFIX) || lower === CONSOLE_CLIENT_ID;
}

/** True for the exact ids the server gives the clients it makes: `account.*`, `console` and `console.*`. */
export const isServerMadeClientId = (clientId: string): boolean =>
  clientId.startsWith(ACCOUNT_CLIENT_PREFIX) || clientId.startsWith(CONSOLE_CLIENT_PREFIX) || clientId === CONSOLE_CLIENT_ID;

/**
 * Whether a client with a server-made id sits where the server would have made
 * it: `account.<tenant id>` and `console.<tenant id>` in that very tenant,
 * `console` in `/`. A row that does not (made by an admin before the ids were
 * reserved) is never used. Other ids are always in place.
 */
export function serverMadeClientInPlace(client: { readonly clientId: string; readonly tenantId: string }, tenantPath: string): boolean {
  if (client.clientId.startsWith(ACCOUNT_CLIENT_PREFIX)) return client.clientId === `${ACCOUNT_CLIENT_PREFIX}${client.tenantId}`;
  if (client.clientId.startsWith(CONSOLE_CLIENT_PREFIX)) return client.clientId === `${CONSOLE_CLIENT_PREFIX}${client.tenantId}`;
  if (client.clientId === CONSOLE_CLIENT_ID) return tenantPath === '/';
  return true;
}

export interface ClientIdOptions {
  /** The server itself is making this client (the account page's, the console's): reserved ids are allowed. */
  serverMade?: boolean;
}

/**
 * A new client's client_id: 3-128 characters of the RFC 3986 unreserved set,
 * and not one of the ids the server makes itself ({@link isReservedClientId})
 * unless the server is making it. Every path that creates clients comes here:
 * ClientService.insert (GraphQL createClient, the CLI, seed 001
 * `/register_client`) and provisioning files.
 */
export function validateClientId(clientId: string, field = 'clientId', options: ClientIdOptions = {}): string {
  ensure(CLIENT_ID.test(clientId), () => errors.validation(field, 'must be 3-128 characters of A-Z a-z 0-9 . _ ~ -'));
  ensure(options.serverMade === true || !isReservedClientId(clientId), () =>
    errors.validation(
      field,
      `"${clientId}" is reserved: the server makes the clients ${ACCOUNT_CLIENT_PREFIX}*, ${CONSOLE_CLIENT_ID} and ${CONSOLE_CLIENT_PREFIX}* itself`,
    ),
  );
  return clientId;
}
