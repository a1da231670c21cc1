import type { DigestKind, KeyIdCounts, SealedKind, SealedRow, SealedValueStore } from '../domain/crypto/sealed-value-store';
import type { Database } from './database';

/** Where each kind lives (constants, never input). */
const SEALED: Readonly<Record<SealedKind, { table: string; column: string; key?: string }>> = {
  signingKeys: { table: 'signing_keys', column: 'sealed_private_jwk' },
  totpSecrets: { table: 'user_factors', column: 'secret_sealed' },
  clientSecrets: { table: 'clients', column: 'secret_sealed' },
  mailBodies: { table: 'mail_outbox', column: 'sealed_body' },
  identityProviderSecrets: { table: 'identity_providers', column: 'client_secret_sealed' },
  webhookSecrets: { table: 'webhooks', column: 'sealed_secret' },
  upstreamIdTokens: { table: 'browser_session_upstreams', column: 'id_token_sealed', key: 'session_sid' },
};
const DIGESTS: Readonly<Record<DigestKind, { table: string; column: string }>> = {
  clientSecretDigests: { table: 'clients', column: 'secret_digest' },
  registrationTokenDigests: { table: 'client_registrations', column: 'access_token_digest' },
  initialAccessTokenDigests: { table: 'initial_access_tokens', column: 'token_digest' },
};

/** The key id a sealed value (`v2.<id>.…`) or a digest (`<id>.<mac>`) names, in SQL; null for the formats before keyrings. */
const sealedKeyId = (column: string) => `case when ${column} like 'v2.%' then split_part(${column}, '.', 2) end`;
const digestKeyId = (column: string) => `case when strpos(${column}, '.') > 0 then split_part(${column}, '.', 1) end`;

/** {@link SealedValueStore} on PostgreSQL. */
export class SealedValueRepository implements SealedValueStore {
  constructor(private readonly db: Database) {}

  async keyIdsInUse(): Promise<{ sealed: KeyIdCounts; digests: KeyIdCounts }> {
    const parts = [
      ...Object.values(SEALED).map(
        ({ table, column }) => `select 's' as kind, ${sealedKeyId(column)} as key_id from ${table} where ${column} is not null`,
      ),
      ...Object.values(DIGESTS).map(
        ({ table, column }) => `select 'd' as kind, ${digestKeyId(column)} as key_id from ${table} where ${column} is not null`,
      ),
    ];
    const rows = await this.db.execute<{ kind: 's' | 'd'; key_id: string; count: string }[]>(
      `select kind, key_id, count(*) as count from (${parts.join(' union all ')}) used where key_id is not null group by kind, key_id`,
    );
    const of = (kind: 's' | 'd') =>
      Object.fromEntries(rows.filter((row) => row.kind === kind).map((row) => [row.key_id, Number(row.count)]));
    return { sealed: of('s'), digests: of('d') };
  }

  async notSealedUnder(kind: SealedKind, currentKeyId: string, afterId: string | null, limit: number): Promise<SealedRow[]> {
    const { table, column, key = 'id' } = SEALED[kind];
    const rows = await this.db.execute<{ id: string; value: string }[]>(
      `select ${key}::text as id, ${column} as value from ${table}
        where ${column} is not null and ${column} not like ? and (?::text is null or ${key}::text > ?)
        order by ${key}::text limit ?`,
      [`v2.${currentKeyId}.%`, afterId, afterId, limit],
    );
    return rows;
  }

  async replace(kind: SealedKind, id: string, from: string, to: string): Promise<boolean> {
    const { table, column, key = 'id' } = SEALED[kind];
    const changed = await this.db.execute<{ id: string }[]>(
      `update ${table} set ${column} = ? where ${key}::text = ? and ${column} = ? returning ${key}`,
      [to, id, from],
    );
    return changed.length > 0;
  }

  async digestsNotUnder(kind: DigestKind, currentKeyId: string): Promise<KeyIdCounts> {
    const { table, column } = DIGESTS[kind];
    const rows = await this.db.execute<{ key_id: string | null; count: string }[]>(
      `select ${digestKeyId(column)} as key_id, count(*) as count from ${table}
        where ${column} is not null and ${column} not like ? group by 1`,
      [`${currentKeyId}.%`],
    );
    return Object.fromEntries(rows.map((row) => [row.key_id ?? 'legacy', Number(row.count)]));
  }
}
