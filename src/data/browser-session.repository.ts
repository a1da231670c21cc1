import { BrowserSessionEntity } from '../entities/browser-session.entity';
import { UserEntity } from '../entities/user.entity';
import type { Database } from './database';

export type NewBrowserSession = Pick<BrowserSessionEntity, 'idHash' | 'tenantId' | 'userId' | 'authTime' | 'expiresAt'>;

/** Browser sessions of the hosted pages, by the SHA-256 of their cookie value. */
export class BrowserSessionRepository {
  constructor(private readonly db: Database) {}

  async insert(session: NewBrowserSession): Promise<BrowserSessionEntity> {
    const em = this.db.em();
    const entity = em.create(BrowserSessionEntity, session);
    await em.flush();
    return entity;
  }

  /** The session when it is not ended, not expired at `now`, and its user exists in its tenant and is enabled. */
  async findLive(idHash: string, now: Date): Promise<BrowserSessionEntity | null> {
    const em = this.db.em();
    const entity = await em.findOne(BrowserSessionEntity, { idHash, endedAt: null, expiresAt: { $gt: now } });
    if (!entity) return null;
    const user = await em.findOne(UserEntity, { id: entity.userId, tenantId: entity.tenantId, enabled: true }, { fields: ['id'] });
    return user ? entity : null;
  }

  async end(idHash: string, now: Date): Promise<void> {
    await this.db.em().nativeUpdate(BrowserSessionEntity, { idHash, endedAt: null }, { endedAt: now });
  }
}
