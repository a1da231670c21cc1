import type {
  FederatedIdentity,
  IdentityProvider,
  IdentityProviderKind,
  SessionUpstream,
  UpstreamSessionMatch,
} from '../domain/federation/identity-provider';
import type { IdentityProviderChanges, IdentityProviderStore, NewIdentityProvider } from '../domain/federation/identity-provider-store';
import type { Database } from './database';

interface ProviderRow {
  id: string;
  tenant_id: string;
  kind: IdentityProviderKind;
  alias: string;
  name: string;
  issuer: string;
  authorization_endpoint: string | null;
  token_endpoint: string | null;
  userinfo_endpoint: string | null;
  client_id: string;
  client_secret_sealed: string | null;
  scopes: string[];
  claim_mapping: Record<string, string> | string;
  email_domains: string[] | null;
  exclusive: boolean;
  jit_provisioning: boolean;
  trust_email_verified: boolean;
  upstream_logout: boolean;
  enabled: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

interface IdentityRow {
  id: string;
  tenant_id: string;
  user_id: string;
  provider_id: string;
  issuer: string;
  subject: string;
  created_at: Date | string;
  last_sign_in_at: Date | string | null;
}

const toProvider = (row: ProviderRow): IdentityProvider =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    alias: row.alias,
    name: row.name,
    issuer: row.issuer,
    authorizationEndpoint: row.authorization_endpoint,
    tokenEndpoint: row.token_endpoint,
    userinfoEndpoint: row.userinfo_endpoint,
    clientId: row.client_id,
    clientSecretSealed: row.client_secret_sealed,
    scopes: Object.freeze([...row.scopes]),
    claimMapping: Object.freeze(
      typeof row.claim_mapping === 'string' ? (JSON.parse(row.claim_mapping) as Record<string, string>) : row.claim_mapping,
    ),
    emailDomains: Object.freeze([...(row.email_domains ?? [])].sort()),
    exclusive: row.exclusive,
    jitProvisioning: row.jit_provisioning,
    trustEmailVerified: row.trust_email_verified,
    upstreamLogout: row.upstream_logout,
    enabled: row.enabled,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });

const toIdentity = (row: IdentityRow): FederatedIdentity =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    providerId: row.provider_id,
    issuer: row.issuer,
    subject: row.subject,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_sign_in_at === null ? null : new Date(row.last_sign_in_at),
  });

const SELECT = `select p.id::text as id, p.tenant_id::text as tenant_id, p.kind, p.alias, p.name, p.issuer, p.authorization_endpoint,
  p.token_endpoint, p.userinfo_endpoint, p.client_id, p.client_secret_sealed, p.scopes, p.claim_mapping, p.exclusive,
  p.jit_provisioning, p.trust_email_verified, p.upstream_logout, p.enabled, p.created_at, p.updated_at,
  array(select d.domain from identity_provider_domains d where d.provider_id = p.id order by d.domain) as email_domains
  from identity_providers p`;

const IDENTITY_COLUMNS =
  'id::text as id, tenant_id::text as tenant_id, user_id::text as user_id, provider_id::text as provider_id, issuer, subject, created_at, last_sign_in_at';

/** Column of each changeable field; `emailDomains` lives in its own table. */
const COLUMN: Record<string, string> = {
  kind: 'kind',
  alias: 'alias',
  name: 'name',
  issuer: 'issuer',
  authorizationEndpoint: 'authorization_endpoint',
  tokenEndpoint: 'token_endpoint',
  userinfoEndpoint: 'userinfo_endpoint',
  clientId: 'client_id',
  clientSecretSealed: 'client_secret_sealed',
  exclusive: 'exclusive',
  jitProvisioning: 'jit_provisioning',
  trustEmailVerified: 'trust_email_verified',
  upstreamLogout: 'upstream_logout',
  enabled: 'enabled',
};

/** {@link IdentityProviderStore} on PostgreSQL: `identity_providers`, `identity_provider_domains`, `federated_identities`. */
export class IdentityProviderRepository implements IdentityProviderStore {
  constructor(private readonly db: Database) {}

