import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import type { PresentedClientCredentials } from '../clients/presented-client-credentials';
import type { DomainDeps } from '../deps';
import { DomainError, ensure, errors } from '../errors';
import { RESOURCE_SEPARATOR } from '../grants/token-targets';
import { profileRequirements } from '../profiles/security-profile';
import type { ReplayGuard } from '../replay/replay-guard';
import type { RequestScope } from '../request-scope';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { MaybePromise } from '../util/maybe-promise';
import type { RawAuthorizationParams } from './authorization-request';
import { readParam } from './read-param';
import type { RequestObjects } from './request-object';
import { resolveRedirectUri } from './resolve-redirect-uri';
import { validateAuthorizationRequest } from './validate-authorization-request';

/** RFC 9126 §2.2: the URN namespace of the request_uri values this server hands out. */
const PUSHED_REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** RFC 9126 §2.2 `expires_in`: a pushed request is good for one minute (the RFC suggests 5 to 600 seconds). */
const PUSHED_REQUEST_LIFETIME_SECONDS = 60;

/** Longest request_uri handed out: it travels in the browser's URL (the request line stays well below Node's 16 KiB header limit). */
const MAX_REQUEST_URI_LENGTH = 6000;

/** Client authentication parameters: authenticate the push, never carried into the request. */
const CLIENT_AUTHENTICATION_PARAMETERS = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

const TYPE = 'idp.pushed-authorization-request.v1';

interface SealedPush {
  typ: typeof TYPE;
  /** The client that pushed; only it may use the request_uri. */
  cid: string;
  /** Expiry, epoch milliseconds. */
  exp: number;
  /** The pushed authorization request parameters (repeated `resource` as an array). */
  params: Record<string, string | string[]>;
  /** Set when the parameters came from a signed request object (RFC 9101) pushed with them. */
  jar?: true;
}

/** What a request_uri stands for: the pushed parameters, and whether a signed request object carried them. */
export interface PushedRequest {
  readonly params: RawAuthorizationParams;
  readonly signed: boolean;
}

/** What the pushed authorization request endpoint answers (RFC 9126 §2.2). */
export interface PushedAuthorizationResponse {
  readonly request_uri: string;
  readonly expires_in: number;
}

/** Whether a request_uri is one of ours (a PAR URN); any other is `request_uri_not_supported` (nothing is fetched). */
export const isPushedRequestUri = (requestUri: string): boolean => requestUri.startsWith(PUSHED_REQUEST_URI_PREFIX);

/**
 * Pushed Authorization Requests (RFC 9126). {@link push} authenticates the client as the token
 * endpoint does (at a tenant issuer, only that tenant's clients), validates the parameters as
 * `/authorize` does, and answers a `request_uri` that seals them (AES-256-GCM with the server
 * secret, so any process can open it and none can read or alter it outside) with the pushing
 * client and an expiry. {@link take} opens it at `/authorize` for the same client, once: the
 * replay guard claims it in the shared store, so a second use fails on every process. A push
 * carrying a signed request object (`request`, RFC 9126 §3 with RFC 9101) is the object's
 * parameters alone, checked by RequestObjects (any refusal a 400 `invalid_request_object`);
 * the sealed request remembers it was signed, for clients that require signed request objects.
 */
