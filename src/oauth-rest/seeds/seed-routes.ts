import type { Domain } from '../../domain/create-domain';
import type { OAuthEndpoint } from '../oauth-endpoints';
import { apiEndpoint } from './api.endpoint';
import { clientLoginEndpoint } from './client-login.endpoint';
import { registerClientEndpoint } from './register-client.endpoint';
import { registerUserEndpoint } from './register-user.endpoint';
import { withSeed001Errors } from './seed001-errors';
import { tokenRevokeEndpoint } from './token-revoke.endpoint';

/**
 * How a route's body is read: `form` requires application/x-www-form-urlencoded;
 * `optional-form` parses a form body when sent and ignores any other; `form-or-json`
 * takes either; `none` reads no body (GET).
 */
export type BodyKind = 'form' | 'optional-form' | 'form-or-json' | 'none';

export interface SeedRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body: BodyKind;
  readonly endpoint: OAuthEndpoint;
  /** Served by the node:http fast path too (form or bodiless requests only). */
  readonly fast: boolean;
  /** Seed 001 routes answer body-parsing failures in seed 001's shape too. */
  readonly seed001Errors: boolean;
}

/** Seed 000's documented base URL ends in `/oauth`: its paths are served with and without that prefix. */
const SEED000_PREFIXES = ['', '/oauth'];

/** Seeds 000 and 001 as routes over the shared domain: one list, read by Express and the fast path. */
export function seedRoutes(domain: Domain): SeedRoute[] {
  const api = withSeed001Errors(apiEndpoint(domain));
  const [login, revoke] = [clientLoginEndpoint(domain), tokenRevokeEndpoint(domain)];
  return [
    ...SEED000_PREFIXES.flatMap((prefix): SeedRoute[] => [
      { method: 'POST', path: `${prefix}/client/login`, body: 'form', endpoint: login, fast: true, seed001Errors: false },
      { method: 'POST', path: `${prefix}/token/revoke`, body: 'form', endpoint: revoke, fast: true, seed001Errors: false },
    ]),
    { method: 'POST', path: '/register_client', body: 'form-or-json', endpoint: withSeed001Errors(registerClientEndpoint(domain)), fast: false, seed001Errors: true },
    { method: 'POST', path: '/register_user', body: 'form-or-json', endpoint: withSeed001Errors(registerUserEndpoint(domain)), fast: false, seed001Errors: true },
    { method: 'POST', path: '/api', body: 'optional-form', endpoint: api, fast: true, seed001Errors: true },
    { method: 'GET', path: '/api', body: 'none', endpoint: api, fast: true, seed001Errors: true },
  ];
}
