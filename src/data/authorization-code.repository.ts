import type { EntityManager } from '@mikro-orm/postgresql';
import { AuthorizationCodeEntity } from '../entities/authorization-code.entity';
import type { Database } from './database';

export type NewAuthorizationCode = Pick<
  AuthorizationCodeEntity,
  'codeHash' | 'tenantId' | 'clientId' | 'userId' | 'redirectUri' | 'scopes' | 'codeChallenge' | 'codeChallengeMethod' | 'nonce' | 'authTime' | 'expiresAt'
>;

/** Authorization codes, by the SHA-256 of their value. */
export class AuthorizationCodeRepository {
  constructor(private readonly db: Database) {}

  async insert(code: NewAuthorizationCode): Promise<void> {
    const em = this.db.em();
    em.create(AuthorizationCodeEntity, code);
    await em.flush();
  }

  findByHash(codeHash: string): Promise<AuthorizationCodeEntity | null> {
    return this.db.em().findOne(AuthorizationCodeEntity, { codeHash });
  }

  /**
   * In one transaction: marks the code consumed (only if nobody did) with what
   * its redemption issues, then runs `andThen` in the same transaction. False
   * (and nothing written) when another redemption won.
   */
  consume(codeHash: string, consumedAt: Date, familyId: string, accessTokenJti: string, andThen: (tx: EntityManager) => Promise<void>): Promise<boolean> {
    return this.db.em().transactional(async (tx) => {
      const updated = await tx.nativeUpdate(AuthorizationCodeEntity, { codeHash, consumedAt: null }, { consumedAt, familyId, accessTokenJti });
      if (updated !== 1) return false;
      await andThen(tx);
      return true;
    });
  }
}
