import type { NewSigningKey, SigningKeyStore, StoredActiveSigningKey, StoredSigningKey } from '../domain/keys/signing-key-store';
import { SigningKeyEntity } from '../entities/signing-key.entity';
import type { Database } from './database';

const toStored = (entity: SigningKeyEntity): StoredSigningKey =>
  Object.freeze({
    kid: entity.kid,
    tenantId: entity.tenantId,
    algorithm: entity.algorithm,
    publicJwk: entity.publicJwk,
    status: entity.status,
    createdAt: entity.createdAt,
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

  /** The tenant's active key with its sealed private half. */
  async findActive(tenantId: string): Promise<StoredActiveSigningKey | null> {
    const entity = await this.db.em().findOne(SigningKeyEntity, { tenantId, status: 'active' }, { populate: ['sealedPrivateJwk'] });
    return entity ? Object.freeze({ ...toStored(entity), sealedPrivateJwk: entity.sealedPrivateJwk }) : null;
  }

  /** Every active key and every retired key still published at `now`, newest first. */
  async findPublished(now: Date): Promise<StoredSigningKey[]> {
    const entities = await this.db.em().find(SigningKeyEntity, { $or: [{ status: 'active' }, { publishUntil: { $gt: now } }] }, { orderBy: { createdAt: 'desc' } });
    return entities.map(toStored);
  }

  async listForTenant(tenantId: string): Promise<StoredSigningKey[]> {
    const entities = await this.db.em().find(SigningKeyEntity, { tenantId }, { orderBy: { createdAt: 'desc' } });
    return entities.map(toStored);
  }

  /** Inserts the tenant's first active key unless a concurrent first use already did (the partial unique index decides). */
  async insertActiveIfNone(key: NewSigningKey): Promise<void> {
    await this.db.execute(
      `insert into signing_keys (id, tenant_id, kid, algorithm, public_jwk, sealed_private_jwk, status, created_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, 'active', now()) on conflict do nothing`,
      [key.tenantId, key.kid, key.algorithm, JSON.stringify(key.publicJwk), key.sealedPrivateJwk],
    );
  }

  /** In one transaction: retires the active key (published until `publishUntil`) and inserts `key` as active. */
  async replaceActive(key: NewSigningKey, now: Date, publishUntil: Date): Promise<StoredSigningKey> {
    const created = await this.db.em().transactional(async (tx) => {
      await tx.nativeUpdate(SigningKeyEntity, { tenantId: key.tenantId, status: 'active' }, { status: 'retired', retiredAt: now, publishUntil });
      return tx.create(SigningKeyEntity, { ...key });
    });
    return toStored(created);
  }

  /** The longest access token lifetime among the tenant's clients (seconds), null when it has none. */
  async longestAccessTokenLifetime(tenantId: string): Promise<number | null> {
    const [row] = await this.db.execute<{ max: number | null }[]>('select max(access_token_lifetime) as max from clients where tenant_id = ?', [tenantId]);
    return row?.max ?? null;
  }
}
