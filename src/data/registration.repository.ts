import { randomUUID } from 'node:crypto';
import { isUuid } from '../domain/ids';
import type { RegistrationExtras } from '../domain/registration/client-metadata';
import type { RegistrationPolicy } from '../domain/registration/registration-policy';
import type {
  ClientRegistration,
  ClientRegistrationStore,
  InitialAccessToken,
  InitialAccessTokenStore,
  NewInitialAccessToken,
} from '../domain/registration/registration-store';
import type { Database } from './database';
import { storable } from './storable';

interface TokenRow {
  id: string;
  tenant_id: string;
  description: string;
  policy: RegistrationPolicy | string;
  max_uses: number | null;
  uses: number;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  created_at: Date | string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const date = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

const toToken = (row: TokenRow): InitialAccessToken =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    description: row.description,
    policy: Object.freeze(json(row.policy)),
    maxUses: row.max_uses === null ? null : Number(row.max_uses),
    uses: Number(row.uses),
    expiresAt: date(row.expires_at),
    revokedAt: date(row.revoked_at),
    createdAt: new Date(row.created_at),
  });

const TOKEN_COLUMNS = 'id, tenant_id, description, policy, max_uses, uses, expires_at, revoked_at, created_at';

/** {@link InitialAccessTokenStore} on PostgreSQL (`initial_access_tokens`). */
export class InitialAccessTokenRepository implements InitialAccessTokenStore {
  constructor(private readonly db: Database) {}

  async insert(token: NewInitialAccessToken): Promise<InitialAccessToken> {
    const [row] = await this.db.execute<TokenRow[]>(
      `insert into initial_access_tokens (id, tenant_id, token_digest, description, policy, max_uses, expires_at)
       values (?, ?, ?, ?, ?::jsonb, ?, ?) returning ${TOKEN_COLUMNS}`,
      [randomUUID(), token.tenantId, token.tokenDigest, token.description, JSON.stringify(token.policy), token.maxUses, token.expiresAt],
    );
    return toToken(row!);
  }

  async findByDigest(tokenDigests: readonly string[]): Promise<InitialAccessToken | null> {
    const [row] = await this.db.execute<TokenRow[]>(
      `select ${TOKEN_COLUMNS} from initial_access_tokens where token_digest in (${tokenDigests.map(() => '?').join(', ')}) limit 1`,
      [...tokenDigests],
    );
    return row ? toToken(row) : null;
  }

  async findById(id: string): Promise<InitialAccessToken | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.execute<TokenRow[]>(`select ${TOKEN_COLUMNS} from initial_access_tokens where id = ?`, [id]);
    return row ? toToken(row) : null;
  }

  async listByTenant(tenantId: string): Promise<InitialAccessToken[]> {
    const rows = await this.db.execute<TokenRow[]>(
      `select ${TOKEN_COLUMNS} from initial_access_tokens where tenant_id = ? order by created_at desc, id limit 1000`,
      [tenantId],
    );
    return rows.map(toToken);
  }

  async consume(id: string, now: Date): Promise<boolean> {
    const rows = await this.db.execute<unknown[]>(
      `update initial_access_tokens set uses = uses + 1
        where id = ? and revoked_at is null and (expires_at is null or expires_at > ?) and (max_uses is null or uses < max_uses)
        returning 1`,
      [id, now],
    );
    return rows.length === 1;
  }

  async revoke(id: string, now: Date): Promise<InitialAccessToken | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.execute<TokenRow[]>(
      `update initial_access_tokens set revoked_at = coalesce(revoked_at, ?) where id = ? returning ${TOKEN_COLUMNS}`,
      [now, id],
    );
    return row ? toToken(row) : null;
  }
}

interface RegistrationRow {
  client_id: string;
  access_token_digest: string;
  metadata: RegistrationExtras | string;
  policy: RegistrationPolicy | string;
}

/** {@link ClientRegistrationStore} on PostgreSQL (`client_registrations`, cascading from `clients`). */
export class ClientRegistrationRepository implements ClientRegistrationStore {
  constructor(private readonly db: Database) {}

  async insert(registration: ClientRegistration): Promise<void> {
    await this.db.execute(
      'insert into client_registrations (client_id, access_token_digest, metadata, policy) values (?, ?, ?::jsonb, ?::jsonb)',
      [registration.clientId, registration.accessTokenDigest, JSON.stringify(registration.metadata), JSON.stringify(registration.policy)],
      'run',
    );
  }

  async find(clientId: string): Promise<ClientRegistration | null> {
    if (!storable(clientId)) return null;
    const [row] = await this.db.execute<RegistrationRow[]>(
      'select client_id, access_token_digest, metadata, policy from client_registrations where client_id = ?',
      [clientId],
    );
    return row
      ? Object.freeze({
          clientId: row.client_id,
          accessTokenDigest: row.access_token_digest,
          metadata: Object.freeze(json(row.metadata)),
          policy: Object.freeze(json(row.policy)),
        })
      : null;
  }

  async update(clientId: string, change: Pick<ClientRegistration, 'accessTokenDigest' | 'metadata'>): Promise<void> {
    await this.db.execute(
      'update client_registrations set access_token_digest = ?, metadata = ?::jsonb, updated_at = now() where client_id = ?',
      [change.accessTokenDigest, JSON.stringify(change.metadata), clientId],
      'run',
    );
  }
}
