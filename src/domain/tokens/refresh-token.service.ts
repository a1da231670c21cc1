import { randomUUID } from 'node:crypto';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { randomToken, sha256 } from '../crypto/random';
import type { DomainDeps } from '../deps';
import { errors } from '../errors';
import type { RevocationService } from '../revocation/revocation.service';
import { issuedBeforeTenantCutoff } from '../tenants/issued-before-cutoff';
import type { TenantService } from '../tenants/tenant.service';
import { withinReuseGrace } from './refresh-reuse-grace';
import { refreshTokenProblem, type RefreshTokenProblem } from './refresh-token-problem';
import type { RefreshTokenRecord } from './refresh-token-record';
import type { RefreshTokenStore } from './refresh-token-store';

export interface StartFamilyInput {
  /** Pre-chosen id, when the caller must record it before the family exists. */
  id?: string;
  tenantId: string;
  clientId: string;
  userId: string | null;
  deviceId?: string | null;
  scopes: readonly string[];
  /** RFC 8707 resources the grant was given (API identifiers). */
  resources?: readonly string[];
  authTime?: Date | null;
  /** RFC 8176 methods and acr of the sign-in behind the grant (kept on every refresh). */
  amr?: readonly string[];
  acr?: string | null;
  /** The browser session the grant's code was issued under; ending it revokes the family. */
  sessionSid?: string | null;
  nonce?: string | null;
  /** RFC 9449 §5: bind the family's refresh tokens to this DPoP key (public clients only). */
  dpopJkt?: string | null;
}

export interface IssueRefreshTokenInput {
  familyId: string;
  tenantId: string;
  clientId: string;
  scopes: readonly string[];
  /** Null only for device-bound tokens, which never expire (seed 002). */
  expiresAt: Date | null;
}

/** A presented refresh token that may be used ({@link RefreshTokenService.redeem}). */
export interface RedeemedRefreshToken {
  /** The token to answer for: the presented one, or under the reuse grace the successor it was rotated to. */
  readonly record: RefreshTokenRecord;
  /** Under the reuse grace: the successor the presented token was already rotated to, to hand back again. */
  readonly successor?: string;
  /** SHA-256 of the presented token. */
  readonly tokenHash: string;
}

/**
 * Opaque refresh tokens (docs/contract.md "Tokens"): 256 random bits, stored only as
 * SHA-256, grouped in families, rotated on every use; presenting a rotated
 * token revokes its whole family (RFC 9700 §4.14.2).
 */
