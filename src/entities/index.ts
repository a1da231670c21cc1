import { AuditEventEntity } from './audit-event.entity';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { BrowserSessionEntity } from './browser-session.entity';
import { ClientEntity } from './client.entity';
import { ConsentEntity } from './consent.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RevokedTokenEntity } from './revoked-token.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { TenantEntity } from './tenant.entity';
import { TokenFamilyEntity } from './token-family.entity';
import { UserEntity } from './user.entity';

/** Every entity, for MikroORM discovery (no folder scanning). */
export const entities = [
  TenantEntity,
  ClientEntity,
  UserEntity,
  SigningKeyEntity,
  TokenFamilyEntity,
  RefreshTokenEntity,
  AuthorizationCodeEntity,
  RevokedTokenEntity,
  BrowserSessionEntity,
  ConsentEntity,
  AuditEventEntity,
];
