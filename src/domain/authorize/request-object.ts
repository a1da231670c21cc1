import { decodeProtectedHeader, type JWTPayload } from 'jose';
import type { Client } from '../clients/client';
import { CLIENT_KEY_ALGORITHMS, type ClientJwtRefusal, type ClientSignedJwts } from '../clients/client-signed-jwt';
import { DomainError, ensure, errors } from '../errors';
import { tenantIssuer } from '../issuers/tenant-issuer';
import type { TenantService } from '../tenants/tenant.service';
import type { RawAuthorizationParams } from './authorization-request';
import { readParam } from './read-param';

/**
 * RFC 9101 §10.1 request object signing algorithms: asymmetric only, those of every JWT signed
 * with a client's registered keys. `none` (unsigned objects) and MACs are refused.
 */
export const REQUEST_OBJECT_SIGNING_ALGORITHMS: readonly string[] = CLIENT_KEY_ALGORITHMS;

/** A request object expires at most this far ahead, and at most this long after its `nbf` and `iat`. */
const REQUEST_OBJECT_MAX_LIFETIME_SECONDS = 600;
/** Longest request object accepted (it travels in the browser's URL at `/authorize`). */
const MAX_REQUEST_OBJECT_LENGTH = 12 * 1024;
/** JWT claims that are not authorization request parameters. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub']);
/** RFC 9101 §10.8 explicit typing: absent, or one of these (case-insensitively). */
const ACCEPTED_TYPES = ['oauth-authz-req+jwt', 'jwt'];

const DESCRIPTION = 'the request object is not valid';

/**
 * `invalid_request_object` (RFC 9101 §6.3). `authentic` holds the object's parameters when its
 * signature verified but a claim was refused (expired, replayed, wrong audience…): they come from
 * the client, so once its `redirect_uri` is found registered the error may be redirected there with
 * its `state`. Without it nothing in the object can be trusted and the error is shown as a page.
 */
export class RequestObjectRefused extends DomainError {
  constructor(
    reason: string,
    detail: string,
    readonly authentic?: RawAuthorizationParams,
  ) {
    super('invalid_request_object', `${DESCRIPTION}: ${reason}`, { detail });
  }
}

const refused = (reason: string, detail = reason) => new RequestObjectRefused(reason, detail);

/**
 * JWT-Secured Authorization Requests (RFC 9101), `request` by value at `/authorize` and at `/par`
 * (RFC 9126 §3). The object must be signed by the client with one of its registered keys
 * (ClientSignedJwts, as its assertions are), `iss` the client_id, `aud` the issuer of the client's
 * tenant, `exp` required and at most {@link REQUEST_OBJECT_MAX_LIFETIME_SECONDS} ahead (and after
 * `nbf` / `iat`), `nbf` honoured, a `jti` used once on every process. Its `client_id` must be the
 * client's (RFC 9101 §5), and the authorization request is the object's parameters alone: every
 * other parameter sent beside it is ignored (no merging, unlike OIDC Core §6.3.3).
 */
export class RequestObjects {
  private readonly base: string;

  constructor(
    issuerBase: string,
    private readonly tenants: TenantService,
    private readonly jwts: ClientSignedJwts,
  ) {
    this.base = issuerBase.replace(/\/+$/, '');
  }

  /**
   * The authorization parameters of the `request` among `sent` for `client` (already identified by
   * the `client_id` beside it, or authenticated at `/par`). `request` with `request_uri` is
   * `invalid_request`; anything wrong with the object is {@link RequestObjectRefused}.
   */
  async open(client: Client, sent: RawAuthorizationParams): Promise<Record<string, string | string[]>> {
    const jwt = readParam(sent, 'request');
    ensure(jwt !== undefined, () => errors.invalidRequest('request is required', 'request'));
    ensure(readParam(sent, 'request_uri') === undefined, () =>
      errors.invalidRequest('request and request_uri must not be sent together', 'request'),
    );
    if (!client.jwks && !client.jwksUri) throw refused('the client has no registered keys to sign request objects with');
    if (jwt.length > MAX_REQUEST_OBJECT_LENGTH) throw refused('too long');
    if (jwt.split('.').length !== 3) throw refused('not a signed JWT (encrypted request objects are not supported)');
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(jwt);
    } catch {
      throw refused('not a signed JWT');
    }
    if (typeof header.alg !== 'string' || !REQUEST_OBJECT_SIGNING_ALGORITHMS.includes(header.alg)) {
      throw refused('unsigned or with an algorithm that is not accepted', `alg ${String(header.alg)}`);
    }
    if (header.typ !== undefined && !ACCEPTED_TYPES.includes(String(header.typ).toLowerCase())) {
      throw refused('typ must be oauth-authz-req+jwt', `typ ${String(header.typ)}`);
    }
    const tenant = await this.tenants.findById(client.tenantId);
    if (!tenant) throw refused('the client has no tenant');
    const payload = await this.jwts.verify(client, jwt, {
      algorithms: REQUEST_OBJECT_SIGNING_ALGORITHMS,
      audience: [tenantIssuer(this.base, tenant.path)],
      requiredClaims: ['iss', 'aud'],
      maxLifetimeSeconds: REQUEST_OBJECT_MAX_LIFETIME_SECONDS,
      boundedSpan: true,
      jti: { kind: 'request_object', required: false },
      check: (claims) => {
        if (claims.client_id !== client.clientId) return 'its client_id must be the client_id of the request';
        if (claims.request !== undefined || claims.request_uri !== undefined) return 'it must not hold request or request_uri';
        return null;
      },
      fail: ({ reason, detail, payload: verified }: ClientJwtRefusal) =>
        new RequestObjectRefused(reason, detail, verified ? parametersOf(verified) : undefined),
    });
    return parametersOf(payload);
  }
}

/**
 * The authorization request parameters a request object carries: its members but the JWT claims,
 * as strings (numbers such as `max_age` as their decimal text), a list of strings (`resource`) as
 * a list, and any other structure as its JSON text.
 */
function parametersOf(payload: JWTPayload): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (JWT_CLAIMS.has(key) || value === null || value === undefined) continue;
    if (typeof value === 'string') params[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[key] = String(value);
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) params[key] = value as string[];
    else params[key] = JSON.stringify(value);
  }
  return params;
}
