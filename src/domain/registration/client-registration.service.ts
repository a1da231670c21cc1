import type { AuditLog } from '../audit/audit-log';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import type { Clock } from '../clock';
import { randomToken } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';
import { DomainError, ensure, errors, isDomainError } from '../errors';
import type { OutboundPolicy } from '../outbound/outbound-policy';
import type { RequestScope } from '../request-scope';
import type { Tenant } from '../tenants/tenant';
import type { SlidingWindowLimiter } from '../throttle/sliding-window-limiter';
import type { RateLimitRule } from '../throttle/sliding-window-limiter';
import type { Transactions } from '../transactions';
import { describable, holdsSecret, parseClientMetadata, registeredMetadataOf, type RegisteredMetadata } from './client-metadata';
import type { InitialAccessTokens } from './initial-access-tokens';
import { OPEN_REGISTRATION_POLICY, type RegistrationPolicy } from './registration-policy';
import type { ClientRegistrationStore } from './registration-store';

/** Open registration (no initial access token): at most 20 attempts per hour per client IP and tenant. */
const OPEN_REGISTRATION_RATE_LIMIT: RateLimitRule = Object.freeze({ limit: 20, windowSeconds: 3600 });

/** Where the issuer's registration endpoint is and what the request carried. */
export interface RegistrationRequest {
  /** The tenant whose issuer received the request (`/` at the root issuer). */
  readonly tenant: Tenant;
  /** `{issuer}/register`, the base of `registration_client_uri`. */
  readonly endpoint: string;
  /** The bearer token of the `Authorization` header, or null. */
  readonly bearer: string | null;
  readonly scope: Pick<RequestScope, 'clientIp'> & Partial<Pick<RequestScope, 'requestId'>>;
}

/** RFC 7591 §3.2.1 / RFC 7592 §3 client information response body. */
export type ClientInformation = Record<string, unknown>;

/**
 * Dynamic client registration (RFC 7591, OIDC Registration 1.0) and its management (RFC 7592), for
 * every issuer (the root's tenant `/` and each tenant issuer). Every rule is here; the REST endpoint
 * only maps the request.
 *
 * - A registration needs an initial access token of the issuer's tenant ({@link InitialAccessTokens}),
 *   usable now; or, where the tenant has open registration on, none, throttled per client IP and
 *   tenant and held to {@link OPEN_REGISTRATION_POLICY}. Otherwise `invalid_token` (401).
 * - The metadata is validated against the registration rules and the token's policy (client-metadata.ts:
 *   which methods and grants are registrable, a `jwks_uri` the outbound policy allows); the client is
 *   created through ClientService like any other (GraphQL `clients` lists it), whose settings rules
 *   (keys, what each `token_endpoint_auth_method` needs, public clients' grants) answer as
 *   `invalid_client_metadata` here; a registration access token is stored beside it as a keyed digest.
 * - Read, update (PUT replaces the metadata, validated as on create, under the policy of the
 *   registration; the registration access token is rotated on every update, RFC 7592 §2.2) and delete
 *   need that token; a wrong one, a client of another tenant or one without a registration is the same
 *   `invalid_token`. Deleting the client by any path deletes its registration (and token) with it.
 */
export class ClientRegistrationService {
  /** A digest no token is known to match: a lookup that finds nothing verifies against it, costing what a wrong token costs. */
  private readonly decoyDigest: string;

  constructor(
    private readonly clients: ClientService,
    private readonly registrations: ClientRegistrationStore,
    private readonly initialAccessTokens: InitialAccessTokens,
    private readonly limiter: SlidingWindowLimiter,
    private readonly transactions: Transactions,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    /** The grant types the token endpoint serves, and the outbound policy a `jwks_uri` is held to. */
    private readonly server: { readonly grantTypes: readonly string[]; readonly outbound: OutboundPolicy },
  ) {
    this.decoyDigest = secret.digest(randomToken(32));
  }

