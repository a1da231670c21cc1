import type { Clock } from '../clock';
import { JwsError, jwsSignatureVerifies, parseCompactJws, type CompactJws } from '../crypto/jws';
import { errors } from '../errors';
import { tenantIssuer } from '../issuers/tenant-issuer';
import type { ReplayGuard } from '../replay/replay-guard';
import type { TenantService } from '../tenants/tenant.service';
import type { Client } from './client';
import type { ClientKeySets } from './client-key-sets';
import type { PresentedClientCredentials } from './presented-client-credentials';

/** RFC 7523 §2.2 `client_assertion_type`. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Signature algorithms of `private_key_jwt` assertions (asymmetric only). */
export const PRIVATE_KEY_JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
/** MAC algorithms of `client_secret_jwt` assertions. */
export const CLIENT_SECRET_JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
/** An assertion may expire at most this far ahead (bounded lifetime). */
const ASSERTION_MAX_LIFETIME_SECONDS = 300;
/** Clock skew tolerated on `exp`, `nbf` and `iat`. */
const ASSERTION_CLOCK_SKEW_SECONDS = 30;
const MAX_ASSERTION_LENGTH = 16 * 1024;
const MAX_JTI_LENGTH = 512;

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

/** A NumericDate claim (RFC 7519 §2): absent, or a number. */
function numericDate(payload: Readonly<Record<string, unknown>>, claim: string): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(`${claim} must be a number`);
  return value;
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
 * Verifies client assertions (RFC 7523 §3, OIDC Core §9) for ClientService.authenticate:
 * `iss` = `sub` = client_id; `aud` holds the issuer of the client's tenant, its token endpoint
 * URL, or the URL of the endpoint called; `exp` required, at most
 * {@link ASSERTION_MAX_LIFETIME_SECONDS} ahead; `nbf` and `iat` honoured with
 * {@link ASSERTION_CLOCK_SKEW_SECONDS} of skew; the algorithm one of the client's method; and
 * `jti` used once across every process (ReplayGuard). Every failure is `invalid_client`, its
 * reason in the error's detail (logs only).
 */
export class ClientAssertions {
  private readonly base: string;

  constructor(
    issuerBase: string,
    private readonly tenants: TenantService,
    private readonly keySets: ClientKeySets,
    private readonly replays: ReplayGuard,
    private readonly clock: Clock,
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
    const issuer = tenantIssuer(this.base, tenant.path);
    const audience = [issuer, `${issuer.replace(/\/+$/, '')}/token`];
    if (credentials.endpointPath) audience.push(`${this.base}${credentials.endpointPath}`);
    const jws = parsedAssertion(assertion);
    const { header, payload } = jws;
    const alg = header.alg;
    if (typeof alg !== 'string' || !(hmac ? CLIENT_SECRET_JWT_ALGORITHMS : PRIVATE_KEY_JWT_ALGORITHMS).includes(alg))
      throw malformed(`alg ${String(alg)} not allowed for ${credentials.method}`);
    if (header.crit !== undefined) throw malformed('unsupported crit header');
    // The signature first: nothing of an unverified payload is trusted (jose's order).
    if (hmac) {
      if (!jwsSignatureVerifies(jws, alg, Buffer.from(secret!, 'utf8'))) throw malformed('signature does not verify');
    } else {
      const found = this.keySets.candidatesFor(client, alg, header.kid);
      const keys = found instanceof Promise ? await found : found;
      if (!keys.some((key) => jwsSignatureVerifies(jws, alg, key))) throw malformed('signature does not verify');
    }
    for (const claim of ['exp', 'jti', 'aud', 'sub', 'iss']) if (!Object.hasOwn(payload, claim)) throw malformed(`${claim} missing`);
    if (payload.iss !== client.clientId) throw malformed('iss is not the client');
    if (payload.sub !== client.clientId) throw malformed('sub is not the client');
    const aud = payload.aud;
    if (!(typeof aud === 'string' ? audience.includes(aud) : Array.isArray(aud) && audience.some((value) => aud.includes(value))))
      throw malformed('aud is not this server');
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const iat = numericDate(payload, 'iat');
    const nbf = numericDate(payload, 'nbf');
    const exp = numericDate(payload, 'exp')!;
    if (nbf !== undefined && nbf > nowSeconds + ASSERTION_CLOCK_SKEW_SECONDS) throw malformed('nbf in the future');
    if (exp <= nowSeconds - ASSERTION_CLOCK_SKEW_SECONDS) throw malformed('expired');
    if (exp > nowSeconds + ASSERTION_MAX_LIFETIME_SECONDS + ASSERTION_CLOCK_SKEW_SECONDS) throw malformed('exp too far ahead');
    if (iat !== undefined && iat > nowSeconds + ASSERTION_CLOCK_SKEW_SECONDS) throw malformed('iat in the future');
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw malformed('jti missing or too long');
    const first = await this.replays.claimOnce(
      'client_assertion',
      client.clientId,
      jti,
      new Date((exp + ASSERTION_CLOCK_SKEW_SECONDS) * 1000),
    );
    if (!first) throw malformed('jti already used');
  }
}
