import type { AuthorizationCode, AuthorizationCodeStore, NewAuthorizationCode } from '../domain/grants/authorization-code-store';
import { AuthorizationCodeEntity } from '../entities/authorization-code.entity';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';

const textArray = (n: number) => `array(select json_array_elements_text($${n}::json))`;

/**
 * The code, and in the same statement (one round trip, one commit) the link of its session to the
 * client it was issued to (`browser_session_clients`, idempotent), when the caller names that client.
 */
const INSERT = preparedStatement(
  'authorization_code_insert',
  `with code as (
     insert into authorization_codes (code_hash, tenant_id, client_id, user_id, redirect_uri, scopes, resources, code_challenge,
       code_challenge_method, nonce, dpop_jkt, auth_time, amr, acr, session_sid, expires_at, created_at)
     values ($1, $2::uuid, $3, $4::uuid, $5, ${textArray(6)}, ${textArray(7)}, $8, $9, $10, $11, $12::timestamptz, ${textArray(13)}, $14, $15,
       $16::timestamptz, $17::timestamptz)
     returning session_sid
   )
   insert into browser_session_clients (session_sid, client_id)
   select code.session_sid, $18::uuid from code where code.session_sid is not null and $18::uuid is not null
   on conflict do nothing`,
);

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

  /** One statement (the session-client link with it, see {@link INSERT}), no ORM unit of work. */
  async insert(code: NewAuthorizationCode): Promise<void> {
    await this.db.rows(INSERT, [
      code.codeHash,
      code.tenantId,
      code.clientId,
      code.userId,
      code.redirectUri,
      JSON.stringify(code.scopes),
      JSON.stringify(code.resources ?? []),
      code.codeChallenge,
      code.codeChallengeMethod,
      code.nonce,
      code.dpopJkt ?? null,
      code.authTime,
      JSON.stringify(code.amr ?? []),
      code.acr ?? null,
      code.sessionSid ?? null,
      code.expiresAt,
      new Date(),
      code.sessionClientId ?? null,
    ]);
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