  private async one(where: string, params: unknown[]): Promise<IdentityProvider | null> {
    const [row] = await this.db.execute<ProviderRow[]>(`${SELECT} where ${where}`, params);
    return row ? toProvider(row) : null;
  }

  findById(id: string): Promise<IdentityProvider | null> {
    return this.one('p.id = ?::uuid', [id]);
  }

  findByAlias(tenantId: string, alias: string): Promise<IdentityProvider | null> {
    return this.one('p.tenant_id = ?::uuid and p.alias = ?', [tenantId, alias]);
  }

  findByDomain(tenantId: string, domain: string): Promise<IdentityProvider | null> {
    return this.one('p.id = (select provider_id from identity_provider_domains where tenant_id = ?::uuid and domain = ?)', [
      tenantId,
      domain,
    ]);
  }

  async list(tenantId: string): Promise<IdentityProvider[]> {
    const rows = await this.db.execute<ProviderRow[]>(`${SELECT} where p.tenant_id = ?::uuid order by p.alias`, [tenantId]);
    return rows.map(toProvider);
  }

  async insert(provider: NewIdentityProvider): Promise<IdentityProvider> {
    return this.db.run(async () => {
      await this.db.execute(
        `insert into identity_providers (id, tenant_id, kind, alias, name, issuer, authorization_endpoint, token_endpoint, userinfo_endpoint,
           client_id, client_secret_sealed, scopes, claim_mapping, exclusive, jit_provisioning, trust_email_verified, upstream_logout, enabled)
         values (?::uuid, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?::jsonb, ?, ?, ?, ?, ?)`,
        [
          provider.id,
          provider.tenantId,
          provider.kind,
          provider.alias,
          provider.name,
          provider.issuer,
          provider.authorizationEndpoint,
          provider.tokenEndpoint,
          provider.userinfoEndpoint,
          provider.clientId,
          provider.clientSecretSealed,
          JSON.stringify(provider.scopes),
          JSON.stringify(provider.claimMapping),
          provider.exclusive,
          provider.jitProvisioning,
          provider.trustEmailVerified,
          provider.upstreamLogout,
          provider.enabled,
        ],
        'run',
      );
      await this.putDomains(provider.id, provider.tenantId, provider.emailDomains);
      return (await this.findById(provider.id))!;
    });
  }

  async update(id: string, changes: IdentityProviderChanges): Promise<IdentityProvider | null> {
    return this.db.run(async () => {
      const sets: string[] = ['updated_at = now()'];
      const params: unknown[] = [];
      for (const [field, value] of Object.entries(changes)) {
        const column = COLUMN[field];
        if (column && value !== undefined) {
          sets.push(`${column} = ?`);
          params.push(value);
        }
      }
      if (changes.scopes) {
        sets.push('scopes = array(select jsonb_array_elements_text(?::jsonb))');
        params.push(JSON.stringify(changes.scopes));
      }
      if (changes.claimMapping) {
        sets.push('claim_mapping = ?::jsonb');
        params.push(JSON.stringify(changes.claimMapping));
      }
      const rows = await this.db.execute<{ tenant_id: string }[]>(
        `update identity_providers set ${sets.join(', ')} where id = ?::uuid returning tenant_id::text as tenant_id`,
        [...params, id],
      );
      if (rows.length === 0) return null;
      if (changes.emailDomains) {
        await this.db.execute('delete from identity_provider_domains where provider_id = ?::uuid', [id], 'run');
        await this.putDomains(id, rows[0]!.tenant_id, changes.emailDomains);
      }
      return this.findById(id);
    });
  }

  private async putDomains(providerId: string, tenantId: string, domains: readonly string[]): Promise<void> {
    if (domains.length === 0) return;
    await this.db.execute(
      `insert into identity_provider_domains (tenant_id, domain, provider_id)
       select ?::uuid, d, ?::uuid from jsonb_array_elements_text(?::jsonb) d`,
      [tenantId, providerId, JSON.stringify(domains)],
      'run',
    );
  }

  async delete(id: string): Promise<void> {
    await this.db.execute('delete from identity_providers where id = ?::uuid', [id], 'run');
  }

