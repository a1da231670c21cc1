import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { ClientService } from '../clients/client.service';
import { ensure, errors } from '../errors';
import type { RequestScope } from '../request-scope';
import type { PresentedClientCredentials } from '../clients/presented-client-credentials';
import type { FoundToken, TokenFinder } from '../tokens/token-finder';
import type { ActorClaim } from '../tokens/access-token-claims';
import type { TenantService } from '../tenants/tenant.service';
import { tenantIssuer } from '../issuers/tenant-issuer';
import { mayIntrospect } from './may-introspect';

/** Form parameters of an introspection request (RFC 7662 §2.1). */
export interface IntrospectionParams {
  readonly token?: string;
  readonly token_type_hint?: string;
}

/** RFC 7662 §2.2: exactly `{ "active": false }`, or `active: true` with the token's metadata. */
export type IntrospectionResponse =
  { active: false } | ({ active: true } & Record<string, string | number | boolean | string[] | ActorClaim | { readonly jkt: string }>);

const INACTIVE: IntrospectionResponse = Object.freeze({ active: false as const });

/**
 * RFC 7662 token introspection. The caller must authenticate as a client
 * (`invalid_client` otherwise). Anything expired, revoked, malformed, unknown
 * or foreign (see {@link mayIntrospect}) is answered with exactly
 * `{ "active": false }`, never saying why (§2.2 SHOULD NOT).
 */
export class TokenIntrospector {
  constructor(
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    private readonly finder: TokenFinder,
    /** The server's `ISSUER`; a refresh token's `iss` is its client's tenant issuer under it. */
    private readonly issuerBase: string,
  ) {}

  /** Answered at once, without a promise, when the client, the tenant and the token's checks are all cached. */
  introspect(
    credentials: PresentedClientCredentials | null,
    params: IntrospectionParams,
    scope?: RequestScope,
  ): MaybePromise<IntrospectionResponse> {
    ensure(credentials, () => errors.invalidClient('client authentication required'));
    return mapMaybePromise(this.clients.authenticate(credentials, scope), (client) => {
      if (scope) scope.clientId = client.clientId;
      const token = params.token;
      ensure(token, () => errors.invalidRequest('token is required', 'token'));
      return mapMaybePromise(this.tenants.findById(client.tenantId), (clientTenant) => {
        ensure(clientTenant, () => errors.invalidClient());
        return mapMaybePromise(this.finder.find(token, params.token_type_hint), (found): MaybePromise<IntrospectionResponse> => {
          if (!found?.active) return INACTIVE;
          const caller = { clientId: client.clientId, isPublic: client.isPublic, tenantPath: clientTenant.path };
          if (!mayIntrospect(caller, { clientId: found.clientId, tenantPath: found.tenant.path })) return INACTIVE;
          return found.kind === 'access_token' ? this.describeAccess(found) : this.describeRefresh(found);
        });
      });
    });
  }

  private describeAccess(found: Extract<FoundToken, { kind: 'access_token' }>): IntrospectionResponse {
    const { claims } = found;
    const username = found.user?.username;
    return {
      active: true,
      iss: claims.iss,
      sub: claims.sub,
      aud: claims.aud,
      client_id: claims.client_id,
      scope: claims.scope,
      // RFC 9449 §6.2: a DPoP-bound token is of type DPoP and carries its key's thumbprint.
      token_type: claims.cnf ? 'DPoP' : 'Bearer',
      ...(claims.cnf ? { cnf: { jkt: claims.cnf.jkt } } : {}),
      iat: claims.iat,
      exp: claims.exp,
      jti: claims.jti,
      tenant: claims.tenant,
      ...(username ? { username } : {}),
      ...(claims.device_id ? { device_id: claims.device_id } : {}),
      // RFC 8693 §4.1: who acts for the subject (a token exchanged by delegation).
      ...(claims.act ? { act: claims.act } : {}),
    };
  }

  /** A refresh token's `iss`: the issuer of its client's tenant (see issuing-tenant.ts); inactive when the client is gone. */
  private describeRefresh(found: Extract<FoundToken, { kind: 'refresh_token' }>): MaybePromise<IntrospectionResponse> {
    return mapMaybePromise(this.clients.findByClientId(found.clientId), (client) =>
      mapMaybePromise(client ? this.tenants.findById(client.tenantId) : null, (issuing) =>
        issuing ? this.refreshResponse(found, tenantIssuer(this.issuerBase, issuing.path)) : INACTIVE,
      ),
    );
  }

  private refreshResponse(found: Extract<FoundToken, { kind: 'refresh_token' }>, iss: string): IntrospectionResponse {
    const { record } = found;
    const username = record.user?.username;
    const exp = record.expiresAt ? Math.floor(record.expiresAt.getTime() / 1000) : undefined;
    return {
      active: true,
      iss,
      sub: record.userId ?? record.clientId,
      client_id: record.clientId,
      scope: record.scopes.join(' '),
      iat: Math.floor(record.createdAt.getTime() / 1000),
      ...(exp !== undefined ? { exp } : {}),
      tenant: found.tenant.path,
      ...(username ? { username } : {}),
    };
  }
}