export class PushedAuthorizationService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    /** RFC 8707 resolution of `resource` values, as at `/authorize` (ApiService). */
    private readonly apis: { resolve(tenant: Tenant, resources: readonly string[]): MaybePromise<unknown> },
    private readonly replays: ReplayGuard,
    /** RFC 9101 request objects, which RFC 9126 §3 lets a push carry. */
    private readonly requestObjects: RequestObjects,
  ) {}

  async push(
    credentials: PresentedClientCredentials | null,
    body: Readonly<Record<string, string | undefined>>,
    scope: RequestScope,
  ): Promise<PushedAuthorizationResponse> {
    if (!credentials) throw errors.invalidClient('no client credentials');
    const client = await this.clients.authenticate(credentials, scope);
    let params = pushedParams(body);
    // RFC 9126 §3: a signed request object stands for the whole request; the parameters beside it are ignored.
    const signed = readParam(params, 'request') !== undefined;
    if (signed) params = await this.requestObjects.open(client, params);
    // RFC 9126 §2.1: request_uri must not be pushed.
    ensure(readParam(params, 'request_uri') === undefined, () =>
      errors.invalidRequest('request_uri must not be sent to the pushed authorization request endpoint', 'request_uri'),
    );
    ensure(signed || !client.requireSignedRequestObject, () =>
      errors.invalidRequest('this client must send its authorization requests as signed request objects', 'request'),
    );
    // Answered as JSON, so the grant comes first: a client without the code flow has no redirect URI to resolve.
    ensure(client.grantTypes.includes('authorization_code'), () =>
      errors.unauthorizedClient('this client may not use the authorization code flow'),
    );
    const tenant = await this.tenants.findById(client.tenantId);
    if (!tenant) throw errors.unauthorizedClient('the client has no tenant');
    // The client's security profile (FAPI 2.0 §5.3.2.2: redirect_uri required here, PKCE S256 for every client).
    const required = profileRequirements(tenant, client);
    ensure(!required.redirectUriInPush || readParam(params, 'redirect_uri') !== undefined, () =>
      errors.invalidRequest(
        `redirect_uri is required in pushed authorization requests under the ${required.profile} security profile`,
        'redirect_uri',
      ),
    );
    const redirectUri = resolveRedirectUri(client, readParam(params, 'redirect_uri'));
    const request = validateAuthorizationRequest(client, redirectUri, params, required);
    if (request.resources && request.resources.length > 0) await this.apis.resolve(tenant, request.resources);
    const sealed: SealedPush = {
      typ: TYPE,
      cid: client.clientId,
      exp: this.deps.clock.now().getTime() + PUSHED_REQUEST_LIFETIME_SECONDS * 1000,
      params,
      ...(signed ? { jar: true as const } : {}),
    };
    const requestUri = PUSHED_REQUEST_URI_PREFIX + this.deps.secret.encrypt(JSON.stringify(sealed), 'pushed-authorization-request');
    ensure(requestUri.length <= MAX_REQUEST_URI_LENGTH, () =>
      errors.invalidRequest('the authorization request is too large to be pushed; send fewer or shorter parameters'),
    );
    return { request_uri: requestUri, expires_in: PUSHED_REQUEST_LIFETIME_SECONDS };
  }

  /**
   * The pushed parameters behind `requestUri` for `client`, consumed: unknown, altered, expired,
   * another client's or already used is `invalid_request_uri` (RFC 9126 §4), which the caller
   * shows as an error page.
   */
  async take(client: Client, requestUri: string): Promise<PushedRequest> {
    const refused = (detail: string) =>
      new DomainError(
        'invalid_request_uri',
        'the request_uri is unknown, expired or already used; return to the application and start again',
        {
          detail,
        },
      );
    let sealed: SealedPush;
    try {
      sealed = JSON.parse(
        this.deps.secret.decrypt(requestUri.slice(PUSHED_REQUEST_URI_PREFIX.length), 'pushed-authorization-request'),
      ) as SealedPush;
    } catch {
      throw refused('not a request_uri this server issued');
    }
    ensure(sealed.typ === TYPE, () => refused('not a request_uri this server issued'));
    ensure(sealed.cid === client.clientId, () => refused('a request_uri pushed by another client'));
    ensure(sealed.exp > this.deps.clock.now().getTime(), () => refused('expired request_uri'));
    const first = await this.replays.claimOnce('request_uri', client.clientId, requestUri, new Date(sealed.exp));
    ensure(first, () => refused('request_uri already used'));
    return { params: sealed.params, signed: sealed.jar === true };
  }
}

/** The authorization parameters of a push: client authentication left out, repeated `resource` values as an array. */
function pushedParams(body: Readonly<Record<string, string | undefined>>): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || CLIENT_AUTHENTICATION_PARAMETERS.has(key)) continue;
    params[key] = key === 'resource' && value.includes(RESOURCE_SEPARATOR) ? value.split(RESOURCE_SEPARATOR) : value;
  }
  return params;
}
