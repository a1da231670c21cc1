import type { FederatedIdentity, IdentityProvider, SessionUpstream, UpstreamSessionMatch } from './identity-provider';

export type NewIdentityProvider = Omit<IdentityProvider, 'createdAt' | 'updatedAt'>;
export type IdentityProviderChanges = Partial<Omit<IdentityProvider, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>>;

/** The storage of upstream identity providers and federated identities (src/data/identity-provider.repository.ts). */
export interface IdentityProviderStore {
  findById(id: string): Promise<IdentityProvider | null>;
  findByAlias(tenantId: string, alias: string): Promise<IdentityProvider | null>;
  /** The provider the email `domain` (lower case) routes to in the tenant, or null. */
  findByDomain(tenantId: string, domain: string): Promise<IdentityProvider | null>;
  /** The tenant's providers, by alias. */
  list(tenantId: string): Promise<IdentityProvider[]>;
  /** Inserts the provider and its domains; a taken alias or domain is a unique violation (propagated, marked). */
  insert(provider: NewIdentityProvider): Promise<IdentityProvider>;
  /** Applies `changes` (domains replaced when given); null when there is no such provider. */
  update(id: string, changes: IdentityProviderChanges): Promise<IdentityProvider | null>;
  delete(id: string): Promise<void>;
  findIdentity(providerId: string, issuer: string, subject: string): Promise<FederatedIdentity | null>;
  insertIdentity(identity: Omit<FederatedIdentity, 'createdAt' | 'lastUsedAt'>): Promise<FederatedIdentity>;
  findIdentityById(id: string): Promise<FederatedIdentity | null>;
  /** The user's links, oldest first. */
  identitiesOf(userId: string): Promise<FederatedIdentity[]>;
  /** Removes the link; false when it was already gone. */
  deleteIdentity(id: string): Promise<boolean>;
  /** Records a sign-in through the link. */
  touchIdentity(id: string, at: Date): Promise<void>;
  /** Records (or replaces) the upstream of the open local session `sessionSid`. */
  putSessionUpstream(sessionSid: string, upstream: SessionUpstream): Promise<void>;
  /** The upstream of the local session `sessionSid`, or null (not federated). */
  findSessionUpstream(sessionSid: string): Promise<SessionUpstream | null>;
  /** The public ids of the open (unended, unexpired at `now`) local sessions that came from `providerId` and `match` names. */
  upstreamSessions(providerId: string, match: UpstreamSessionMatch, now: Date): Promise<string[]>;
}