  /** RFC 7591 §3.1: registers a client; its information with `client_secret` (confidential clients) and the registration access token. */
  async register(request: RegistrationRequest, body: unknown): Promise<ClientInformation> {
    const { tenant, bearer } = request;
    let policy: RegistrationPolicy;
    let consume: (() => Promise<void>) | null = null;
    if (bearer !== null) {
      const token = await this.initialAccessTokens.admit(tenant, bearer);
      policy = token.policy;
      consume = () => this.initialAccessTokens.consume(token);
    } else {
      ensure(tenant.allowOpenClientRegistration, () => errors.invalidToken('an initial access token is required to register a client'));
      await this.throttleOpenRegistration(request);
      policy = OPEN_REGISTRATION_POLICY;
    }
    const metadata = parseClientMetadata(body, policy, this.server);
    const registrationAccessToken = randomToken(32);
    const { client, clientSecret } = await this.transactions.run(async () => {
      await consume?.();
      const created = await asMetadataError(() => this.clients.insert(tenant.path, metadata.client));
      await this.registrations.insert({
        clientId: created.client.clientId,
        accessTokenDigest: this.secret.digest(registrationAccessToken),
        metadata: metadata.extras,
        policy,
      });
      return created;
    });
    this.audit.record({
      action: 'registerClient',
      outcome: 'success',
      tenantPath: tenant.path,
      actorKind: 'anonymous',
      targetKind: 'client',
      targetId: client.clientId,
      clientIp: request.scope.clientIp,
      requestId: request.scope.requestId ?? null,
      detail: { initialAccessToken: bearer !== null },
    });
    return {
      ...this.information(client, metadata, request.endpoint, registrationAccessToken),
      ...(clientSecret === null ? {} : { client_secret: clientSecret }),
    };
  }

  /** RFC 7592 §2.1: the client's current information (no secret: only its digest is kept). */
  async read(request: RegistrationRequest, clientId: string): Promise<ClientInformation> {
    const { client, registration } = await this.authorize(request, clientId);
    return {
      ...registeredMetadataOf(client, registration.metadata),
      registration_client_uri: registrationClientUri(request.endpoint, client.clientId),
    };
  }

  /**
   * RFC 7592 §2.2: replaces the client's metadata, validated as on create under the registration's
   * policy. `client_id` must be the client's; `client_secret`, when sent, must be its secret; the
   * kind of client (public or confidential) cannot change. Answers with a new registration access token.
   * A client switched to a method that needs a secret it does not hold (from `private_key_jwt`, or
   * to `client_secret_jwt`, whose secret is kept sealed) gets one: the `client_secret` it sent, or
   * a new one, answered as `client_secret`. Switched to `private_key_jwt`, its secret stops working.
   */
  async update(request: RegistrationRequest, clientId: string, body: unknown): Promise<ClientInformation> {
    const { client, registration } = await this.authorize(request, clientId);
    const json = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    ensure(json.client_id === client.clientId, () =>
      errors.invalidClientMetadata('client_id must be sent and be the client_id of the registration', 'client_id'),
    );
    let sentSecret: string | null = null;
    if (json.client_secret !== undefined) {
      const matches = typeof json.client_secret === 'string' && (await this.clients.inspect(clientId, json.client_secret))?.holdsSecret;
      ensure(matches, () => errors.invalidClientMetadata('client_secret does not match the client secret', 'client_secret'));
      sentSecret = json.client_secret as string;
    }
    const metadata = parseClientMetadata(body, registration.policy, this.server);
    ensure(metadata.client.isPublic === client.isPublic, () =>
      errors.invalidClientMetadata(
        'token_endpoint_auth_method cannot change between none and a secret-based method',
        'token_endpoint_auth_method',
      ),
    );
    const registrationAccessToken = randomToken(32);
    const {
      isPublic: _kind,
      firstParty: _firstParty,
      responseStyle: _style,
      jwks,
      jwksUri,
      backchannelLogoutUri,
      ...settings
    } = metadata.client;
    const from = client.tokenEndpointAuthMethod;
    const to = settings.tokenEndpointAuthMethod;
    const needsSecret = holdsSecret(to) && (from === 'private_key_jwt' || (to === 'client_secret_jwt' && from !== 'client_secret_jwt'));
    const newSecret = needsSecret && sentSecret === null ? randomToken(32) : null;
    const updated = await this.transactions.run(async () => {
      // PUT replaces the metadata: key material it does not name is removed (ClientService: an empty string removes it).
      // A secret it needs is written with the method, in the same row update.
      const changed = await asMetadataError(() =>
        this.clients.updateTrusted(
          clientId,
          { ...settings, jwks: jwks ?? '', jwksUri: jwksUri ?? '', backchannelLogoutUri: backchannelLogoutUri ?? '' },
          needsSecret ? (newSecret ?? sentSecret!) : undefined,
        ),
      );
      await this.registrations.update(clientId, {
        accessTokenDigest: this.secret.digest(registrationAccessToken),
        metadata: metadata.extras,
      });
      return changed;
    });
    return {
      ...this.information(updated, metadata, request.endpoint, registrationAccessToken),
      ...(newSecret === null ? {} : { client_secret: newSecret }),
    };
  }

