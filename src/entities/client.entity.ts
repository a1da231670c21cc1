import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { SecurityProfile } from '../domain/profiles/security-profiles';

/** An OAuth client registered in one tenant. The secret is kept only as a keyed digest. */
@Entity({ tableName: 'clients' })
export class ClientEntity {
  [OptionalProps]?:
    | 'secretDigest'
    | 'isPublic'
    | 'redirectUris'
    | 'postLogoutRedirectUris'
    | 'grantTypes'
    | 'allowedScopes'
    | 'firstParty'
    | 'accessTokenLifetime'
    | 'refreshTokenLifetime'
    | 'responseStyle'
    | 'tokenExchangeImpersonation'
    | 'tokenExchangeDelegation'
    | 'tokenExchangeSubtree'
    | 'dpopBoundAccessTokens'
    | 'requirePushedAuthorizationRequests'
    | 'requireSignedRequestObject'
    | 'securityProfile'
    | 'enabled'
    | 'tokenEndpointAuthMethod'
    | 'jwks'
    | 'jwksUri'
    | 'backchannelLogoutUri'
    | 'backchannelLogoutSessionRequired'
    | 'secretSealed'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Index()
  tenantId!: string;

  @Property({ type: 'text', unique: true })
  clientId!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true, lazy: true })
  secretDigest: string | null = null;

  /** Public clients authenticate with `none` and must use PKCE S256. */
  @Property({ type: 'boolean' })
  isPublic = false;

  @Property({ type: 'text[]' })
  redirectUris: string[] = [];

  /** OIDC RP-Initiated Logout 1.0 `post_logout_redirect_uris`. */
  @Property({ type: 'text[]' })
  postLogoutRedirectUris: string[] = [];

  @Property({ type: 'text[]' })
  grantTypes: string[] = ['client_credentials'];

  @Property({ type: 'text[]' })
  allowedScopes: string[] = [];

  @Property({ type: 'boolean' })
  firstParty = false;

  /** Maximum access token lifetime in seconds. */
  @Property({ type: 'integer' })
  accessTokenLifetime = 3600;

  @Property({ type: 'integer' })
  refreshTokenLifetime = 30 * 24 * 3600;

  /** `seed001` adds `"status": "SUCCESS"` to token responses (seed 001 clients). */
  @Property({ type: 'text' })
  responseStyle: 'standard' | 'seed001' = 'standard';

  /** RFC 8693 token exchange allowance (src/domain/clients/token-exchange-policy.ts): impersonation. */
  @Property({ type: 'boolean' })
  tokenExchangeImpersonation = false;

  /** RFC 8693 token exchange allowance: delegation (an actor token, `act` claim). */
  @Property({ type: 'boolean' })
  tokenExchangeDelegation = false;

  /** RFC 8693 token exchange allowance: tokens of descendant tenants too. */
  @Property({ type: 'boolean' })
  tokenExchangeSubtree = false;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: token requests without a DPoP proof are refused. */
  @Property({ type: 'boolean' })
  dpopBoundAccessTokens = false;
  /** RFC 9126 §6: this client's authorization requests must be pushed first (`/par`). */
  @Property({ type: 'boolean' })
  requirePushedAuthorizationRequests = false;
  /** RFC 9101 `require_signed_request_object`: authorization requests only as signed request objects. */
  @Property({ type: 'boolean' })
  requireSignedRequestObject = false;

  /** The client's own security profile (`NONE` defers to its tenant's, or `FAPI2`). */
  @Property({ type: 'text' })
  securityProfile: SecurityProfile = 'NONE';

  @Property({ type: 'boolean' })
  enabled = true;

  /** RFC 7591 `token_endpoint_auth_method` (src/domain/clients/client.ts). */
  @Property({ type: 'text' })
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none' =
    'client_secret_basic';

  /** The registered public JWK Set, as JSON text (exclusive with `jwksUri`). */
  @Property({ type: 'text', nullable: true })
  jwks: string | null = null;

  @Property({ type: 'text', nullable: true })
  jwksUri: string | null = null;

  /** OIDC Back-Channel Logout 1.0 `backchannel_logout_uri`. */
  @Property({ type: 'text', nullable: true })
  backchannelLogoutUri: string | null = null;

  /** OIDC Back-Channel Logout 1.0 `backchannel_logout_session_required`. */
  @Property({ type: 'boolean' })
  backchannelLogoutSessionRequired = false;

  /** A `client_secret_jwt` client's secret, sealed with the server secret (AES-256-GCM); null for every other method. */
  @Property({ type: 'text', nullable: true, lazy: true })
  secretSealed: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
