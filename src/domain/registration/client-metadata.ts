import { defaults } from '../../config/defaults';
import { ADMIN_SCOPE } from '../actor';
import { validateRedirectUri } from '../clients/validate-redirect-uri';
import { hasControlCharacter } from '../control-characters';
import { ensure, errors, isDomainError } from '../errors';
import { parseScope } from '../scopes';
import { validateDisplayName } from '../validate-display-name';
import type { Client, ClientJwks, TokenEndpointAuthMethod } from '../clients/client';
import { outboundUrlRefusal, type OutboundPolicy } from '../outbound/outbound-policy';
import {
  DEFAULT_REGISTERED_SCOPES,
  hostMatches,
  isRegistrableAuthMethod,
  REGISTRABLE_AUTH_METHODS,
  REGISTRABLE_GRANT_TYPES,
  type RegistrationPolicy,
} from './registration-policy';

/** OIDC Registration §2 `application_type`: a `web` client redirects to https only; a `native` one also to loopback or a private-use scheme. */
const APPLICATION_TYPES = ['web', 'native'] as const;
type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** The kind of client a `token_endpoint_auth_method` makes; `invalid_client_metadata` for a method not registrable. */
function authMethodOf(method: string): TokenEndpointAuthMethod {
  ensure(isRegistrableAuthMethod(method), () =>
    errors.invalidClientMetadata(
      `token_endpoint_auth_method must be one of ${Object.keys(REGISTRABLE_AUTH_METHODS).join(', ')}`,
      'token_endpoint_auth_method',
    ),
  );
  return method;
}

/**
 * The registered metadata the clients table has no column for, kept with the registration
 * (stored as JSON under these RFC 7591 names; a null or empty value is not stored).
 */
export interface RegistrationExtras {
  readonly token_endpoint_auth_method: string;
  readonly response_types: readonly string[];
  readonly application_type: ApplicationType;
  readonly client_name?: string;
  readonly client_uri?: string;
  readonly logo_uri?: string;
  readonly policy_uri?: string;
  readonly tos_uri?: string;
  readonly contacts?: readonly string[];
  readonly software_id?: string;
  readonly software_version?: string;
}

/** A validated registration request: what the client is created (or updated) with, and the extras. */
export interface RegisteredMetadata {
  readonly client: {
    readonly name: string;
    readonly isPublic: boolean;
    readonly redirectUris: string[];
    readonly postLogoutRedirectUris: string[];
    readonly grantTypes: string[];
    readonly allowedScopes: string[];
    readonly firstParty: false;
    readonly accessTokenLifetime: number;
    readonly refreshTokenLifetime: number;
    readonly responseStyle: 'standard';
    readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
    /** As sent (a JSON object); ClientService validates the keys (validate-client-keys.ts). */
    readonly jwks: ClientJwks | null;
    readonly jwksUri: string | null;
    readonly dpopBoundAccessTokens: boolean;
    readonly requirePushedAuthorizationRequests: boolean;
    readonly requireSignedRequestObject: boolean;
    /** OIDC Back-Channel Logout 1.0 §2.2; held to the outbound policy (the server POSTs to it). */
    readonly backchannelLogoutUri: string | null;
    readonly backchannelLogoutSessionRequired: boolean;
  };
  readonly extras: RegistrationExtras;
}

const MAX_URI = 2000;
const MAX_TEXT = 200;
const MAX_CONTACTS = 20;
const MAX_LIST = 50;
const URI_FIELDS = ['client_uri', 'logo_uri', 'policy_uri', 'tos_uri'] as const;
/** Shown when a registration names no client_name. */
const DEFAULT_CLIENT_NAME = 'Dynamically registered client';

/**
 * RFC 7591 §2 and OIDC Registration §2 client metadata, validated against the server's rules and
 * the registration's `policy`; pure. Fields this server does not know are ignored and never stored
 * (RFC 7591 §2). Refusals: `invalid_redirect_uri` for redirect URIs, `invalid_software_statement`
 * for any software statement (none is trusted), `invalid_client_metadata` for everything else.
 * `server.grantTypes` are the grant types the token endpoint serves; `server.outbound` the policy a
 * `jwks_uri` is held to (the server fetches it). What makes client settings valid for any client
 * (keys, a method's needs, which grants a public client may use) is ClientService's to check, when
 * the client is created or updated from the result.
 */
