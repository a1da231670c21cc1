import type { ClientService } from '../clients/client.service';
import type { Clock } from '../clock';
import { ensure, errors } from '../errors';
import { styleTokenResponse } from '../seeds/seed001-token-response';
import type { TenantService } from '../tenants/tenant.service';
import type { TokenParams } from './grant-context';
import type { GrantRegistry } from './registry';
import type { TokenResponse } from './token-response';

const PUBLIC_CLIENT_GRANTS = ['authorization_code', 'refresh_token'];

/** Client credentials as presented (RFC 6749 §2.3.1): Basic header, form body, or none for public clients. */
export interface PresentedClientCredentials {
  clientId: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

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

  async exchange(credentials: PresentedClientCredentials | null, params: TokenParams): Promise<TokenResponse> {
    const grantType = params.grant_type;
    ensure(grantType, () => errors.invalidRequest('grant_type is required', 'grant_type'));
    ensure(credentials, () => errors.invalidClient('client authentication required'));
    const client = await this.clients.authenticate(credentials.clientId, credentials.clientSecret);
    const handler = this.grants.find(grantType);
    ensure(handler, () => errors.unsupportedGrantType(grantType));
    ensure(client.grantTypes.includes(grantType), () =>
      errors.unauthorizedClient(`client ${client.clientId} may not use grant_type ${grantType}`),
    );
    // Public clients cannot keep a secret: only the redirect-based code flow (with PKCE) and its refresh (RFC 9700 §2.4, §4.14).
    ensure(!client.isPublic || PUBLIC_CLIENT_GRANTS.includes(grantType), () =>
      errors.unauthorizedClient(`public clients may not use grant_type ${grantType}`),
    );
    const tenant = await this.tenants.findById(client.tenantId);
    ensure(tenant, () => errors.invalidClient());
    return styleTokenResponse(client, await handler.handle({ client, tenant, clock: this.clock }, params));
  }
}
