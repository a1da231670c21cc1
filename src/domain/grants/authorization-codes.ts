import { defaults } from '../../config/defaults';
import type { ClientService } from '../clients/client.service';
import { sha256 } from '../crypto/random';
import type { DomainDeps } from '../deps';
import type { RevocationService } from '../revocation/revocation.service';
import type { RefreshTokenService } from '../tokens/refresh-token.service';
import type { Transactions } from '../transactions';
import type { AuthorizationCode, AuthorizationCodeStore } from './authorization-code-store';

/** What the first redemption of a code will issue, recorded on the code before anything is issued. */
export interface Redemption {
  familyId: string;
  accessTokenJti: string;
  /** RFC 8707 resources the grant gets (API identifiers). */
  resources?: readonly string[];
  /** RFC 9449 §5: the DPoP key the family's refresh tokens are bound to (public clients). */
  dpopJkt?: string | null;
}

/**
 * Authorization codes at the token endpoint (RFC 6749 §4.1.3): lookup by
 * value, single-use consumption, and revocation of what a code issued when it
 * is presented again (§4.1.2, RFC 9700 §4.2.4).
 */
export class AuthorizationCodes {
  constructor(
    private readonly deps: Pick<DomainDeps, 'clock' | 'log'>,
    private readonly codes: AuthorizationCodeStore,
    private readonly transactions: Transactions,
    private readonly clients: ClientService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly revocation: RevocationService,
  ) {}

  /** The stored code for a presented code value; null when unknown. */
  async find(code: string): Promise<AuthorizationCode | null> {
    if (!code) return null;
    return this.codes.findByHash(sha256(code));
  }

  /**
   * Atomically marks the code consumed, records `redemption` on it and creates
   * its token family, in one transaction, so a concurrent or later replay
   * always finds the family to revoke. False when another redemption won.
   */
  async consume(code: AuthorizationCode, redemption: Redemption): Promise<boolean> {
    const consumedAt = this.deps.clock.now();
    return this.transactions.run(async () => {
      if (!(await this.codes.consume(code.codeHash, consumedAt, redemption.familyId, redemption.accessTokenJti))) return false;
      await this.refreshTokens.startFamily({
        id: redemption.familyId,
        tenantId: code.tenantId,
        clientId: code.clientId,
        userId: code.userId,
        scopes: code.scopes,
        resources: redemption.resources ?? [],
        authTime: code.authTime,
        amr: code.amr,
        acr: code.acr,
        sessionSid: code.sessionSid,
        nonce: code.nonce,
        dpopJkt: redemption.dpopJkt ?? null,
      });
      return true;
    });
  }

  /**
   * A replayed code: revokes the family its first redemption started (its
   * refresh tokens and every access token carrying it as `sid`) and that
   * redemption's access token by `jti`. Idempotent.
   */
  async revokeRedemption(code: AuthorizationCode): Promise<void> {
    this.deps.log.warn({ clientId: code.clientId, tenantId: code.tenantId }, 'authorization code replay; revoking what it issued');
    if (code.familyId) await this.revocation.revokeFamily(code.familyId);
    if (code.accessTokenJti && code.consumedAt) {
      // The token lived at most its client's lifetime from redemption; the row may be dropped after that.
      const lifetime = (await this.clients.findByClientId(code.clientId))?.accessTokenLifetime ?? defaults.accessTokenLifetimeSeconds;
      const exp = Math.floor(code.consumedAt.getTime() / 1000) + lifetime;
      await this.revocation.revokeAccessToken({ jti: code.accessTokenJti, exp }, code.tenantId);
    }
  }
}
