import { BrowserSessionEntity } from '../../entities/browser-session.entity';
import { UserEntity } from '../../entities/user.entity';
import { randomToken, sha256 } from '../crypto/random';
import type { DomainDeps } from '../deps';
import { SESSION_LIFETIME_SECONDS, type BrowserSession, type StartedSession } from './browser-session';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const toSession = (entity: BrowserSessionEntity): BrowserSession =>
  Object.freeze({ idHash: entity.idHash, tenantId: entity.tenantId, userId: entity.userId, authTime: entity.authTime, expiresAt: entity.expiresAt });

/**
 * Browser sessions of the hosted pages. The browser holds a 256-bit random
 * token; only its SHA-256 is stored, so a database read does not yield
 * usable cookies. A session lives {@link SESSION_LIFETIME_SECONDS} and ends
 * early on sign-out.
 */
export class BrowserSessionService {
  constructor(private readonly deps: DomainDeps) {}

  /** Starts a session for a user who has just proven their password. */
  async start(tenantId: string, userId: string): Promise<StartedSession> {
    const token = randomToken(32);
    const now = this.deps.clock.now();
    const em = this.deps.orm.em.fork();
    const entity = em.create(BrowserSessionEntity, {
      idHash: sha256(token),
      tenantId,
      userId,
      authTime: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000),
    });
    await em.flush();
    return { session: toSession(entity), token };
  }

  /**
   * The live session for a cookie value: not ended, not expired, and its
   * user still exists and is enabled. Null otherwise, including for junk.
   */
  async find(token: string | undefined): Promise<BrowserSession | null> {
    if (!token || !TOKEN.test(token)) return null;
    const em = this.deps.orm.em.fork();
    const entity = await em.findOne(BrowserSessionEntity, { idHash: sha256(token), endedAt: null, expiresAt: { $gt: this.deps.clock.now() } });
    if (!entity) return null;
    const user = await em.findOne(UserEntity, { id: entity.userId, tenantId: entity.tenantId, enabled: true }, { fields: ['id'] });
    return user ? toSession(entity) : null;
  }

  /** Ends the session a cookie value names; unknown or ended sessions are ignored. */
  async end(token: string | undefined): Promise<void> {
    if (!token || !TOKEN.test(token)) return;
    await this.deps.orm.em.fork().nativeUpdate(BrowserSessionEntity, { idHash: sha256(token), endedAt: null }, { endedAt: this.deps.clock.now() });
  }
}
