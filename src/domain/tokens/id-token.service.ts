import { defaults } from '../../config/defaults';
import type { Client } from '../clients/client';
import { epochSeconds } from '../clock';
import type { DomainDeps } from '../deps';
import type { KeyService } from '../keys/key.service';
import { signJwt } from '../keys/sign-jwt';
import { issuingTenantOf } from '../issuers/issuing-tenant';
import { tenantIssuer } from '../issuers/tenant-issuer';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import { claimsForScopes } from '../users/claims-for-scopes';
import type { User } from '../users/user';
import { idTokenHash } from './id-token-hash';

export interface IssueIdTokenInput {
  tenant: Tenant;
  client: Client;
  user: User;
  /** Granted scopes; they select the profile claims (OIDC Core §5.4). */
  scopes: readonly string[];
  /** When the user signed in (OIDC Core §2 `auth_time`); omitted when unknown. */
  authTime?: Date | null;
  /** RFC 8176 `amr` and OIDC Core §2 `acr` of the sign-in; omitted when unknown. */
  amr?: readonly string[];
  acr?: string | null;
  /** Echoed from the authentication request (OIDC Core §3.1.2.1); never on refresh (§12.2). */
  nonce?: string | null;
  /** The access token issued alongside, bound through `at_hash` (§3.1.3.6). */
  accessToken?: string;
  /** Defaults to `idTokenLifetimeSeconds`; seed 002 device tokens pass 86400. */
  lifetimeSeconds?: number;
  /** OIDC Front/Back-Channel Logout `sid`: the browser session the grant was issued under. */
  sid?: string | null;
  /** Seed 002: the device the token set is bound to, as the `device_id` claim. */
  deviceId?: string;
}

export interface IssuedIdToken {
  token: string;
  claims: Record<string, unknown>;
}

/**
 * OIDC Core §2 ID Tokens, signed with the tenant's active key (header `typ:
 * JWT`, `kid`). Protocol claims always win over profile claims of the same
 * name; `aud` is the client_id and `azp` repeats it (§2).
 */
export class IdTokenService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly keys: KeyService,
    private readonly tenants: TenantService,
  ) {}

  async issue(input: IssueIdTokenInput): Promise<IssuedIdToken> {
    // Signed by the issuing tenant (the client's), whose issuer is `iss`: see issuing-tenant.ts.
    const issuing = await issuingTenantOf(this.tenants, input.client, input.tenant);
    const key = await this.keys.activeKey(issuing);
    const iat = epochSeconds(this.deps.clock);
    const claims: Record<string, unknown> = {
      ...claimsForScopes(input.user, input.scopes),
      iss: tenantIssuer(this.deps.issuer, issuing.path),
      sub: input.user.id,
      aud: input.client.clientId,
      azp: input.client.clientId,
      iat,
      exp: iat + (input.lifetimeSeconds ?? defaults.idTokenLifetimeSeconds),
      tenant: input.tenant.path,
      ...(input.authTime ? { auth_time: Math.floor(input.authTime.getTime() / 1000) } : {}),
      ...(input.amr && input.amr.length > 0 ? { amr: [...input.amr] } : {}),
      ...(input.acr ? { acr: input.acr } : {}),
      ...(input.nonce ? { nonce: input.nonce } : {}),
      ...(input.deviceId ? { device_id: input.deviceId } : {}),
      ...(input.sid ? { sid: input.sid } : {}),
      ...(input.accessToken ? { at_hash: idTokenHash(input.accessToken, key.algorithm) } : {}),
    };
    const token = await signJwt(key, 'JWT', claims);
    return { token, claims };
  }
}