export function parseClientMetadata(
  body: unknown,
  policy: RegistrationPolicy,
  server: { readonly grantTypes: readonly string[]; readonly outbound: OutboundPolicy },
): RegisteredMetadata {
  const grantTypes = server.grantTypes;
  ensure(typeof body === 'object' && body !== null && !Array.isArray(body), () =>
    errors.invalidClientMetadata('the request body must be a JSON object'),
  );
  const json = body as Record<string, unknown>;
  ensure(json.software_statement === undefined, () =>
    errors.invalidSoftwareStatement('software statements are not accepted: this server trusts no software statement issuer'),
  );

  const applicationType = (optionalString(json, 'application_type', MAX_TEXT) ?? 'web') as ApplicationType;
  ensure(APPLICATION_TYPES.includes(applicationType), () =>
    errors.invalidClientMetadata(`application_type must be one of ${APPLICATION_TYPES.join(', ')}`, 'application_type'),
  );
  const authMethod = optionalString(json, 'token_endpoint_auth_method', MAX_TEXT) ?? 'client_secret_basic';
  const method = authMethodOf(authMethod);
  const { isPublic, signingAlgorithms } = REGISTRABLE_AUTH_METHODS[method];
  ensure(!policy.tokenEndpointAuthMethods || policy.tokenEndpointAuthMethods.includes(method), () =>
    errors.invalidClientMetadata(
      `token_endpoint_auth_method ${quoted(method)} is not allowed by the registration policy`,
      'token_endpoint_auth_method',
    ),
  );
  // Not stored: any algorithm of the method is accepted, so only those may be named.
  const signingAlg = optionalString(json, 'token_endpoint_auth_signing_alg', MAX_TEXT);
  ensure(signingAlg === undefined || (signingAlgorithms?.includes(signingAlg) ?? false), () =>
    errors.invalidClientMetadata(
      signingAlgorithms
        ? `token_endpoint_auth_signing_alg must be one of ${signingAlgorithms.join(', ')}`
        : 'token_endpoint_auth_signing_alg goes only with private_key_jwt or client_secret_jwt',
      'token_endpoint_auth_signing_alg',
    ),
  );
  const keys = keyMetadata(json, server.outbound);
  // OIDC Back-Channel Logout 1.0 §2.2: the server POSTs logout tokens there, so the outbound policy's URL rules apply.
  const backchannelLogoutUri = optionalString(json, 'backchannel_logout_uri', MAX_URI) ?? null;
  const backchannelRefusal = backchannelLogoutUri === null ? null : outboundUrlRefusal(backchannelLogoutUri, server.outbound);
  ensure(backchannelRefusal === null, () =>
    errors.invalidClientMetadata(`backchannel_logout_uri ${backchannelRefusal}`, 'backchannel_logout_uri'),
  );

  const grants = unique(stringList(json, 'grant_types', MAX_TEXT) ?? ['authorization_code']);
  ensure(grants.length > 0, () => errors.invalidClientMetadata('grant_types must not be empty', 'grant_types'));
  for (const grant of grants) {
    ensure((REGISTRABLE_GRANT_TYPES as readonly string[]).includes(grant) && grantTypes.includes(grant), () =>
      errors.invalidClientMetadata(`grant type ${quoted(grant)} cannot be registered`, 'grant_types'),
    );
    ensure(!policy.grantTypes || policy.grantTypes.includes(grant), () =>
      errors.invalidClientMetadata(`grant type ${quoted(grant)} is not allowed by the registration policy`, 'grant_types'),
    );
  }
  const responseTypes = unique(stringList(json, 'response_types', MAX_TEXT) ?? (grants.includes('authorization_code') ? ['code'] : []));
  for (const type of responseTypes) {
    ensure(type === 'code', () =>
      errors.invalidClientMetadata(`response type ${quoted(type)} is not supported; only code`, 'response_types'),
    );
  }
  ensure(responseTypes.includes('code') === grants.includes('authorization_code'), () =>
    errors.invalidClientMetadata(
      'response_types code and grant_types authorization_code go together (RFC 7591 section 2.1)',
      'response_types',
    ),
  );

  const redirectUris = unique(stringList(json, 'redirect_uris', MAX_URI, errors.invalidRedirectUri) ?? []);
  ensure(redirectUris.length <= MAX_LIST, () => errors.invalidRedirectUri(`at most ${MAX_LIST} redirect_uris`));
  for (const uri of redirectUris) checkRedirectUri(uri, applicationType, policy);
  ensure(!grants.includes('authorization_code') || redirectUris.length > 0, () =>
    errors.invalidRedirectUri('the authorization_code grant needs at least one redirect URI'),
  );

  // OIDC RP-Initiated Logout 1.0 §3.1: checked like redirect URIs.
  const postLogoutRedirectUris = unique(stringList(json, 'post_logout_redirect_uris', MAX_URI, errors.invalidRedirectUri) ?? []);
  ensure(postLogoutRedirectUris.length <= MAX_LIST, () => errors.invalidRedirectUri(`at most ${MAX_LIST} post_logout_redirect_uris`));
  for (const uri of postLogoutRedirectUris) checkRedirectUri(uri, applicationType, policy);

  const scopes = registeredScopes(optionalString(json, 'scope', 4000), policy);
  const name = optionalString(json, 'client_name', MAX_TEXT);
  const extras: Record<string, unknown> = {
    token_endpoint_auth_method: authMethod,
    response_types: responseTypes,
    application_type: applicationType,
  };
  if (name !== undefined) extras.client_name = asDisplayName(name);
  for (const field of URI_FIELDS) {
    const uri = optionalString(json, field, MAX_URI);
    if (uri !== undefined) extras[field] = httpsUrl(uri, field);
  }
  const contacts = stringList(json, 'contacts', 254);
  if (contacts && contacts.length > 0) {
    ensure(contacts.length <= MAX_CONTACTS, () => errors.invalidClientMetadata(`at most ${MAX_CONTACTS} contacts`, 'contacts'));
    extras.contacts = unique(contacts);
  }
  for (const field of ['software_id', 'software_version'] as const) {
    const value = optionalString(json, field, MAX_TEXT);
    if (value !== undefined) extras[field] = value;
  }
  return {
    client: {
      name: (extras.client_name as string | undefined) ?? DEFAULT_CLIENT_NAME,
      isPublic,
      redirectUris,
      postLogoutRedirectUris,
      grantTypes: grants,
      allowedScopes: scopes,
      firstParty: false,
      accessTokenLifetime: capped(defaults.accessTokenLifetimeSeconds, policy.maxAccessTokenLifetime),
      refreshTokenLifetime: capped(defaults.refreshTokenLifetimeSeconds, policy.maxRefreshTokenLifetime),
      responseStyle: 'standard',
      tokenEndpointAuthMethod: method,
      ...keys,
      dpopBoundAccessTokens: optionalBoolean(json, 'dpop_bound_access_tokens'),
      requirePushedAuthorizationRequests: optionalBoolean(json, 'require_pushed_authorization_requests'),
      // OIDC Dynamic Client Registration §2 (RFC 9101 §10.5): only signed request objects; needs jwks or jwks_uri.
      requireSignedRequestObject: optionalBoolean(json, 'require_signed_request_object'),
      backchannelLogoutUri,
      backchannelLogoutSessionRequired: optionalBoolean(json, 'backchannel_logout_session_required'),
    },
    extras: extras as unknown as RegistrationExtras,
  };
}

