import type { PasskeyStore, PasskeyWithOwner, StoredPasskey } from '../domain/passkeys/passkey-store';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';
import { userFromRow, userJson, type UserRow } from './user-row';

interface PasskeyRow {
  id: string;
  tenant_id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: string | number;
  transports: string[] | null;
  backup_eligible: boolean;
  backed_up: boolean;
  name: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
}

const columns = (a: string) => `${a}.id::text as id, ${a}.tenant_id::text as tenant_id, ${a}.user_id::text as user_id, ${a}.credential_id,
  encode(${a}.public_key, 'base64') as public_key, ${a}.counter, ${a}.transports, ${a}.backup_eligible, ${a}.backed_up, ${a}.name,
  ${a}.created_at, ${a}.last_used_at`;
const COLUMNS = columns('user_passkeys');

/**
 * A verified assertion: its challenge claimed in `used_identifiers` (insert, or take over an expired
 * row: replay.repository.ts) and, only when claimed, the counter compare-and-set, in one statement.
 * The claim's row lock makes a concurrent claim of the same key wait for this commit and then fail,
 * on any process; the update sees the claim through its CTE. Committed durably (the counter too).
 */
const CLAIM_AND_RECORD_USE = preparedStatement(
  'passkey_claim_and_record_use',
  `with claim as (
     insert into used_identifiers (key, expires_at) values ($1::text, $2::timestamptz)
     on conflict (key) do update set expires_at = excluded.expires_at where used_identifiers.expires_at <= now()
     returning 1
   ), used as (
     update user_passkeys set counter = $3, backed_up = $4, last_used_at = $5::timestamptz
      where id = $6::uuid and counter = $7 and exists (select 1 from claim)
      returning 1
   )
   select exists (select 1 from claim) as claimed, exists (select 1 from used) as stored`,
);

/** A sign-in's lookup: the credential with its user's row (one round trip; the sign-in needs both). */
const BY_CREDENTIAL_ID = preparedStatement(
  'passkey_by_credential_id',
  `select ${columns('p')}, ${userJson('u')} as owner from user_passkeys p left join users u on u.id = p.user_id where p.credential_id = $1`,
);

const toPasskey = (row: PasskeyRow): StoredPasskey =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64')),
    counter: Number(row.counter),
    transports: Object.freeze([...(row.transports ?? [])]),
    backupEligible: row.backup_eligible,
    backedUp: row.backed_up,
    name: row.name,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
  });

/** {@link PasskeyStore} on PostgreSQL: `user_passkeys`. */
export class PasskeyRepository implements PasskeyStore {
  constructor(private readonly db: Database) {}

  async listByUser(userId: string): Promise<StoredPasskey[]> {
    const rows = await this.db.execute<PasskeyRow[]>(
      `select ${COLUMNS} from user_passkeys where user_id = ?::uuid order by created_at, id`,
      [userId],
    );
    return rows.map(toPasskey);
  }

  async countByUser(userId: string): Promise<number> {
    const [row] = await this.db.execute<{ n: string | number }[]>('select count(*) as n from user_passkeys where user_id = ?::uuid', [
      userId,
    ]);
    return Number(row?.n ?? 0);
  }

  async findByCredentialId(credentialId: string): Promise<PasskeyWithOwner | null> {
    const [row] = await this.db.rows<PasskeyRow & { owner: UserRow | string | null }>(BY_CREDENTIAL_ID, [credentialId]);
    if (!row) return null;
    const owner = typeof row.owner === 'string' ? (JSON.parse(row.owner) as UserRow) : row.owner;
    return Object.freeze({ ...toPasskey(row), owner: owner ? userFromRow(owner) : null });
  }

  async insert(passkey: Omit<StoredPasskey, 'lastUsedAt'>): Promise<boolean> {
    const rows = await this.db.execute<{ id: string }[]>(
      `insert into user_passkeys (id, tenant_id, user_id, credential_id, public_key, counter, transports, backup_eligible, backed_up, name, created_at)
       values (?::uuid, ?::uuid, ?::uuid, ?, decode(?, 'base64'), ?, array(select json_array_elements_text(?::json)), ?, ?, ?, ?)
       on conflict (credential_id) do nothing returning id::text as id`,
      [
        passkey.id,
        passkey.tenantId,
        passkey.userId,
        passkey.credentialId,
        Buffer.from(passkey.publicKey).toString('base64'),
        passkey.counter,
        JSON.stringify(passkey.transports),
        passkey.backupEligible,
        passkey.backedUp,
        passkey.name,
        passkey.createdAt,
      ],
    );
    return rows.length === 1;
  }

  async claimAndRecordUse(
    claim: { readonly key: string; readonly expiresAt: Date },
    id: string,
    seenCounter: number,
    newCounter: number,
    backedUp: boolean,
    now: Date,
  ): Promise<{ claimed: boolean; stored: boolean }> {
    const [row] = await this.db.rows<{ claimed: boolean; stored: boolean }>(CLAIM_AND_RECORD_USE, [
      claim.key,
      claim.expiresAt,
      newCounter,
      backedUp,
      now,
      id,
      seenCounter,
    ]);
    return { claimed: row?.claimed === true, stored: row?.stored === true };
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const rows = await this.db.execute<{ id: string }[]>(
      'update user_passkeys set name = ? where id = ?::uuid and user_id = ?::uuid returning id::text as id',
      [name, id, userId],
    );
    return rows.length === 1;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const rows = await this.db.execute<{ id: string }[]>(
      'delete from user_passkeys where id = ?::uuid and user_id = ?::uuid returning id::text as id',
      [id, userId],
    );
    return rows.length === 1;
  }

  async deleteAll(userId: string): Promise<number> {
    const rows = await this.db.execute<{ id: string }[]>('delete from user_passkeys where user_id = ?::uuid returning id::text as id', [
      userId,
    ]);
    return rows.length;
  }
}
