import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { epochSeconds } from '../clock';
import type { DomainDeps } from '../deps';
import { DomainError, errors, isDomainError } from '../errors';
import { catchMaybePromise, mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import { TtlCache } from '../cache/ttl-cache';
import type { KeyService } from '../keys/key.service';
import { signJwt } from '../keys/sign-jwt';
import type { Tenant } from '../tenants/tenant';
import { issuedBeforeTenantCutoff } from '../tenants/issued-before-cutoff';
import { isWithinTenant } from '../tenants/tenant-path';
import { issuingTenantOf } from '../issuers/issuing-tenant';
import { tenantIssuer } from '../issuers/tenant-issuer';
import type { TenantService } from '../tenants/tenant.service';
import type { User } from '../users/user';
import type { AccessTokenClaims, ActorClaim } from './access-token-claims';

export interface IssueAccessTokenInput {
  tenant: Tenant;
  client: Client;
  /** User id, or the client id for client_credentials. */
  subject: string;
  scopes: readonly string[];
  lifetimeSeconds: number;
  audience?: string | string[];
  deviceId?: string;
  familyId?: string;
  /** The browser session the grant was issued under, as `session_sid` (the ID token's `sid`; the access token's `sid` is its refresh family). */
  sessionSid?: string | null;
  /** Pre-chosen `jti`, when the caller records it before issuing (authorization code replay revocation). */
  jti?: string;
  /** RFC 8693 §4.1 `act` (token exchange). */
  act?: ActorClaim;
  /** RFC 9449 §6.1: bind the token to the DPoP key with this thumbprint (`cnf.jkt`). */
  dpopJkt?: string;
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
  expiresIn: number;
}

/**
 * Server-side state of a token whose signature verified, read in one database
 * round trip: whether anything revoked it (its jti, its refresh family or
 * device, its user disabled or deleted), and its user for the caller to use.
 */
export interface AccessTokenState {
  readonly active: boolean;
  /** The token's user (null for client tokens). */
  readonly user: User | null;
}

export type AccessTokenStateLookup = (claims: AccessTokenClaims) => MaybePromise<AccessTokenState>;

/** An access token that is valid and active right now, with the user it was issued to. */
export interface VerifiedAccessToken {
  readonly claims: AccessTokenClaims;
  readonly tenant: Tenant;
  /** Null for client_credentials tokens. */
  readonly user: User | null;
}

/** A token string whose signature, issuer and `typ` verified, and the key that signed it. */
interface VerifiedSignature {
  readonly kid: string;
  readonly claims: AccessTokenClaims;
}

const VERIFIED_SIGNATURE_TTL_MS = 10 * 60_000;

/** Issues and verifies RFC 9068 JWT access tokens. Issuing touches no database when caches are warm. */
export class AccessTokenService {
  private readonly verifiedSignatures = new TtlCache<VerifiedSignature>({ ttlMs: VERIFIED_SIGNATURE_TTL_MS, maxEntries: 10_000 });

  constructor(
    private readonly deps: DomainDeps,
    private readonly tenants: TenantService,
    private readonly clients: ClientService,
    private readonly keys: KeyService,
    private readonly state: AccessTokenStateLookup,
    /** Told of every issued token (the revocation issuance counters); must not throw. */
    private readonly onIssued: (claims: AccessTokenClaims, tenantId: string) => void = () => {},
  ) {}

  async issue(input: IssueAccessTokenInput): Promise<IssuedAccessToken> {
    // Signed by the issuing tenant (the client's), whose issuer is `iss`: see issuing-tenant.ts.
    const issuing = await issuingTenantOf(this.tenants, input.client, input.tenant);
    const key = await this.keys.activeKey(issuing);
    const iat = epochSeconds(this.deps.clock);
    const claims: AccessTokenClaims = {
      iss: tenantIssuer(this.deps.issuer, issuing.path),
      sub: input.subject,
      aud: input.audience ?? this.deps.issuer,
      client_id: input.client.clientId,
      scope: input.scopes.join(' '),
      jti: input.jti ?? randomUUID(),
      iat,
      exp: iat + input.lifetimeSeconds,
      tenant: input.tenant.path,
      ...(input.deviceId ? { device_id: input.deviceId } : {}),
      ...(input.familyId ? { sid: input.familyId } : {}),
      ...(input.sessionSid ? { session_sid: input.sessionSid } : {}),
      ...(input.act ? { act: input.act } : {}),
      ...(input.dpopJkt ? { cnf: { jkt: input.dpopJkt } } : {}),
    };
    const token = await signJwt(key, 'at+jwt', claims);
    this.onIssued(claims, input.tenant.id);
    return { token, claims, expiresIn: input.lifetimeSeconds };
  }

  /**
   * Verifies signature, `typ`, issuer and expiry (RFC 9068 §4), that the key
   * belongs to the token's tenant, and that nothing has revoked it since: a
   * disabled client, a tenant cutoff on the tenant or an ancestor, or the
   * server-side state ({@link AccessTokenStateLookup}). Fails with
   * `invalid_token` otherwise. With warm caches and a current revocation state
   * it answers at once, without a promise or a database round trip (thrown
   * then, rejected when it answers later: see {@link MaybePromise}).
   *
   * `dpopJkt` is the key thumbprint of a DPoP proof that came with the token (RFC 9449 §7.1),
   * undefined for a bearer presentation: a DPoP-bound token (`cnf.jkt`) verifies only with its
   * own key's proof, and a bearer token never with a proof.
   */
  verify(token: string, dpopJkt?: string): MaybePromise<VerifiedAccessToken> {
    return this.verified(token, true, dpopJkt);
  }

  /** {@link verify}, with the DPoP binding checked (`checkBinding`) or not (introspection, revocation). */
  private verified(token: string, enforceBinding: boolean, dpopJkt?: string): MaybePromise<VerifiedAccessToken> {
    return mapMaybePromise(this.verifySignature(token), ({ claims, tenant }) => {
      if (enforceBinding) checkBinding(claims, dpopJkt);
      return mapMaybePromise(this.passesCachedChecks(claims), (passes) => {
        if (!passes) throw errors.invalidToken();
        return mapMaybePromise(this.state(claims), ({ active, user }) => {
          if (!active || (user && user.tenantId !== tenant.id)) throw errors.invalidToken();
          return { claims, tenant, user };
        });
      });
    });
  }

  /**
   * Verification for introspection and revocation: null when the token is
   * inactive (the domain's own `invalid_token`, RFC 7662 `active: false`).
   * Anything else, such as an unreachable database, is thrown: an outage is
   * not an answer about the token.
   */
  inspect(token: string): MaybePromise<VerifiedAccessToken | null> {
    return catchMaybePromise(
      // Whatever its binding: introspection and revocation do not present the token.
      () => this.verified(token, false),
      (error) => {
        if (isDomainError(error) && error.code === 'invalid_token') return null;
        throw error;
      },
    );
  }

  /** True when this token string's signature has verified before (it is an access token of ours, whatever its state now). */
  signatureVerifiedBefore(token: string): boolean {
    return this.verifiedSignatures.peek(token) !== undefined;
  }

  /**
   * The signature check runs once per token string: its result cannot change,
   * so later presentations of the same token (a resource server introspecting
   * on every call) skip the RSA/ECDSA work. What can change is checked on
   * every use: the key still published, the token not expired, its tenant.
   */
  private verifySignature(token: string): MaybePromise<{ claims: AccessTokenClaims; tenant: Tenant }> {
    const cached = this.verifiedSignatures.peek(token);
    return cached ? this.stillValid(cached) : this.checkSignature(token).then((verified) => this.stillValid(verified));
  }

  /**
   * The key's tenant is the issuing tenant: `iss` must be its issuer, and the
   * token's `tenant` that tenant or one below it (seed 003 `tenant_path`, see
   * issuing-tenant.ts), which is then looked up by path.
   */
  private stillValid({ kid, claims }: VerifiedSignature): MaybePromise<{ claims: AccessTokenClaims; tenant: Tenant }> {
    return mapMaybePromise(this.keys.verificationKey(kid), (key) => {
      if (!key || claims.exp <= epochSeconds(this.deps.clock)) throw errors.invalidToken();
      return mapMaybePromise(this.tenants.findById(key.tenantId), (issuing) => {
        if (!issuing || claims.iss !== tenantIssuer(this.deps.issuer, issuing.path)) throw errors.invalidToken();
        if (issuing.path === claims.tenant) return { claims, tenant: issuing };
        if (!isWithinTenant(claims.tenant, issuing.path)) throw errors.invalidToken();
        return mapMaybePromise(this.tenants.findByPath(claims.tenant), (tenant) => {
          if (!tenant) throw errors.invalidToken();
          return { claims, tenant };
        });
      });
    });
  }

  private async checkSignature(token: string): Promise<VerifiedSignature> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw errors.invalidToken('the access token is malformed');
    }
    const key = kid ? await this.keys.verificationKey(kid) : null;
    if (!kid || !key) throw errors.invalidToken();
    try {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, key.publicKey, {
        // `iss` is checked against the signing key's tenant in stillValid.
        typ: 'at+jwt',
        algorithms: [key.algorithm],
        currentDate: this.deps.clock.now(),
        requiredClaims: ['iss', 'sub', 'client_id', 'jti', 'iat', 'exp', 'tenant'],
      });
      const verified: VerifiedSignature = Object.freeze({ kid, claims: Object.freeze(payload as AccessTokenClaims) });
      this.verifiedSignatures.set(token, verified);
      return verified;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw errors.invalidToken();
      throw error;
    }
  }

  /** The checks served from caches: client enabled, no tenant cutoff after `iat`. */
  private passesCachedChecks(claims: AccessTokenClaims): MaybePromise<boolean> {
    return mapMaybePromise(this.clients.findByClientId(claims.client_id), (client) => {
      if (!client || !client.enabled) return false;
      return mapMaybePromise(issuedBeforeTenantCutoff(this.tenants, claims.tenant, new Date(claims.iat * 1000)), (cutOff) => !cutOff);
    });
  }
}

/** RFC 9449 §7.1: a DPoP-bound token with a proof of its key only; a bearer token never as DPoP. */
function checkBinding(claims: AccessTokenClaims, dpopJkt: string | undefined): void {
  const bound = claims.cnf?.jkt;
  if (bound === dpopJkt) return;
  if (dpopJkt === undefined) {
    throw new DomainError('invalid_token', 'the access token is DPoP-bound; present it with the DPoP scheme and a proof', {
      challenge: 'DPoP',
    });
  }
  throw errors.invalidToken(
    bound === undefined ? 'the access token is not DPoP-bound' : 'the DPoP proof key does not match the access token',
  );
}
