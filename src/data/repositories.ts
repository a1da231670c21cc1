import { SealedValueRepository } from './sealed-value.repository';
import { AccountTokenRepository } from './account-token.repository';
import { ApiRepository } from './api.repository';
import { AuditEventRepository } from './audit-event.repository';
import { AuthorizationCodeRepository } from './authorization-code.repository';
import { BrowserSessionRepository } from './browser-session.repository';
import { ClientRepository } from './client.repository';
import { ConsentRepository } from './consent.repository';
import type { DomainStores } from '../domain/stores';
import type { Database } from './database';
import { DeviceRepository } from './device.repository';
import { DeviceAuthorizationRepository } from './device-authorization.repository';
import { MailOutboxRepository } from './mail-outbox.repository';
import { BackchannelLogoutRepository } from './backchannel-logout.repository';
import { MailTemplateRepository } from './mail-template.repository';
import { MaintenanceRepository } from './maintenance.repository';
import { RateLimitRepository } from './rate-limit.repository';
import { ClientRegistrationRepository, InitialAccessTokenRepository } from './registration.repository';
import { PasskeyRepository } from './passkey.repository';
import { ReplayRepository } from './replay.repository';
import { ScimDirectoryRepository, ScimTokenRepository } from './scim.repository';
import { RefreshTokenRepository } from './refresh-token.repository';
import { RevocationRepository } from './revocation.repository';
import { RoleRepository } from './role.repository';
import { SecondFactorRepository } from './second-factor.repository';
import { SigningKeyRepository } from './signing-key.repository';
import { TenantRepository } from './tenant.repository';
import { UserRepository } from './user.repository';
import { IdentityProviderRepository } from './identity-provider.repository';
import { WebhookRepository } from './webhook.repository';

/**
 * One repository per aggregate; every ORM query and SQL statement of the server lives in one of them.
 * Satisfies the domain's ports, `DomainStores` (src/domain/stores.ts).
 */
export function createRepositories(db: Database) {
  return {
    tenants: new TenantRepository(db),
    clients: new ClientRepository(db),
    users: new UserRepository(db),
    signingKeys: new SigningKeyRepository(db),
    sealedValues: new SealedValueRepository(db),
    refreshTokens: new RefreshTokenRepository(db),
    revocations: new RevocationRepository(db),
    devices: new DeviceRepository(db),
    consents: new ConsentRepository(db),
    browserSessions: new BrowserSessionRepository(db),
    authorizationCodes: new AuthorizationCodeRepository(db),
    maintenance: new MaintenanceRepository(db),
    audit: new AuditEventRepository(db),
    rateLimits: new RateLimitRepository(db),
    apis: new ApiRepository(db),
    roles: new RoleRepository(db),
    replays: new ReplayRepository(db),
    initialAccessTokens: new InitialAccessTokenRepository(db),
    clientRegistrations: new ClientRegistrationRepository(db),
    deviceAuthorizations: new DeviceAuthorizationRepository(db),
    secondFactors: new SecondFactorRepository(db),
    passkeys: new PasskeyRepository(db),
    mailOutbox: new MailOutboxRepository(db),
    accountTokens: new AccountTokenRepository(db),
    mailTemplates: new MailTemplateRepository(db),
    scimTokens: new ScimTokenRepository(db),
    scimDirectory: new ScimDirectoryRepository(db),
    backchannelLogouts: new BackchannelLogoutRepository(db),
    identityProviders: new IdentityProviderRepository(db),
    webhooks: new WebhookRepository(db),
    transactions: db,
  } satisfies DomainStores;
}
