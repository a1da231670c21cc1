import type { Domain } from '../../composition/create-domain';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from '../endpoint-types';
import { optionalBearerActor } from './admin-bearer';
import { stringFields } from './string-fields';

/**
 * Seed 001 POST `/register_user` (form or JSON): `firstname`, `lastname`,
 * `username`, `phone`, `email`, `password`, optional `tenant_path`. An admin
 * bearer, or self sign-up where the tenant allows it (throttled, 429 with
 * Retry-After). Answers the seed's success body plus the new user's id.
 */
export const registerUserEndpoint =
  (domain: Domain) =>
  async (req: EndpointRequest): Promise<EndpointResponse> => {
    const actor = await optionalBearerActor(domain, req);
    const fields = ['username', 'password', 'email', 'phone', 'firstname', 'lastname', 'tenant_path'] as const;
    const { username, password, email, phone, firstname, lastname, tenant_path: tenantPath } = stringFields(req, fields);
    const { user, tenantPath: path } = await domain.userRegistration.register(
      actor,
      { username, password, email, phone, firstname, lastname, tenantPath },
      req.scope,
    );
    return {
      status: 200,
      headers: NO_STORE,
      body: { status: 'SUCCESS', message: 'register user successfully', id: user.id, username: user.username, tenant_path: path },
    };
  };
