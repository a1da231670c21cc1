import { SigningKeyEntity } from '../entities/signing-key.entity';
import type { Database } from './database';

export interface NewSigningKey {
  tenantId: string;
  kid: string;
  algorithm: SigningKeyEntity['algorithm'];
  publicJwk: Record<string, unknown>;
  /** The private JWK, sealed with the server secret. */
  sealedPrivateJwk: string;
}

/** Signing keys per tenant: at most one `active` (a partial unique index), any number `retired`. */
export class SigningKeyRepository {
  constructor(private readonly db: Database) {}

  findByKid(kid: string): Promise<SigningKeyEntity | null> {
    return this.db.em().findOne(SigningKeyEntity, { kid });
  }

  /** The tenant's active key with its sealed private half. */
  findActive(tenantId: string): Promise<SigningKeyEntity | null> {
    return this.db.em().findOne(SigningKeyEntity, { tenantId, status: 'active' }, { populate: ['sealedPrivateJwk'] });
  }

  /** Every active key and every retired key still published at `now`, newest first. */
  findPublished(now: Date): Promise<SigningKeyEntity[]> {
    return this.db.em().find(SigningKeyEntity, { $or: [{ status: 'active' }, { publishUntil: { $gt: now } }] }, { orderBy: { createdAt: 'desc' } });
  }

  listForTenant(tenantId: string): Promise<SigningKeyEntity[]> {
    return this.db.em().find(SigningKeyEntity, { tenantId }, { orderBy: { createdAt: 'desc' } });
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
  async replaceActive(key: NewSigningKey, now: Date, publishUntil: Date): Promise<SigningKeyEntity> {
    return this.db.em().transactional(async (tx) => {
      await tx.nativeUpdate(SigningKeyEntity, { tenantId: key.tenantId, status: 'active' }, { status: 'retired', retiredAt: now, publishUntil });
      return tx.create(SigningKeyEntity, key);
    });
  }

  /** The longest access token lifetime among the tenant's clients (seconds), null when it has none. */
  async longestAccessTokenLifetime(tenantId: string): Promise<number | null> {
    const [row] = await this.db.execute<{ max: number | null }[]>('select max(access_token_lifetime) as max from clients where tenant_id = ?', [tenantId]);
    return row?.max ?? null;
  }
}
