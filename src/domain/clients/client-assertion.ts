import { JwsError, parseCompactJws, type CompactJws } from '../crypto/jws';
import { errors } from '../errors';
import { tenantIssuer } from '../issuers/tenant-issuer';
import { allowsJwsAlgorithm, profileRequirements } from '../profiles/security-profile';
import type { TenantService } from '../tenants/tenant.service';
import { CLIENT_SECRET_JWT_ALGORITHMS, PRIVATE_KEY_JWT_ALGORITHMS, type Client } from './client';
import type { ClientSignedJwts } from './client-signed-jwt';
import type { PresentedClientCredentials } from './presented-client-credentials';

/** RFC 7523 §2.2 `client_assertion_type`. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** An assertion may expire at most this far ahead (bounded lifetime). */
const ASSERTION_MAX_LIFETIME_SECONDS = 300;
const MAX_ASSERTION_LENGTH = 16 * 1024;

const malformed = (detail: string) => errors.invalidClient(`client assertion: ${detail}`);

/** The last assertion parsed: presentation and verification of one request parse it once. */
let lastParsed: { assertion: string; jws: CompactJws } | undefined;

/** `assertion` as a compact JWS (decoded, not verified); `invalid_client` when it is none. */
function parsedAssertion(assertion: string): CompactJws {
  if (lastParsed?.assertion === assertion) return lastParsed.jws;
  let jws: CompactJws;
  try {
    jws = parseCompactJws(assertion);
  } catch (error) {
    throw malformed(`not a JWT${error instanceof JwsError ? ` (${error.message})` : ''}`);
  }
  lastParsed = { assertion, jws };
  return jws;
}

/**
 * The credentials a request presents with `client_assertion` (RFC 7523 §2.2): the method is
 * `client_secret_jwt` for an HMAC (`HS*`) assertion, else `private_key_jwt` (also for `alg`
 * `none`, which no method accepts). The client is the assertion's `sub`; a `client_id` sent beside it must name the same
 * client. Nothing is verified here (ClientService does, through {@link ClientAssertions}, under
 * the brute-force guard).
 */
export function presentedAssertion(assertion: string, bodyClientId: string | undefined): PresentedClientCredentials {
  if (assertion.length === 0 || assertion.length > MAX_ASSERTION_LENGTH) throw malformed('empty or too long');
  const { header, payload } = parsedAssertion(assertion);
  const alg = header.alg;
  // `none` passes here as private_key_jwt, whose algorithms exclude it: refused in ClientService, so it counts as a failure of the client.
  if (typeof alg !== 'string') throw malformed('no alg');
  const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
  if (sub === undefined || sub === '') throw malformed('no sub');
  if (bodyClientId !== undefined && bodyClientId !== sub) throw malformed('client_id does not match sub');
  return {
    clientId: sub,
    clientAssertion: assertion,
    method: alg.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt',
  };
}

/**
 * Verifies client assertions (RFC 7523 §3, OIDC Core §9) for ClientService.authenticate, as
 * JWTs signed by the client (ClientSignedJwts): `iss` = `sub` = client_id; `aud` holds the
 * issuer of the client's tenant, its token endpoint URL, or the URL of the endpoint called;
 * `exp` required, at most {@link ASSERTION_MAX_LIFETIME_SECONDS} ahead; `nbf` and `iat`
 * honoured; the algorithm one of the client's method; and `jti` required and used once across
 * every process. Every failure is `invalid_client`, its reason in the error's detail (logs only).
 */
export class ClientAssertions {
  private readonly base: string;

  constructor(
    issuerBase: string,
    private readonly tenants: TenantService,
    private readonly jwts: ClientSignedJwts,
  ) {
    this.base = issuerBase.replace(/\/+$/, '');
  }

  /** Resolves when `credentials.clientAssertion` authenticates `client`; `secret` is its plaintext secret for `client_secret_jwt`. */
  async verify(client: Client, credentials: PresentedClientCredentials, secret: string | null): Promise<void> {
    const assertion = credentials.clientAssertion!;
    const hmac = credentials.method === 'client_secret_jwt';
    if (hmac && secret === null) throw errors.invalidClient('client_secret_jwt client without a stored secret (rotate it)');
    const tenant = await this.tenants.findById(client.tenantId);
    if (!tenant) throw errors.invalidClient('client of a deleted tenant');
    // FAPI 2.0 §5.4.1: PS256, ES256 or EdDSA only for a client held to FAPI2.
    const required = profileRequirements(tenant, client);
    const algorithms = (hmac ? CLIENT_SECRET_JWT_ALGORITHMS : PRIVATE_KEY_JWT_ALGORITHMS).filter((alg) =>
      allowsJwsAlgorithm(required, alg),
    );
    const issuer = tenantIssuer(this.base, tenant.path);
    const audience = [issuer, `${issuer.replace(/\/+$/, '')}/token`];
    if (credentials.endpointPath) audience.push(`${this.base}${credentials.endpointPath}`);
    await this.jwts.verify(
      client,
      assertion,
      {
        algorithms,
        subject: client.clientId,
        audience,
        requiredClaims: ['jti'],
        maxLifetimeSeconds: ASSERTION_MAX_LIFETIME_SECONDS,
        jti: { kind: 'client_assertion', required: true },
        fail: ({ reason, detail }) => malformed(reason === detail ? reason : `${reason}: ${detail}`),
      },
      hmac ? secret! : undefined,
      parsedAssertion(assertion),
    );
  }
}
