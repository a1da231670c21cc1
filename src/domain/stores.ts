import type { SealedValueStore } from './crypto/sealed-value-store';
import type { ApiStore } from './apis/api-store';
import type { AuditStore } from './audit/audit-store';
import type { ClientStore } from './clients/client-store';
import type { ConsentStore } from './consents/consent-store';
import type { DeviceStore } from './device-token-sets/device-store';
import type { DeviceAuthorizationStore } from './device-authorization/device-authorization-store';
import type { AuthorizationCodeStore } from './grants/authorization-code-store';
import type { SigningKeyStore } from './keys/signing-key-store';
import type { AccountTokenStore } from './mail/account-token-store';
import type { MailOutboxStore } from './mail/mail-outbox-store';
import type { BackchannelLogoutStore } from './sessions/backchannel-logout-store';
import type { MailTemplateStore } from './mail/mail-template-store';
import type { MaintenanceStore } from './maintenance/maintenance-store';
import type { RevocationStore } from './revocation/revocation-store';
import type { ReplayStore } from './replay/replay-store';
import type { ClientRegistrationStore, InitialAccessTokenStore } from './registration/registration-store';
import type { RoleStore } from './roles/role-store';
import type { ScimDirectoryStore, ScimTokenStore } from './scim/scim-store';
import type { SecondFactorStore } from './mfa/second-factor-store';
import type { PasskeyStore } from './passkeys/passkey-store';
import type { BrowserSessionStore } from './sessions/browser-session-store';
import type { TenantStore } from './tenants/tenant-store';
import type { RateLimitStore } from './throttle/rate-limit-store';
import type { RefreshTokenStore } from './tokens/refresh-token-store';
import type { Transactions } from './transactions';
import type { WebhookStore } from './webhooks/webhook-store';
import type { UserStore } from './users/user-store';
import type { IdentityProviderStore } from './federation/identity-provider-store';

/**
 * Every storage port the domain is built from, one per aggregate, each
 * declared beside its service (in the style of fosite's `handler/oauth2/storage.go`
 * and Hydra's `client/manager.go`). The data layer's `createRepositories(db)`
 * satisfies it structurally; the domain never names an implementation.
 */
export interface DomainStores {
  readonly tenants: TenantStore;
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly signingKeys: SigningKeyStore;
  /** Every value sealed or keyed under SECRET_KEYS (start-up check, `secrets rotate`). */
  readonly sealedValues: SealedValueStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly revocations: RevocationStore;
  readonly devices: DeviceStore;
  readonly consents: ConsentStore;
  readonly browserSessions: BrowserSessionStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  readonly maintenance: MaintenanceStore;
  readonly audit: AuditStore;
  readonly rateLimits: RateLimitStore;
  readonly apis: ApiStore;
  readonly roles: RoleStore;
  /** Single-use identifiers (assertion and proof `jti`, `request_uri`), shared by every process. */
  readonly replays: ReplayStore;
  /** Initial access tokens for dynamic client registration (RFC 7591 §3). */
  readonly initialAccessTokens: InitialAccessTokenStore;
  /** The registrations of dynamically registered clients (RFC 7592). */
  readonly clientRegistrations: ClientRegistrationStore;
  /** RFC 8628 device authorization requests (not seed 002's device token sets, which are `devices`). */
  readonly deviceAuthorizations: DeviceAuthorizationStore;
  /** TOTP factors and recovery codes (issue 22). */
  readonly secondFactors: SecondFactorStore;
  readonly passkeys: PasskeyStore;
  /** Mail the server owes, delivered by the outbox worker (src/domain/mail). */
  readonly mailOutbox: MailOutboxStore;
  /** Single-use links mailed to users (password reset), as digests. */
  readonly accountTokens: AccountTokenStore;
  /** Tenants' own mail templates. */
  readonly mailTemplates: MailTemplateStore;
  /** SCIM bearer tokens of tenants (src/domain/scim). */
  readonly scimTokens: ScimTokenStore;
  /** What SCIM provisioning reads and writes besides users and roles: external ids, role members. */
  readonly scimDirectory: ScimDirectoryStore;
  /** Logout tokens owed to clients of ended sessions (OIDC Back-Channel Logout), delivered by its worker. */
  readonly backchannelLogouts: BackchannelLogoutStore;
  /** Upstream identity providers and federated identities (issue 23). */
  readonly identityProviders: IdentityProviderStore;
  /** Tenants' event webhooks and their delivery outbox (src/domain/webhooks). */
  readonly webhooks: WebhookStore;
  /** Runs work in one database transaction (see {@link Transactions}). */
  readonly transactions: Transactions;
}