  async findIdentity(providerId: string, issuer: string, subject: string): Promise<FederatedIdentity | null> {
    const [row] = await this.db.execute<IdentityRow[]>(
      `select ${IDENTITY_COLUMNS} from federated_identities where provider_id = ?::uuid and issuer = ? and subject = ?`,
      [providerId, issuer, subject],
    );
    return row ? toIdentity(row) : null;
  }

  async insertIdentity(identity: Omit<FederatedIdentity, 'createdAt' | 'lastUsedAt'>): Promise<FederatedIdentity> {
    const [row] = await this.db.execute<IdentityRow[]>(
      `insert into federated_identities (id, tenant_id, user_id, provider_id, issuer, subject)
       values (?::uuid, ?::uuid, ?::uuid, ?::uuid, ?, ?) returning ${IDENTITY_COLUMNS}`,
      [identity.id, identity.tenantId, identity.userId, identity.providerId, identity.issuer, identity.subject],
    );
    return toIdentity(row!);
  }

  async findIdentityById(id: string): Promise<FederatedIdentity | null> {
    const [row] = await this.db.execute<IdentityRow[]>(`select ${IDENTITY_COLUMNS} from federated_identities where id = ?::uuid`, [id]);
    return row ? toIdentity(row) : null;
  }

  async identitiesOf(userId: string): Promise<FederatedIdentity[]> {
    const rows = await this.db.execute<IdentityRow[]>(
      `select ${IDENTITY_COLUMNS} from federated_identities where user_id = ?::uuid order by created_at, id`,
      [userId],
    );
    return rows.map(toIdentity);
  }

  async deleteIdentity(id: string): Promise<boolean> {
    const rows = await this.db.execute<{ id: string }[]>('delete from federated_identities where id = ?::uuid returning id::text as id', [
      id,
    ]);
    return rows.length > 0;
  }

  async touchIdentity(id: string, at: Date): Promise<void> {
    await this.db.execute('update federated_identities set last_sign_in_at = ? where id = ?::uuid', [at, id], 'run');
  }

  async putSessionUpstream(sessionSid: string, upstream: SessionUpstream): Promise<void> {
    await this.db.execute(
      `insert into browser_session_upstreams (session_sid, provider_id, upstream_sid, upstream_sub, id_token_sealed)
       values (?, ?::uuid, ?, ?, ?)
       on conflict (session_sid) do update set provider_id = excluded.provider_id, upstream_sid = excluded.upstream_sid,
         upstream_sub = excluded.upstream_sub, id_token_sealed = excluded.id_token_sealed, created_at = now()`,
      [sessionSid, upstream.providerId, upstream.upstreamSid, upstream.upstreamSub, upstream.idTokenSealed],
      'run',
    );
  }

  async findSessionUpstream(sessionSid: string): Promise<SessionUpstream | null> {
    const [row] = await this.db.execute<
      { provider_id: string; upstream_sid: string | null; upstream_sub: string; id_token_sealed: string | null }[]
    >(
      'select provider_id::text as provider_id, upstream_sid, upstream_sub, id_token_sealed from browser_session_upstreams where session_sid = ?',
      [sessionSid],
    );
    return row
      ? Object.freeze({
          providerId: row.provider_id,
          upstreamSid: row.upstream_sid,
          upstreamSub: row.upstream_sub,
          idTokenSealed: row.id_token_sealed,
        })
      : null;
  }

  async upstreamSessions(providerId: string, match: UpstreamSessionMatch, now: Date): Promise<string[]> {
    let where: string;
    let params: unknown[];
    if ('userId' in match) [where, params] = ['s.user_id = ?::uuid', [match.userId]];
    else if (match.upstreamSub !== undefined)
      [where, params] = ['u.upstream_sid = ? and u.upstream_sub = ?', [match.upstreamSid, match.upstreamSub]];
    else [where, params] = ['u.upstream_sid = ?', [match.upstreamSid]];
    const rows = await this.db.execute<{ sid: string }[]>(
      `select s.sid from browser_session_upstreams u join browser_sessions s on s.sid = u.session_sid
        where u.provider_id = ?::uuid and ${where} and s.ended_at is null and s.expires_at > ?`,
      [providerId, ...params, now],
    );
    return rows.map((row) => row.sid);
  }
}
