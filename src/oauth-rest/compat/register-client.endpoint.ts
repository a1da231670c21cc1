import type { Domain } from '../../composition/create-domain';
import { ensure, errors } from '../../domain/errors';
import { registerSeed001Client } from '../../domain/compat/register-seed001-client';
import { NO_STORE, type EndpointRequest, type EndpointResponse } from '../endpoint-types';
import { optionalBearerActor } from './admin-bearer';
import { stringFields } from './string-fields';

/**
 * Seed 001 POST `/register_client` (form or JSON): `client_id`,
 * `client_secret`, `redirect_uri`, optional `tenant_path`; admin bearer
 * required. Answers the seed's success body plus the new client's ids and its
 * secret (shown once; the supplied one, or a generated one when omitted).
 */
export const registerClientEndpoint =
  (domain: Domain) =>
  async (req: EndpointRequest): Promise<EndpointResponse> => {
    const actor = await optionalBearerActor(domain, req);
    ensure(actor, () => errors.unauthenticated('an admin bearer access token is required'));
    const body = stringFields(req, ['client_id', 'client_secret', 'redirect_uri', 'tenant_path']);
    const { client, clientSecret } = await registerSeed001Client(domain.clients, actor, {
      clientId: body.client_id,
      clientSecret: body.client_secret,
      redirectUri: body.redirect_uri,
      tenantPath: body.tenant_path,
    });
    const tenant = await domain.tenants.findById(client.tenantId);
    return {
      status: 200,
      headers: NO_STORE,
      body: {
        status: 'SUCCESS',
        message: 'register client successfully',
        id: client.id,
        client_id: client.clientId,
        client_secret: clientSecret,
        redirect_uri: client.redirectUris[0],
        tenant_path: tenant?.path,
      },
    };
  };
