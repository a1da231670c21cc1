import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * RFC 6749 §4.1.2 authorization code, stored only as its SHA-256; single use,
 * at most 60 s, bound to client, redirect_uri and PKCE challenge (RFC 7636).
 * `familyId` and `accessTokenJti` record what the first redemption issued, so a
 * replay can revoke it (§4.1.2, RFC 9700 §4.2.4).
 */
@Entity({ tableName: 'authorization_codes' })
export class AuthorizationCodeEntity {
  [OptionalProps]?:
    | 'codeChallenge'
    | 'codeChallengeMethod'
    | 'nonce'
    | 'consumedAt'
    | 'familyId'
    | 'accessTokenJti'
    | 'createdAt'
    | 'resources'
    | 'dpopJkt'
    | 'amr'
    | 'acr'
    | 'sessionSid';

  @PrimaryKey({ type: 'text' })
  codeHash!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'text' })
  clientId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text' })
  redirectUri!: string;

  @Property({ type: 'text[]' })
  scopes!: string[];

  /** RFC 8707 resources of the authorization request (API identifiers). */
  @Property({ type: 'text[]' })
  resources: string[] = [];

  @Property({ type: 'text', nullable: true })
  codeChallenge: string | null = null;

  /** Only `S256` is accepted. */
  @Property({ type: 'text', nullable: true })
  codeChallengeMethod: string | null = null;

  @Property({ type: 'text', nullable: true })
  nonce: string | null = null;

  /** RFC 9449 §10 `dpop_jkt` of the authorization request: the code redeems only with a proof of that key. */
  @Property({ type: 'text', nullable: true })
  dpopJkt: string | null = null;

  @Property({ type: 'timestamptz' })
  authTime!: Date;

  /** RFC 8176 methods of the sign-in behind the code. */
  @Property({ type: 'text[]' })
  amr: string[] = [];

  @Property({ type: 'text', nullable: true })
  acr: string | null = null;

  /** The browser session the code was issued under (`browser_sessions.sid`). */
  @Property({ type: 'text', nullable: true })
  sessionSid: string | null = null;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  consumedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  familyId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  accessTokenJti: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
