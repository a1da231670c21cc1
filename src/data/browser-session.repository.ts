import type { BrowserSession, SessionRecord } from '../domain/sessions/browser-session';
import type {
  BrowserSessionStore,
  EndedSessionRow,
  ListedSession,
  SessionClient,
  SessionSelector,
} from '../domain/sessions/browser-session-store';
import { BrowserSessionEntity } from '../entities/browser-session.entity';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';

const INSERT = preparedStatement(
  'browser_session_insert',
  `insert into browser_sessions (id_hash, sid, tenant_id, user_id, auth_time, expires_at, amr, acr, created_at)
   values ($1, $2, $3::uuid, $4::uuid, $5::timestamptz, $6::timestamptz, array(select json_array_elements_text($7::json)), $8, $9::timestamptz)`,
);

interface SessionRow {
  id_hash: string;
  sid: string;
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
  `${alias}.id_hash, ${alias}.sid, ${alias}.tenant_id::text as tenant_id, ${alias}.user_id::text as user_id, ${alias}.auth_time, ${alias}.expires_at, ${alias}.amr, ${alias}.acr,
   coalesce((select u.enabled from users u where u.id = ${alias}.user_id and u.tenant_id = ${alias}.tenant_id), false) as user_active,
   (select (extract(epoch from c.cutoff) * 1000)::float8 from token_cutoffs c where c.kind = 'user' and c.subject = ${alias}.user_id::text) as user_cutoff_ms`;

const toRecord = (row: SessionRow): SessionRecord => ({
  session: Object.freeze({
    idHash: row.id_hash,
    sid: row.sid,
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

  /** One statement, no ORM unit of work (no BEGIN/COMMIT round trips of its own): the sign-in paths run it on every sign-in. */
  async insert(session: BrowserSession): Promise<BrowserSession> {
    await this.db.rows(INSERT, [
      session.idHash,
      session.sid,
      session.tenantId,
      session.userId,
      session.authTime,
      session.expiresAt,
      JSON.stringify(session.amr),
      session.acr,
      new Date(),
    ]);
    return Object.freeze({ ...session, amr: Object.freeze([...session.amr]) });
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

  async renew(previousIdHash: string, fresh: BrowserSession, now: Date): Promise<BrowserSession | null> {
    const [row] = await this.db.execute<SessionRow[]>(
      `update browser_sessions s set id_hash = ?, auth_time = ?, expires_at = ?, amr = array(select jsonb_array_elements_text(?::jsonb)), acr = ?
        where s.id_hash = ? and s.user_id = ?::uuid and s.tenant_id = ?::uuid and s.ended_at is null and s.expires_at > ?
          and not exists (select 1 from token_cutoffs c where c.kind = 'user' and c.subject = s.user_id::text and c.cutoff >= s.auth_time)
        returning ${recordColumns('s')}`,
      [
        fresh.idHash,
        fresh.authTime,
        fresh.expiresAt,
        JSON.stringify(fresh.amr),
        fresh.acr,
        previousIdHash,
        fresh.userId,
        fresh.tenantId,
        now,
      ],
    );
    return row ? toRecord(row).session : null;
  }

  async findOpenBySid(sid: string, now: Date): Promise<SessionRecord | null> {
    const [row] = await this.db.execute<SessionRow[]>(
      `select ${recordColumns('s')} from browser_sessions s where s.sid = ? and s.ended_at is null and s.expires_at > ?`,
      [sid, now],
    );
    return row ? toRecord(row) : null;
  }

  async listOpen(userId: string, now: Date): Promise<ListedSession[]> {
    const rows = await this.db.execute<(SessionRow & { clients: SessionClient[] | string | null })[]>(
      `select ${recordColumns('s')},
              (select coalesce(json_agg(json_build_object('id', c.id, 'clientId', c.client_id, 'name', c.name) order by c.client_id), '[]'::json)
                 from browser_session_clients bc join clients c on c.id = bc.client_id where bc.session_sid = s.sid) as clients
         from browser_sessions s
        where s.user_id = ?::uuid and s.ended_at is null and s.expires_at > ?
        order by s.auth_time desc, s.sid`,
      [userId, now],
    );
    return rows.map((row) => ({
      record: toRecord(row),
      clients: Object.freeze(typeof row.clients === 'string' ? (JSON.parse(row.clients) as SessionClient[]) : (row.clients ?? [])),
    }));
  }

  /**
   * One statement, set-based whatever the number of sessions: ends them, revokes the families started
   * under them (the change-log trigger records each family) and drops their unredeemed codes.
   */
  async end(selector: SessionSelector, now: Date): Promise<EndedSessionRow[]> {
    let where: string;
    let params: unknown[];
    if ('idHash' in selector) [where, params] = ['s.id_hash = ?', [selector.idHash]];
    else if ('sids' in selector) [where, params] = ['s.sid = any(?::text[])', [`{${selector.sids.join(',')}}`]];
    else [where, params] = ['s.user_id = ?::uuid and s.sid <> ?', [selector.userId, selector.exceptSid ?? '']];
    const rows = await this.db.execute<(SessionRow & { client_ids: string[] | null; family_ids: string[] | null })[]>(
      `with ended as (
         update browser_sessions s set ended_at = ?
          where ${where} and s.ended_at is null and s.expires_at > ?
          returning s.id_hash, s.sid, s.tenant_id, s.user_id, s.auth_time, s.expires_at, s.amr, s.acr
       ), revoked as (
         update token_families f set revoked_at = now() from ended e
          where f.session_sid = e.sid and f.revoked_at is null
          returning f.id, f.session_sid
       ), dropped as (
         delete from authorization_codes c using ended e where c.session_sid = e.sid and c.consumed_at is null
       )
       select ${recordColumns('e')},
              (select array_agg(bc.client_id::text) from browser_session_clients bc where bc.session_sid = e.sid) as client_ids,
              r.family_ids
         from ended e
         left join (select session_sid, array_agg(id::text) as family_ids from revoked group by session_sid) r on r.session_sid = e.sid`,
      [now, ...params, now],
    );
    return rows.map((row) => ({
      record: toRecord(row),
      clientIds: Object.freeze([...(row.client_ids ?? [])]),
      revokedFamilyIds: Object.freeze([...(row.family_ids ?? [])]),
    }));
  }
}
