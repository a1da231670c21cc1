import type { Domain } from '../composition/create-domain';
import { PUBLIC_5_MIN, type EndpointResponse } from './endpoint-types';

/** GET `/.well-known/jwks.json` (RFC 7517 §5). */
export const jwksEndpoint =
  (domain: Domain) =>
  async (): Promise<EndpointResponse> => ({
    status: 200,
    headers: { ...PUBLIC_5_MIN, 'Content-Type': 'application/jwk-set+json; charset=utf-8' },
    body: await domain.keys.jwks(),
  });
