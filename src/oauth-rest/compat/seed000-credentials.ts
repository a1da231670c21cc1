import { errors } from '../../domain/errors';
import type { PresentedClientCredentials } from '../../domain/clients/presented-client-credentials';
import { clientCredentialsFromRequest } from '../client-credentials-from-request';
import type { EndpointRequest } from '../endpoint-types';

/**
 * Seed 000 client authentication: form `client_id` and `password`, where
 * `password` is the client secret (`client_secret` is accepted as its alias,
 * and a Basic header as for every OAuth endpoint). The revoke document calls
 * the value `#hashed-password`: it is still the secret itself, never the
 * digest the server stores, so the database alone never holds a credential.
 */
export function seed000Credentials(req: EndpointRequest): PresentedClientCredentials | null {
  const { password, client_secret: clientSecret } = req.body;
  if (password !== undefined && clientSecret !== undefined && password !== clientSecret) {
    throw errors.invalidRequest('send the client secret in password or in client_secret, not both', 'password');
  }
  return clientCredentialsFromRequest({
    headers: req.headers,
    body: { ...req.body, password: undefined, client_secret: clientSecret ?? password },
  });
}