/**
 * The registered metadata of a client as RFC 7591 §3.2.1 and RFC 7592 §3 answer it (without credentials):
 * what the client holds read from the client (an admin may have changed it since), the rest from the extras.
 */
export function registeredMetadataOf(client: Client, extras: RegistrationExtras): Record<string, unknown> {
  const method = client.tokenEndpointAuthMethod;
  return {
    client_id: client.clientId,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    ...(holdsSecret(method) ? { client_secret_expires_at: 0 } : {}),
    redirect_uris: [...client.redirectUris],
    ...(client.postLogoutRedirectUris?.length ? { post_logout_redirect_uris: [...client.postLogoutRedirectUris] } : {}),
    grant_types: [...client.grantTypes],
    scope: client.allowedScopes.join(' '),
    ...extras,
    // A secret client takes its secret either way; the registered one of the two is the one shown.
    token_endpoint_auth_method:
      takesSecret(method) && takesSecret(extras.token_endpoint_auth_method) ? extras.token_endpoint_auth_method : method,
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    require_signed_request_object: client.requireSignedRequestObject,
    ...(client.backchannelLogoutUri
      ? {
          backchannel_logout_uri: client.backchannelLogoutUri,
          backchannel_logout_session_required: client.backchannelLogoutSessionRequired,
        }
      : {}),
  };
}

/** Whether a client of `method` holds a secret the server issued (RFC 7591 §3.2.1 `client_secret`). */
export const holdsSecret = (method: string): boolean => method !== 'none' && method !== 'private_key_jwt';
const takesSecret = (method: string): boolean => method === 'client_secret_basic' || method === 'client_secret_post';

/**
 * `jwks` (a JSON object: RFC 7591 §2) and `jwks_uri`, which the server fetches, so it must be a URL the
 * outbound policy would let it reach as far as the URL itself tells (https; an IP address or loopback
 * name the policy allows). Whether the keys are public keys, and whether the method needs them, is
 * ClientService's check.
 */
function keyMetadata(json: Record<string, unknown>, outbound: OutboundPolicy): { jwks: ClientJwks | null; jwksUri: string | null } {
  const jwks = json.jwks ?? null;
  ensure(jwks === null || (typeof jwks === 'object' && !Array.isArray(jwks)), () =>
    errors.invalidClientMetadata('jwks must be a JSON Web Key Set object', 'jwks'),
  );
  const jwksUri = optionalString(json, 'jwks_uri', MAX_URI) ?? null;
  const refusal = jwksUri === null ? null : outboundUrlRefusal(jwksUri, outbound);
  ensure(refusal === null, () => errors.invalidClientMetadata(`jwks_uri ${refusal}`, 'jwks_uri'));
  return { jwks: jwks as ClientJwks | null, jwksUri };
}

