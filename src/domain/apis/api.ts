/** A permission an API declares: a scope name (RFC 6749 §3.3 scope-token) and what it allows. */
export interface ApiPermission {
  readonly name: string;
  readonly description: string;
}

/**
 * An API (a resource server) of a tenant, addressed in token requests by its
 * identifier (RFC 8707 `resource`), which becomes the `aud` of its access tokens.
 */
export interface Api {
  readonly id: string;
  readonly tenantId: string;
  /** An absolute URI without fragment (RFC 8707 §2); unique within the tenant. */
  readonly identifier: string;
  readonly name: string;
  /** In the order declared; names unique within the API. */
  readonly permissions: readonly ApiPermission[];
  /** Upper bound, in seconds, of the lifetime of access tokens for this API. */
  readonly accessTokenLifetime: number;
  /** Whether clients of the tenant's descendants may ask for tokens for it (and their roles grant its permissions). */
  readonly acceptsChildTenants: boolean;
  /** The tenant's default API: the target of token requests without `resource`. At most one per tenant. */
  readonly isDefault: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
