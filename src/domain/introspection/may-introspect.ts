import { isWithinTenant } from '../tenants/tenant-path';

/** The authenticated client asking, as far as the introspection policy needs it. */
export interface IntrospectingClient {
  readonly clientId: string;
  readonly isPublic: boolean;
  /** Path of the client's tenant. */
  readonly tenantPath: string;
}

/** The token being asked about. */
export interface IntrospectedToken {
  /** The client the token was issued to. */
  readonly clientId: string;
  /** Path of the token's tenant. */
  readonly tenantPath: string;
}

/**
 * RFC 7662 §2.1 requires authorization for introspection, and §2.2 answers
 * `active: false` when "the protected resource is not allowed to introspect
 * this particular token". Our policy: a confidential client may introspect
 * tokens of its own tenant and of the tenant's subtree; any other token is
 * *foreign*. A public client, whose authentication is only its `client_id`,
 * may introspect only tokens issued to itself (as node-oidc-provider does).
 */
export function mayIntrospect(client: IntrospectingClient, token: IntrospectedToken): boolean {
  if (client.isPublic) return token.clientId === client.clientId;
  return isWithinTenant(token.tenantPath, client.tenantPath);
}