  /** RFC 7592 §2.3: deletes the client (its tokens stop working) and its registration. */
  async delete(request: RegistrationRequest, clientId: string): Promise<void> {
    const { client } = await this.authorize(request, clientId);
    await this.clients.deleteTrusted(client.clientId);
    this.audit.record({
      action: 'deleteClient',
      outcome: 'success',
      tenantPath: request.tenant.path,
      actorKind: 'client',
      actorId: client.clientId,
      targetKind: 'client',
      targetId: client.clientId,
      clientIp: request.scope.clientIp,
      requestId: request.scope.requestId ?? null,
      detail: { via: 'registration_client_uri' },
    });
  }

  private information(client: Client, metadata: RegisteredMetadata, endpoint: string, registrationAccessToken: string): ClientInformation {
    return {
      ...registeredMetadataOf(client, metadata.extras),
      registration_access_token: registrationAccessToken,
      registration_client_uri: registrationClientUri(endpoint, client.clientId),
    };
  }

  /** The client and its registration when `request.bearer` is its registration access token at its own tenant; `invalid_token` otherwise. */
  private async authorize(request: RegistrationRequest, clientId: string) {
    const bearer = request.bearer;
    if (bearer === null) throw errors.invalidToken('the registration access token is required');
    const [registration, client] = await Promise.all([
      this.registrations.find(clientId),
      this.clients.findInTenant(request.tenant.id, clientId),
    ]);
    const matches = this.secret.verifyDigest(bearer, registration?.accessTokenDigest ?? this.decoyDigest);
    if (!registration || !client || !matches) throw errors.invalidToken('the registration access token is invalid');
    return { client, registration };
  }

  private async throttleOpenRegistration(request: RegistrationRequest): Promise<void> {
    const clientIp = request.scope.clientIp ?? 'unknown';
    try {
      await this.limiter.hit(`open-registration:${request.tenant.id}:${clientIp}`, OPEN_REGISTRATION_RATE_LIMIT);
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests') {
        this.audit.record({
          action: 'throttle',
          outcome: 'failure',
          tenantPath: request.tenant.path,
          actorKind: 'anonymous',
          targetKind: 'ip',
          targetId: clientIp,
          clientIp: request.scope.clientIp,
          requestId: request.scope.requestId ?? null,
          detail: { phase: 'refused', retryAfterSeconds: error.retryAfterSeconds ?? 0, endpoint: 'register' },
        });
      }
      throw error;
    }
  }
}

/** `{issuer}/register/{client_id}` (RFC 7592 §1). */
const registrationClientUri = (endpoint: string, clientId: string): string => `${endpoint}/${encodeURIComponent(clientId)}`;

/** The RFC 7591 §2 names of the client settings ClientService names in its refusals. */
const METADATA_NAMES: Readonly<Record<string, string>> = Object.freeze({
  redirectUris: 'redirect_uris',
  postLogoutRedirectUris: 'post_logout_redirect_uris',
  grantTypes: 'grant_types',
  allowedScopes: 'scope',
  tokenEndpointAuthMethod: 'token_endpoint_auth_method',
  jwks: 'jwks',
  jwksUri: 'jwks_uri',
  requireSignedRequestObject: 'require_signed_request_object',
  backchannelLogoutUri: 'backchannel_logout_uri',
});

/**
 * ClientService's own refusals (its settings rules: keys, what a method needs, the grants a public
 * client may use) as RFC 7591 §3.2.2 errors, the setting named as RFC 7591 names it: a redirect
 * URI's as `invalid_redirect_uri`, any other as `invalid_client_metadata`.
 */
async function asMetadataError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDomainError(error) && error.code === 'validation_failed') {
      const setting = error.field?.match(/^[A-Za-z]+/)?.[0] ?? '';
      const name = METADATA_NAMES[setting];
      const field = name && error.field ? `${name}${error.field.slice(setting.length)}` : error.field;
      const description = describable(
        name && error.description.startsWith(setting) ? `${name}${error.description.slice(setting.length)}` : error.description,
      );
      throw error.field?.startsWith('redirectUris')
        ? errors.invalidRedirectUri(description)
        : new DomainError('invalid_client_metadata', description, { field });
    }
    throw error;
  }
}
