import type { ClientService } from '../clients/client.service';
import type { Clock } from '../clock';
import { ensure, errors } from '../errors';
import type { RequestScope } from '../request-scope';
import { styleTokenResponse } from '../seeds/seed001-token-response';
import type { TenantService } from '../tenants/tenant.service';
import type { TokenParams } from './grant-context';
import type { PresentedClientCredentials } from '../clients/presented-client-credentials';
import type { GrantRegistry } from './registry';
import type { TokenResponse } from './token-response';

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
  ) {}

  async exchange(credentials: PresentedClientCredentials | null, params: TokenParams, scope?: RequestScope): Promise<TokenResponse> {
    const grantType = params.grant_type;
    ensure(grantType, () => errors.invalidRequest('grant_type is required', 'grant_type'));
    ensure(credentials, () => errors.invalidClient('client authentication required'));
    const client = await this.clients.authenticate(credentials.clientId, credentials.clientSecret, scope);
    if (scope) scope.clientId = client.clientId;
    const handler = this.grants.find(grantType);
    ensure(handler, () => errors.unsupportedGrantType(grantType));
    ensure(client.grantTypes.includes(grantType), () =>
      errors.unauthorizedClient(`client ${client.clientId} may not use grant_type ${grantType}`),
    );
    // Public clients cannot keep a secret: each grant declares whether they may use it (RFC 9700 §2.4, §4.14).
    ensure(!client.isPublic || handler.declaration.publicClients, () =>
      errors.unauthorizedClient(`public clients may not use grant_type ${grantType}`),
    );
    const tenant = await this.tenants.findById(client.tenantId);
    ensure(tenant, () => errors.invalidClient());
    return styleTokenResponse(client, await handler.handle({ client, tenant, clock: this.clock, scope }, params));
  }
}
