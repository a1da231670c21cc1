import type {
  DueRotation,
  KeylessTenant,
  NewSigningKey,
  SigningKeyStore,
  StoredSchedulableSigningKey,
  StoredSigningKey,
} from '../domain/keys/signing-key-store';
import type { SigningAlgorithm } from '../domain/keys/signing-algorithm';
import { SigningKeyEntity } from '../entities/signing-key.entity';
import type { Database } from './database';

/** The advisory lock of scheduled key rotation: (this, 1) in the two-int4 key space, which single-key locks (the rate limiter's) never share. */
const ROTATION_LOCK = 0x6b65_7972; // 'keyr'

const toStored = (entity: SigningKeyEntity): StoredSigningKey =>
  Object.freeze({
    kid: entity.kid,
    tenantId: entity.tenantId,
    algorithm: entity.algorithm,
    publicJwk: entity.publicJwk,
    status: entity.status,
    createdAt: entity.createdAt,
    activatesAt: entity.activatesAt,
    retiredAt: entity.retiredAt,
    publishUntil: entity.publishUntil,
  });

/** {@link SigningKeyStore} on PostgreSQL: at most one `active` key per tenant (a partial unique index), any number `retired`. */
export class SigningKeyRepository implements SigningKeyStore {
  constructor(private readonly db: Database) {}

  async findByKid(kid: string): Promise<StoredSigningKey | null> {
    const entity = await this.db.em().findOne(SigningKeyEntity, { kid });
    return entity ? toStored(entity) : null;
  }

  /** The active key and the retired keys still signing at `now`, with their sealed private halves; latest activation first. */
  async findSchedulable(tenantId: string, now: Date): Promise<StoredSchedulableSigningKey[]> {
    const entities = await this.db
      .em()
      .find(
        SigningKeyEntity,
        { tenantId, $or: [{ status: 'active' }, { retiredAt: { $gt: now } }] },
        { populate: ['sealedPrivateJwk'], orderBy: { activatesAt: 'desc' } },
      );
    return entities.map((entity) => Object.freeze({ ...toStored(entity), sealedPrivateJwk: entity.sealedPrivateJwk }));
  }

  /** Every active key and every retired key still published at `now`, newest first. */
  async findPublished(now: Date): Promise<StoredSigningKey[]> {
    const entities = await this.db
      .em()
      .find(SigningKeyEntity, { $or: [{ status: 'active' }, { publishUntil: { $gt: now } }] }, { orderBy: { createdAt: 'desc' } });
    return entities.map(toStored);
  }

  async listForTenant(tenantId: string): Promise<StoredSigningKey[]> {
    const entities = await this.db.em().find(SigningKeyEntity, { tenantId }, { orderBy: { activatesAt: 'desc', createdAt: 'desc' } });
    return entities.map(toStored);
  }

  /** Inserts the tenant's first key unless it has an active one (the partial unique index decides, so a concurrent insert loses quietly). */
  async insertActiveIfNone(key: NewSigningKey): Promise<boolean> {
    const rows = await this.db.execute<{ kid: string }[]>(
      `insert into signing_keys (id, tenant_id, kid, algorithm, public_jwk, sealed_private_jwk, status, created_at, activates_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, 'active', now(), ?) on conflict do nothing returning kid`,
      [key.tenantId, key.kid, key.algorithm, JSON.stringify(key.publicJwk), key.sealedPrivateJwk, key.activatesAt],
    );
    return rows.length > 0;
  }

  /** In one transaction: retires the active key (signing until `key.activatesAt`, published until `publishUntil`) and inserts `key` as active. */
  async replaceActive(key: NewSigningKey, publishUntil: Date, replacing?: string): Promise<StoredSigningKey | null> {
    const created = await this.db.em().transactional(async (tx) => {
      const retired = await tx.nativeUpdate(
        SigningKeyEntity,
        { tenantId: key.tenantId, status: 'active', ...(replacing === undefined ? {} : { kid: replacing }) },
        { status: 'retired', retiredAt: key.activatesAt, publishUntil },
      );
      if (replacing !== undefined && retired === 0) return null;
      return tx.create(SigningKeyEntity, { ...key });
    });
    return created ? toStored(created) : null;
  }

  /** The longest access token lifetime among the tenant's clients (seconds), null when it has none. */
  async longestAccessTokenLifetime(tenantId: string): Promise<number | null> {
    const [row] = await this.db.execute<{ max: number | null }[]>(
      'select max(access_token_lifetime) as max from clients where tenant_id = ?',
      [tenantId],
    );
    return row?.max ?? null;
  }

  /** pg_try_advisory_xact_lock on a constant key pair: held until the surrounding transaction ends. */
  async tryLockRotation(): Promise<boolean> {
    const [row] = await this.db.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?, 1) as locked', [ROTATION_LOCK]);
    return row?.locked === true;
  }

  async dueForRotation(now: Date, limit: number): Promise<DueRotation[]> {
    const rows = await this.db.execute<
      {
        tenant_id: string;
        path: string;
        signing_algorithm: SigningAlgorithm;
        kid: string;
        activates_at: Date;
        key_rotation_days: number;
        key_publication_seconds: number;
      }[]
    >(
      `select k.tenant_id, t.path, t.signing_algorithm, k.kid, k.activates_at, t.key_rotation_days, t.key_publication_seconds
         from signing_keys k join tenants t on t.id = k.tenant_id
        where k.status = 'active' and t.key_rotation_days > 0
          and k.activates_at + make_interval(secs => t.key_rotation_days * 86400 - t.key_publication_seconds) <= ?::timestamptz
        order by k.activates_at limit ?`,
      [now, limit],
    );
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      tenantPath: row.path,
      signingAlgorithm: row.signing_algorithm,
      kid: row.kid,
      activatesAt: new Date(row.activates_at),
      keyRotationDays: row.key_rotation_days,
      keyPublicationSeconds: row.key_publication_seconds,
    }));
  }

  async keylessTenants(afterId: string | null, limit: number): Promise<KeylessTenant[]> {
    const rows = await this.db.execute<{ id: string; signing_algorithm: SigningAlgorithm }[]>(
      `select t.id, t.signing_algorithm from tenants t
        where (?::uuid is null or t.id > ?::uuid)
          and not exists (select 1 from signing_keys k where k.tenant_id = t.id and k.status = 'active')
        order by t.id limit ?`,
      [afterId, afterId, limit],
    );
    return rows.map((row) => ({ tenantId: row.id, signingAlgorithm: row.signing_algorithm }));
  }
}
