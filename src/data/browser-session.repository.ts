import type { BrowserSession, SessionRecord } from '../domain/sessions/browser-session';
import type { BrowserSessionStore } from '../domain/sessions/browser-session-store';
import { BrowserSessionEntity } from '../entities/browser-session.entity';
import type { Database } from './database';

interface SessionRow {
  id_hash: string;
  tenant_id: string;
  user_id: string;
  auth_time: Date | string;
  expires_at: Date | string;
  amr: string[] | null;
  acr: string | null;
  user_active: boolean;
  user_cutoff_ms: number | string | null;
}

/** A session row's columns with its user's state and revocation cutoff, for `alias` (the sessions table). */
const recordColumns = (alias: string) =>
  `${alias}.id_hash, ${alias}.tenant_id::text as tenant_id, ${alias}.user_id::text as user_id, ${alias}.auth_time, ${alias}.expires_at, ${alias}.amr, ${alias}.acr,
   coalesce((select u.enabled from users u where u.id = ${alias}.user_id and u.tenant_id = ${alias}.tenant_id), false) as user_active,
   (select (extract(epoch from c.cutoff) * 1000)::float8 from token_cutoffs c where c.kind = 'user' and c.subject = ${alias}.user_id::text) as user_cutoff_ms`;

const toRecord = (row: SessionRow): SessionRecord => ({
  session: Object.freeze({
    idHash: row.id_hash,
    tenantId: row.tenant_id,
    userId: row.user_id,
    authTime: new Date(row.auth_time),
    expiresAt: new Date(row.expires_at),
    amr: Object.freeze([...(row.amr ?? ['pwd'])]),
    acr: row.acr,
  }),
  userActive: row.user_active === true,
  userCutoffMs: row.user_cutoff_ms === null ? null : Number(row.user_cutoff_ms),
});

/** Browser sessions of the hosted pages, by the SHA-256 of their cookie value. */
export class BrowserSessionRepository implements BrowserSessionStore {
  constructor(private readonly db: Database) {}

  async insert(session: BrowserSession): Promise<BrowserSession> {
    const em = this.db.em();
    const entity = em.create(BrowserSessionEntity, {
      idHash: session.idHash,
      tenantId: session.tenantId,
      userId: session.userId,
      authTime: session.authTime,
      expiresAt: session.expiresAt,
      amr: [...session.amr],
      acr: session.acr,
    });
    await em.flush();
    return Object.freeze({
      idHash: entity.idHash,
      tenantId: entity.tenantId,
      userId: entity.userId,
      authTime: entity.authTime,
      expiresAt: entity.expiresAt,
      amr: Object.freeze([...entity.amr]),
      acr: entity.acr,
    });
  }

  /** The session when it is not ended and not expired at `now`, with its user's state and cutoff (one round trip). */
  async findOpen(idHash: string, now: Date): Promise<SessionRecord | null> {
    const [row] = await this.db.execute<SessionRow[]>(
      `select ${recordColumns('s')} from browser_sessions s where s.id_hash = ? and s.ended_at is null and s.expires_at > ?`,
      [idHash, now],
    );
    return row ? toRecord(row) : null;
  }

  async raise(idHash: string, amr: readonly string[], acr: string, now: Date): Promise<boolean> {
    const updated = await this.db
      .em()
      .nativeUpdate(BrowserSessionEntity, { idHash, endedAt: null, expiresAt: { $gt: now } }, { amr: [...amr], acr });
    return updated === 1;
  }

  async end(idHash: string, now: Date): Promise<void> {
    await this.db.em().nativeUpdate(BrowserSessionEntity, { idHash, endedAt: null }, { endedAt: now });
  }

  /** Ends every unended, unexpired session of a user at `now`; returns them as they were just before. */
  async endAllOf(userId: string, now: Date): Promise<SessionRecord[]> {
    const rows = await this.db.execute<SessionRow[]>(
      `update browser_sessions s set ended_at = ? where s.user_id = ?::uuid and s.ended_at is null and s.expires_at > ? returning ${recordColumns('s')}`,
      [now, userId, now],
    );
    return rows.map(toRecord);
  }
}
