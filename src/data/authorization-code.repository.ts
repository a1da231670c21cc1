import type { AuthorizationCode, AuthorizationCodeStore, NewAuthorizationCode } from '../domain/grants/authorization-code-store';
import { AuthorizationCodeEntity } from '../entities/authorization-code.entity';
import type { Database } from './database';

const toAuthorizationCode = (entity: AuthorizationCodeEntity): AuthorizationCode =>
  Object.freeze({
    codeHash: entity.codeHash,
    tenantId: entity.tenantId,
    clientId: entity.clientId,
    userId: entity.userId,
    redirectUri: entity.redirectUri,
    scopes: Object.freeze([...entity.scopes]),
    resources: Object.freeze([...(entity.resources ?? [])]),
    codeChallenge: entity.codeChallenge,
    codeChallengeMethod: entity.codeChallengeMethod,
    nonce: entity.nonce,
    dpopJkt: entity.dpopJkt ?? null,
    authTime: entity.authTime,
    amr: Object.freeze([...(entity.amr ?? [])]),
    acr: entity.acr ?? null,
    sessionSid: entity.sessionSid ?? null,
    expiresAt: entity.expiresAt,
    consumedAt: entity.consumedAt,
    familyId: entity.familyId,
    accessTokenJti: entity.accessTokenJti,
  });

/** {@link AuthorizationCodeStore} on PostgreSQL: authorization codes, by the SHA-256 of their value. */
export class AuthorizationCodeRepository implements AuthorizationCodeStore {
  constructor(private readonly db: Database) {}

  async insert(code: NewAuthorizationCode): Promise<void> {
    const em = this.db.em();
    em.create(AuthorizationCodeEntity, {
      ...code,
      scopes: [...code.scopes],
      resources: [...(code.resources ?? [])],
      dpopJkt: code.dpopJkt ?? null,
      amr: [...(code.amr ?? [])],
      acr: code.acr ?? null,
      sessionSid: code.sessionSid ?? null,
    });
    await em.flush();
  }

  async findByHash(codeHash: string): Promise<AuthorizationCode | null> {
    const entity = await this.db.em().findOne(AuthorizationCodeEntity, { codeHash });
    return entity ? toAuthorizationCode(entity) : null;
  }

  async consume(codeHash: string, consumedAt: Date, familyId: string, accessTokenJti: string): Promise<boolean> {
    const updated = await this.db
      .em()
      .nativeUpdate(AuthorizationCodeEntity, { codeHash, consumedAt: null }, { consumedAt, familyId, accessTokenJti });
    return updated === 1;
  }
}
