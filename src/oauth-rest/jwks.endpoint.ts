import type { Domain } from '../composition/create-domain';
import { defaults } from '../config/defaults';
import type { EndpointResponse } from './endpoint-types';

const JWKS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': `public, max-age=${defaults.jwksMaxAgeSeconds}`,
  'Content-Type': 'application/jwk-set+json; charset=utf-8',
});

/** GET `/.well-known/jwks.json` (RFC 7517 §5); a new key is in it `defaults.keyPublicationSeconds` (≥ its max-age) before it signs. */
export const jwksEndpoint = (domain: Domain) => async (): Promise<EndpointResponse> => ({
  status: 200,
  headers: JWKS_HEADERS,
  body: await domain.keys.jwks(),
});
