/** How the server talks to an upstream: OpenID Connect (issuer discovered, ID token) or plain OAuth 2.0 with a userinfo URL. */
export type IdentityProviderKind = 'OIDC' | 'OAUTH2';

/** The profile fields an upstream claim may fill on a user created just in time. */
export const MAPPED_FIELDS = ['username', 'email', 'firstname', 'lastname', 'phone'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

/** Upstream claim name per profile field; a field left out takes its default ({@link DEFAULT_CLAIM_MAPPING}). */
export type ClaimMapping = Readonly<Partial<Record<MappedField, string>>>;

export const DEFAULT_CLAIM_MAPPING: Readonly<Record<MappedField, string>> = Object.freeze({
  username: 'preferred_username',
  email: 'email',
  firstname: 'given_name',
  lastname: 'family_name',
  phone: 'phone_number',
});

/** An upstream identity provider of a tenant, as the domain hands it out: the client secret only sealed. */
export interface IdentityProvider {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: IdentityProviderKind;
  /** URL-safe name, unique in the tenant: `{I}/federation/{alias}/callback`. */
  readonly alias: string;
  /** Shown on the sign-in page ("Sign in with …"). */
  readonly name: string;
  /** OIDC: the issuer (discovered from `{issuer}/.well-known/openid-configuration`); OAUTH2: the upstream's name for `iss` of its identities. */
  readonly issuer: string;
  /** OAUTH2 only: the upstream's endpoints. */
  readonly authorizationEndpoint: string | null;
  readonly tokenEndpoint: string | null;
  readonly userinfoEndpoint: string | null;
  readonly clientId: string;
  /** AES-256-GCM under the server secret (purpose `idp-client-secret`); null for a public client (PKCE only). */
  readonly clientSecretSealed: string | null;
  readonly scopes: readonly string[];
  readonly claimMapping: ClaimMapping;
  /** Lower-case email domains whose users this provider signs in (home-realm discovery), unique in the tenant. */
  readonly emailDomains: readonly string[];
  /** Those domains may sign in only through this provider (no password). */
  readonly exclusive: boolean;
  /** Create a user on a first sign-in (true) or refuse it (false). */
  readonly jitProvisioning: boolean;
  /** Believe the upstream's `email_verified: true` for users it creates. */
  readonly trustEmailVerified: boolean;
  /** OIDC: ending a session that came from this provider here also sends the browser to its end_session_endpoint. */
  readonly upstreamLogout: boolean;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A local user's link to an upstream identity: the provider, the upstream `iss` and `sub`. */
export interface FederatedIdentity {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly providerId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly createdAt: Date;
  /** The last sign-in through the link (null: none since it was made). */
  readonly lastUsedAt: Date | null;
}

/** Which upstream sign-in a local browser session came from (its latest federated sign-in). */
export interface SessionUpstream {
  readonly providerId: string;
  /** The upstream session: the ID token's `sid`, when it had one. */
  readonly upstreamSid: string | null;
  /** The upstream `sub` of that sign-in. */
  readonly upstreamSub: string;
  /** The upstream ID token (the `id_token_hint` of an upstream logout), sealed with purpose `upstream-id-token`; null for OAUTH2. */
  readonly idTokenSealed: string | null;
}

/** Which of a provider's local sessions an upstream logout names: by upstream `sid` (and `sub` when given), or by local user. */
export type UpstreamSessionMatch = { readonly upstreamSid: string; readonly upstreamSub?: string } | { readonly userId: string };
