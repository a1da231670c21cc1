import { ensure, errors } from '../errors';

const CLIENT_ID = /^[A-Za-z0-9._~-]{3,128}$/;

/** A client_id: 3-128 characters of the RFC 3986 unreserved set. */
export function validateClientId(clientId: string, field = 'clientId'): string {
  ensure(CLIENT_ID.test(clientId), () => errors.validation(field, 'must be 3-128 characters of A-Z a-z 0-9 . _ ~ -'));
  return clientId;
}