function checkRedirectUri(uri: string, applicationType: ApplicationType, policy: RegistrationPolicy): void {
  try {
    validateRedirectUri(uri, 'redirect_uris');
  } catch (error) {
    if (isDomainError(error)) throw errors.invalidRedirectUri(describable(error.description));
    throw error;
  }
  const url = new URL(uri);
  const shown = quoted(uri);
  ensure(applicationType === 'native' || url.protocol === 'https:', () =>
    errors.invalidRedirectUri(`${shown}: a web client redirects to https only (application_type native for loopback or app schemes)`),
  );
  ensure(policy.redirectUriRule !== 'https' || url.protocol === 'https:', () =>
    errors.invalidRedirectUri(`${shown}: the registration policy allows https redirect URIs only`),
  );
  ensure(policy.redirectUriRule !== 'https_or_loopback' || url.protocol === 'https:' || url.protocol === 'http:', () =>
    errors.invalidRedirectUri(`${shown}: the registration policy allows https or loopback http redirect URIs only`),
  );
  if (policy.redirectHosts) {
    const hosts = policy.redirectHosts;
    ensure((url.protocol === 'https:' || url.protocol === 'http:') && hosts.some((pattern) => hostMatches(pattern, url.hostname)), () =>
      errors.invalidRedirectUri(`${shown}: the host is not one the registration policy allows`),
    );
  }
}

function registeredScopes(raw: string | undefined, policy: RegistrationPolicy): string[] {
  let scopes: string[];
  try {
    scopes = parseScope(raw);
  } catch (error) {
    if (isDomainError(error)) throw errors.invalidClientMetadata(describable(error.description), 'scope');
    throw error;
  }
  if (raw === undefined || scopes.length === 0) return [...(policy.scopes ?? DEFAULT_REGISTERED_SCOPES)];
  ensure(scopes.length <= 100, () => errors.invalidClientMetadata('at most 100 scopes', 'scope'));
  ensure(!scopes.includes(ADMIN_SCOPE), () => errors.invalidClientMetadata(`scope ${quoted(ADMIN_SCOPE)} cannot be registered`, 'scope'));
  const refused = policy.scopes ? scopes.filter((scope) => !policy.scopes!.includes(scope)) : [];
  ensure(refused.length === 0, () =>
    errors.invalidClientMetadata(`scope not allowed by the registration policy: ${refused.join(' ')}`, 'scope'),
  );
  return scopes;
}

const capped = (fallback: number, cap: number | null): number => (cap === null ? fallback : Math.min(fallback, cap));

function optionalString(json: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  ensure(typeof value === 'string', () => errors.invalidClientMetadata(`${field} must be a string`, field));
  ensure(value.length <= max, () => errors.invalidClientMetadata(`${field} must be at most ${max} characters`, field));
  ensure(!hasControlCharacter(value), () => errors.invalidClientMetadata(`${field} must not contain control characters`, field));
  return value;
}

function optionalBoolean(json: Record<string, unknown>, field: string): boolean {
  const value = json[field];
  if (value === undefined || value === null) return false;
  ensure(typeof value === 'boolean', () => errors.invalidClientMetadata(`${field} must be true or false`, field));
  return value;
}

function stringList(
  json: Record<string, unknown>,
  field: string,
  max: number,
  refuse: (description: string) => Error = (description) => errors.invalidClientMetadata(description, field),
): string[] | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_LIST) throw refuse(`${field} must be an array of at most ${MAX_LIST} strings`);
  for (const item of value) {
    if (typeof item !== 'string' || item.length === 0 || item.length > max || hasControlCharacter(item))
      throw refuse(`${field} must hold non-empty strings of at most ${max} characters without control characters`);
  }
  return value as string[];
}

function httpsUrl(value: string, field: string): string {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  ensure(url?.protocol === 'https:' && !url.username && !url.password, () =>
    errors.invalidClientMetadata(`${field} must be an absolute https URL without userinfo`, field),
  );
  return value;
}

function asDisplayName(name: string): string {
  try {
    return validateDisplayName(name, 'client_name');
  } catch (error) {
    if (isDomainError(error)) throw errors.invalidClientMetadata(error.description, 'client_name');
    throw error;
  }
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/** Text made fit for `error_description` (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E): `"` becomes `'`, anything else outside `?`. */
export const describable = (text: string): string => text.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?');

/** A value as shown in an error description: quoted with `'`, at most 60 characters, fit for `error_description`. */
const quoted = (value: string): string => `'${describable(value.length > 60 ? `${value.slice(0, 60)}...` : value)}'`;