export class RefreshTokenService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly tokens: RefreshTokenStore,
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    private readonly revocation: RevocationService,
  ) {}

  /** Creates a token family (one grant); inside `Transactions.run`, in the caller's transaction. */
  async startFamily(input: StartFamilyInput): Promise<string> {
    const id = input.id ?? randomUUID();
    const family = {
      id,
      tenantId: input.tenantId,
      clientId: input.clientId,
      userId: input.userId,
      deviceId: input.deviceId ?? null,
      scopes: [...input.scopes],
      resources: [...(input.resources ?? [])],
      authTime: input.authTime ?? null,
      amr: [...(input.amr ?? [])],
      acr: input.acr ?? null,
      sessionSid: input.sessionSid ?? null,
      nonce: input.nonce ?? null,
      dpopJkt: input.dpopJkt ?? null,
      createdAt: this.deps.clock.now(),
    };
    await this.tokens.insertFamily(family);
    return id;
  }

  /** Issues a new refresh token in a family and returns its value, which is never stored. */
  async issue(input: IssueRefreshTokenInput): Promise<string> {
    const token = randomToken(32);
    await this.tokens.insertToken({
      tokenHash: sha256(token),
      familyId: input.familyId,
      tenantId: input.tenantId,
      clientId: input.clientId,
      scopes: [...input.scopes],
      expiresAt: input.expiresAt,
      createdAt: this.deps.clock.now(),
    });
    return token;
  }

  /** The stored token with its family state, whatever that state; null when unknown. For revocation (RFC 7009). */
  async findRefreshToken(token: string): Promise<RefreshTokenRecord | null> {
    if (!token) return null;
    return this.tokens.findByHash(sha256(token));
  }

  /** The token when it is still usable (see {@link problemWith}); else null. */
  async inspect(token: string): Promise<RefreshTokenRecord | null> {
    const record = await this.findRefreshToken(token);
    return record && !(await this.problemWith(record)) ? record : null;
  }

  /**
   * The one rule for "is this refresh token usable" (docs/contract.md
   * "Revocation is enforced"; RFC 6749 §6, RFC 9700 §4.14.2): not rotated,
   * not in a revoked family, not expired, its user (if any) enabled, its
   * client enabled, issued after every tenant cutoff on its tenant's path.
   * Null when usable; else why not. Introspection, revocation and the
   * refresh grant all ask here.
   */
  async problemWith(record: RefreshTokenRecord): Promise<RefreshTokenProblem | null> {
    const problem = refreshTokenProblem(record, this.deps.clock.now());
    if (problem) return problem;
    const client = await this.clients.findByClientId(record.clientId);
    if (!client?.enabled) return 'client_disabled';
    return (await this.isCutOff(record)) ? 'cut_off' : null;
  }

  /**
   * Validates a presented refresh token for `client` without consuming it
   * (RFC 6749 §6): unknown, other client's, expired, revoked, cut-off or
   * disabled-user tokens fail with `invalid_grant`. A token that was already
   * rotated is a replay: its family is revoked first (RFC 9700 §4.14.2) —
   * unless it was rotated within the tenant's reuse grace (`graceSeconds`,
   * refresh-reuse-grace.ts) and its successor is still unused and usable:
   * then the answer is that same successor (a retry after a lost answer).
   */
  async redeem(token: string, client: Client, graceSeconds = 0): Promise<RedeemedRefreshToken> {
    const tokenHash = sha256(token);
    const record = token ? await this.tokens.findByHash(tokenHash) : null;
    if (!record || record.clientId !== client.clientId) throw errors.invalidGrant('the refresh token is invalid');
    const problem = await this.problemWith(record);
    if (problem === 'rotated') {
      const again = await this.successorWithinGrace(record, tokenHash, graceSeconds);
      if (again) return again;
      await this.revokeOnReuse(record);
    }
    if (problem)
      throw errors.invalidGrant(problem === 'expired' ? 'the refresh token has expired' : 'the refresh token is invalid or revoked');
    return { record, tokenHash };
  }

  /**
   * Marks a redeemed token rotated and issues its successor in the same family
   * with the same scopes (RFC 6749 §6), in one statement (RefreshTokenStore.rotate):
   * the last write of a refresh, so an answer that failed before it left nothing
   * committed. Under a reuse grace the successor is kept sealed with the rotated
   * token, so a retry gets it again. A token redeemed under the grace is not
   * rotated again: its successor is the answer. Losing the race to a concurrent
   * use of the same token is reuse, unless the grace hands both the same successor.
   */
  async rotate(redeemed: RedeemedRefreshToken, client: Client, graceSeconds = 0): Promise<string> {
    if (redeemed.successor) return redeemed.successor;
    const { record } = redeemed;
    const now = this.deps.clock.now();
    const expiresAt = record.expiresAt === null ? null : new Date(now.getTime() + client.refreshTokenLifetime * 1000);
    const successor = randomToken(32);
    const sealed = graceSeconds > 0 ? this.deps.secret.encrypt(`${record.id}.${successor}`, 'refresh-successor') : null;
    if (!(await this.tokens.rotate(record.id, now, { id: randomUUID(), tokenHash: sha256(successor), expiresAt, sealed }))) {
      const rotated = graceSeconds > 0 ? await this.tokens.findByHash(redeemed.tokenHash) : null;
      const again = rotated && (await this.successorWithinGrace(rotated, redeemed.tokenHash, graceSeconds));
      if (again) return again.successor!;
      await this.revokeOnReuse(record);
      throw errors.invalidGrant('the refresh token is invalid or revoked');
    }
    return successor;
  }

  /**
   * The successor a rotated token was rotated to, when that happened within the
   * grace and the successor is itself unused and usable; else null (reuse).
   */
  private async successorWithinGrace(
    record: RefreshTokenRecord,
    tokenHash: string,
    graceSeconds: number,
  ): Promise<RedeemedRefreshToken | null> {
    if (!record.rotatedAt || !record.successorSealed || !withinReuseGrace(record.rotatedAt, graceSeconds, this.deps.clock.now())) {
      return null;
    }
    let opened: string;
    try {
      opened = this.deps.secret.decrypt(record.successorSealed, 'refresh-successor');
    } catch {
      return null;
    }
    const prefix = `${record.id}.`;
    if (!opened.startsWith(prefix)) return null;
    const successor = opened.slice(prefix.length);
    const next = await this.tokens.findByHash(sha256(successor));
    // A successor already rotated makes the presented token a grand-parent: reuse.
    if (!next || next.familyId !== record.familyId || (await this.problemWith(next))) return null;
    this.deps.log.info(
      { familyId: record.familyId, clientId: record.clientId, tenantId: record.tenantId, graceSeconds },
      'rotated refresh token presented again within the reuse grace; same successor returned',
    );
    return { record: next, successor, tokenHash };
  }

  private async revokeOnReuse(record: RefreshTokenRecord): Promise<void> {
    this.deps.log.warn(
      { familyId: record.familyId, clientId: record.clientId, tenantId: record.tenantId },
      'refresh token reuse detected; family revoked',
    );
    await this.revocation.revokeFamily(record.familyId);
  }

  private async isCutOff(record: RefreshTokenRecord): Promise<boolean> {
    const tenant = await this.tenants.findById(record.tenantId);
    return !tenant || issuedBeforeTenantCutoff(this.tenants, tenant.path, record.createdAt);
  }
}
