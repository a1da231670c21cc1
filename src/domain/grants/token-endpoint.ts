import type { AuditLog } from '../audit/audit-log';
import type { ClientService } from '../clients/client.service';
import type { Clock } from '../clock';
import { ensure, errors, isDomainError } from '../errors';
import type { RequestScope } from '../request-scope';
import { styleTokenResponse } from '../compat/style-token-response';
import type { TenantService } from '../tenants/tenant.service';
import type { TokenParams } from './grant-context';
import type { PresentedClientCredentials } from '../clients/presented-client-credentials';
import type { GrantRegistry } from './grant-registry';
import type { TokenResponse } from './token-response';
import type { DpopPresentation, DpopProofs } from '../dpop/dpop-proofs';
import { ensureGrantAllowed, profileRequirements } from '../profiles/security-profile';

/**
 * RFC 6749 §3.2 token endpoint, transport-free: authenticates the client,
 * picks the grant handler and checks the client may use it. `/token`,
 * `/connect/token` and the seed shims all call this.
 */
export class TokenEndpoint {
  constructor(
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    private readonly grants: GrantRegistry,
    private readonly clock: Clock,
    private readonly audit?: AuditLog,
    private readonly dpop?: DpopProofs,
  ) {}

  /**
   * Issues tokens, or throws the RFC 6749 §5.2 error. A refused request leaves
   * an audit event (queued: no database round trip on the request path); a
   * success does not, so issuing stays write-free.
   */
  async exchange(
    credentials: PresentedClientCredentials | null,
    params: TokenParams,
    scope?: RequestScope,
    /** The request's DPoP header, method and URL (RFC 9449 §5), when the transport has them. */
    dpop?: DpopPresentation,
  ): Promise<TokenResponse> {
    let tenantPath = '/';
    try {
      return await this.issue(
        credentials,
        params,
        scope,
        (path) => {
          tenantPath = path;
          if (scope) scope.tenantPath = path;
        },
        dpop,
      );
    } catch (error) {
      if (isDomainError(error) && error.code !== 'service_unavailable') {
        const record = (path: string) =>
          this.audit?.record({
            action: 'token',
            outcome: 'failure',
            tenantPath: path,
            actorKind: 'client',
            actorId: credentials?.clientId ?? null,
            actorClientId: credentials?.clientId ?? null,
            targetKind: 'grant_type',
            targetId: params.grant_type ?? null,
            clientIp: scope?.clientIp ?? null,
            requestId: scope?.requestId ?? null,
            detail: { error: error.code },
          });
        // A client that failed to authenticate is audited under its own tenant, unknown client_ids under `/`;
        // the answer does not wait for that lookup, so its time tells nothing about the client_id.
        if (tenantPath === '/' && credentials?.clientId && this.audit) {
          void this.clients
            .auditTenantPathOf(credentials.clientId)
            .then(record, () => record('/'))
            .catch(() => undefined);
        } else {
          record(tenantPath);
        }
      }
      throw error;
    }
  }

  private async issue(
    credentials: PresentedClientCredentials | null,
    params: TokenParams,
    scope: RequestScope | undefined,
    located: (tenantPath: string) => void,
    dpop: DpopPresentation | undefined,
  ): Promise<TokenResponse> {
    const grantType = params.grant_type;
    ensure(grantType, () => errors.invalidRequest('grant_type is required', 'grant_type'));
    ensure(credentials, () => errors.invalidClient('client authentication required'));
    const client = await this.clients.authenticate(credentials, scope);
    if (scope) scope.clientId = client.clientId;
    const tenant = await this.tenants.findById(client.tenantId);
    ensure(tenant, () => errors.invalidClient());
    located(tenant.path);
    const handler = this.grants.find(grantType);
    ensure(handler, () => errors.unsupportedGrantType(grantType));
    ensure(client.grantTypes.includes(grantType), () =>
      errors.unauthorizedClient(`client ${client.clientId} may not use grant_type ${grantType}`),
    );
    // The security profile the client is held to (its own or its tenant's): FAPI2 refuses e.g. the password grant.
    const required = profileRequirements(tenant, client);
    ensureGrantAllowed(required, grantType);
    // Public clients cannot keep a secret: each grant declares whether they may use it (RFC 9700 §2.4, §4.14).
    ensure(!client.isPublic || handler.declaration.publicClients, () =>
      errors.unauthorizedClient(`public clients may not use grant_type ${grantType}`),
    );
    // RFC 9449 §5: a proof binds the tokens to its key; a client registered with dpop_bound_access_tokens must send one (§5.2).
    // Under FAPI2 every token request carries one (sender-constrained tokens, FAPI 2.0 §5.3.2.1), with the profile's algorithms.
    const dpopJkt =
      dpop?.proof !== undefined && this.dpop
        ? await this.dpop.verify(dpop, { algorithms: required.jwsAlgorithms, maxFutureSeconds: required.jwtMaxFutureSeconds })
        : undefined;
    ensure(dpopJkt || !(client.dpopBoundAccessTokens || required.dpop), () =>
      errors.invalidRequest('this client must send a DPoP proof', 'DPoP'),
    );
    return styleTokenResponse(client, await handler.handle({ client, tenant, clock: this.clock, scope, dpopJkt }, params));
  }
}
