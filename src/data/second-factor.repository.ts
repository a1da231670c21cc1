import type { SecondFactorStore, StoredFactor } from '../domain/mfa/second-factor-store';
import type { Database } from './database';

interface FactorRow {
  id: string;
  tenant_id: string;
  user_id: string;
  kind: 'totp';
  secret_sealed: string;
  confirmed_at: Date | string | null;
  last_step: string | number | null;
  created_at: Date | string;
}

const toFactor = (row: FactorRow): StoredFactor =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    kind: row.kind,
    secretSealed: row.secret_sealed,
    confirmedAt: row.confirmed_at === null ? null : new Date(row.confirmed_at),
    lastStep: row.last_step === null ? null : Number(row.last_step),
    createdAt: new Date(row.created_at),
  });

const COLUMNS =
  'id::text as id, tenant_id::text as tenant_id, user_id::text as user_id, kind, secret_sealed, confirmed_at, last_step, created_at';

/** {@link SecondFactorStore} on PostgreSQL: `user_factors` and `recovery_codes`. */
export class SecondFactorRepository implements SecondFactorStore {
  constructor(private readonly db: Database) {}

  async findTotp(userId: string): Promise<StoredFactor | null> {
    const [row] = await this.db.execute<FactorRow[]>(`select ${COLUMNS} from user_factors where user_id = ?::uuid and kind = 'totp'`, [
      userId,
    ]);
    return row ? toFactor(row) : null;
  }

  async putUnconfirmed(factor: Omit<StoredFactor, 'confirmedAt' | 'lastStep' | 'createdAt'>, now: Date): Promise<boolean> {
    const rows = await this.db.execute<{ id: string }[]>(
      `insert into user_factors (id, tenant_id, user_id, kind, secret_sealed, confirmed_at, last_step, created_at)
       values (?::uuid, ?::uuid, ?::uuid, ?, ?, null, null, ?)
       on conflict (user_id, kind) do update set id = excluded.id, secret_sealed = excluded.secret_sealed, created_at = excluded.created_at
       where user_factors.confirmed_at is null
       returning id`,
      [factor.id, factor.tenantId, factor.userId, factor.kind, factor.secretSealed, now],
    );
    return rows.length === 1;
  }

  async acceptStep(factorId: string, step: number, now: Date): Promise<boolean> {
    const rows = await this.db.execute<{ id: string }[]>(
      `update user_factors set last_step = ?, confirmed_at = coalesce(confirmed_at, ?)
        where id = ?::uuid and (last_step is null or last_step < ?) returning id`,
      [step, now, factorId, step],
    );
    return rows.length === 1;
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[], now: Date): Promise<void> {
    await this.db.run(async () => {
      await this.db.execute('delete from recovery_codes where user_id = ?::uuid', [userId], 'run');
      for (const hash of codeHashes) {
        await this.db.execute(
          'insert into recovery_codes (user_id, code_hash, created_at) values (?::uuid, ?, ?)',
          [userId, hash, now],
          'run',
        );
      }
    });
  }

  async useRecoveryCode(userId: string, codeHash: string, now: Date): Promise<boolean> {
    const rows = await this.db.execute<{ code_hash: string }[]>(
      'update recovery_codes set used_at = ? where user_id = ?::uuid and code_hash = ? and used_at is null returning code_hash',
      [now, userId, codeHash],
    );
    return rows.length === 1;
  }

  async countUnusedRecoveryCodes(userId: string): Promise<number> {
    const [row] = await this.db.execute<{ n: string | number }[]>(
      'select count(*) as n from recovery_codes where user_id = ?::uuid and used_at is null',
      [userId],
    );
    return Number(row?.n ?? 0);
  }

  async deleteAll(userId: string): Promise<number> {
    return this.db.run(async () => {
      await this.db.execute('delete from recovery_codes where user_id = ?::uuid', [userId], 'run');
      const rows = await this.db.execute<{ id: string }[]>('delete from user_factors where user_id = ?::uuid returning id', [userId]);
      return rows.length;
    });
  }
}
