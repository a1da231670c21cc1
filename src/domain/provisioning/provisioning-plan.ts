import type { MfaPolicy } from '../mfa/second-factor-policy';
import type { SigningAlgorithm } from '../keys/signing-algorithm';
import type { SecurityProfile } from '../profiles/security-profiles';
import type { ApiPermission } from '../apis/api';
import type { ClientSettings } from '../clients/validate-client-settings';

/**
 * A validated provisioning file (docs/provisioning.schema.json), every default
 * filled in: the desired state of each tenant, API, role, client and user it names.
 * `at` is the JSON path of the entry in the file, for error messages.
 */
export interface ProvisioningPlan {
  tenants: PlannedTenant[];
}

export interface PlannedTenant {
  at: string;
  path: string;
  name: string;
  signingAlgorithm: SigningAlgorithm;
  allowSelfSignup: boolean;
  allowOpenClientRegistration: boolean;
  requirePushedAuthorizationRequests: boolean;
  securityProfile: SecurityProfile;
  /** Second factor policy; default OPTIONAL. */
  mfaPolicy: MfaPolicy;
  /** With REQUIRED: the roles whose holders must use a second factor (sorted); empty: everyone. */
  mfaRequiredRoles: string[];
  refreshReuseGraceSeconds: number;
  /** Scheduled signing-key rotation every this many days; 0: manual only. */
  keyRotationDays: number;
  /** How long a new signing key is published before it signs (seconds). */
  keyPublicationSeconds: number;
  apis: PlannedApi[];
  roles: PlannedRole[];
  clients: PlannedClient[];
  users: PlannedUser[];
  /** Upstream identity providers, matched on their alias (issue 23). */
  identityProviders: PlannedIdentityProvider[];
}

export interface PlannedIdentityProvider {
  at: string;
  kind: 'OIDC' | 'OAUTH2';
  alias: string;
  name: string;
  issuer: string;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
  clientId: string;
  /** Replaces the stored secret; null keeps an existing provider's secret. */
  clientSecret: string | null;
  scopes: string[];
  claimMapping: Readonly<Record<string, string>>;
  emailDomains: string[];
  exclusive: boolean;
  jitProvisioning: boolean;
  trustEmailVerified: boolean;
  upstreamLogout: boolean;
  enabled: boolean;
}

/** An API (resource server) of the tenant, matched on its identifier. */
export interface PlannedApi {
  at: string;
  identifier: string;
  name: string;
  /** The whole list, in order: permissions not in it leave the API (and every role). */
  permissions: ApiPermission[];
  accessTokenLifetime: number;
  acceptsChildTenants: boolean;
  isDefault: boolean;
}

/** A role of the tenant, matched on its name. */
export interface PlannedRole {
  at: string;
  name: string;
  description: string;
  /** The whole list: `api` is an identifier of the tenant's API or of an ancestor's that accepts child tenants. */
  permissions: { api: string; permission: string }[];
}

export interface PlannedClient {
  at: string;
  clientId: string;
  name: string;
  isPublic: boolean;
  /** The secret to hold; null keeps an existing client's secret (and is refused for a new confidential client). */
  clientSecret: string | null;
  settings: ClientSettings;
  enabled: boolean;
  /** Role names of the tenant the client holds exactly; null leaves its roles as they are. */
  roles: string[] | null;
}

interface PlannedUserProfile {
  email: string | null;
  phone: string | null;
  firstname: string | null;
  lastname: string | null;
}

export interface PlannedUser {
  at: string;
  username: string;
  /** NFKC-normalised; null keeps an existing user's password (and is refused for a new user). */
  password: string | null;
  profile: PlannedUserProfile;
  enabled: boolean;
  /** Role names of the tenant (`admin`: the admin flag) the user holds exactly; null leaves its roles as they are. */
  roles: string[] | null;
}

/** What applying a plan did, per kind of entry. */
interface ProvisioningCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ProvisioningReport {
  tenants: ProvisioningCounts;
  apis: ProvisioningCounts;
  roles: ProvisioningCounts;
  clients: ProvisioningCounts;
  users: ProvisioningCounts;
  identityProviders: ProvisioningCounts;
}

/** A report with every count at zero. */
export const emptyReport = (): ProvisioningReport => ({
  tenants: { created: 0, updated: 0, unchanged: 0 },
  apis: { created: 0, updated: 0, unchanged: 0 },
  roles: { created: 0, updated: 0, unchanged: 0 },
  clients: { created: 0, updated: 0, unchanged: 0 },
  users: { created: 0, updated: 0, unchanged: 0 },
  identityProviders: { created: 0, updated: 0, unchanged: 0 },
});

/** Tenants with parents before children, whatever their order in the file. */
export const parentsFirst = (tenants: readonly PlannedTenant[]): PlannedTenant[] =>
  [...tenants].sort((a, b) => depth(a.path) - depth(b.path));

const depth = (path: string): number => (path === '/' ? 0 : path.split('/').length - 1);
