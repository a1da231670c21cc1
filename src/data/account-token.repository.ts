import type { AccountTokenPurpose, AccountTokenStore, NewAccountToken } from '../domain/mail/account-token-store';
import type { Database } from './database';

interface OwnerRow {
  user_id: string;
  tenant_id: string;
  email: string | null;
}

const owner = (row: OwnerRow | undefined) => (row ? { userId: row.user_id, tenantId: row.tenant_id, email: row.email } : null);

/** {@link AccountTokenStore} on PostgreSQL (`account_tokens`): digests only; using one is a single conditional update. */
export class AccountTokenRepository implements AccountTokenStore {
  constructor(private readonly db: Database) {}

  async insert(token: NewAccountToken): Promise<void> {
    await this.db.execute(
      `insert into account_tokens (token_hash, tenant_id, user_id, purpose, email, expires_at, created_at) values (?, ?, ?, ?, ?, ?, ?)`,
      [token.tokenHash, token.tenantId, token.userId, token.purpose, token.email ?? null, token.expiresAt, token.createdAt],
      'run',
    );
  }

  async peek(tokenHash: string, purpose: AccountTokenPurpose, now: Date) {
    const [row] = await this.db.execute<OwnerRow[]>(
      `select user_id, tenant_id, email from account_tokens where token_hash = ? and purpose = ? and used_at is null and expires_at > ?`,
      [tokenHash, purpose, now],
    );
    return owner(row);
  }

  async consume(tokenHash: string, purpose: AccountTokenPurpose, now: Date) {
    const [row] = await this.db.execute<OwnerRow[]>(
      `update account_tokens set used_at = ? where token_hash = ? and purpose = ? and used_at is null and expires_at > ? returning user_id, tenant_id, email`,
      [now, tokenHash, purpose, now],
    );
    return owner(row);
  }

  async discardOf(userId: string, purpose: AccountTokenPurpose, now: Date): Promise<void> {
    await this.db.execute(
      `update account_tokens set used_at = ? where user_id = ? and purpose = ? and used_at is null`,
      [now, userId, purpose],
      'run',
    );
  }
}
