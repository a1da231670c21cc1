import { requireAdmin, withinActorSubtree, type Actor } from '../actor';
import type { AuditLog } from '../audit/audit-log';
import type { ClientService } from '../clients/client.service';
import { ensure, errors } from '../errors';
import type { RequestScope } from '../request-scope';
import type { PresentedClientCredentials } from '../clients/presented-client-credentials';
import type { TokenFinder } from '../tokens/token-finder';
import type { RevocationService } from './revocation.service';

/** Form parameters of a revocation request (RFC 7009 §2.1). */
export interface RevocationParams {
  readonly token?: string;
  readonly token_type_hint?: string;
}

/**
 * Token revocation shared by POST `/revoke`, POST `/connect/revocation`
 * (seed 003) and the GraphQL `revokeToken` mutation. An access token is
 * revoked by `jti` until it would have expired; a refresh token revokes its
 * whole family, and with it every access token issued from that grant
 * (RFC 7009 §2.1 SHOULD).
 */
export class TokenRevoker {
  constructor(
    private readonly clients: ClientService,
    private readonly finder: TokenFinder,
    private readonly revocation: RevocationService,
    private readonly audit?: AuditLog,
  ) {}

  /**
   * RFC 7009 §2.1 on behalf of a client. Authenticates the client first
   * (confidential clients by secret, public clients by `client_id` alone);
   * then requires `token`. A token that is unknown, malformed, expired or
   * already revoked is silently accepted (§2.2: the server answers 200). A
   * valid token issued to another client is refused with
   * `unauthorized_client` and left untouched: §2.1 says the server "verifies
   * whether the token was issued to the client making the revocation request.
   * If this validation fails, the request is refused and the client is
   * informed of the error" (as Hydra/fosite do; answering 200 would make the
   * caller believe a still-valid token is gone).
   */
  async revokeAsClient(credentials: PresentedClientCredentials | null, params: RevocationParams, scope?: RequestScope): Promise<void> {
    ensure(credentials, () => errors.invalidClient('client authentication required'));
    const client = await this.clients.authenticate(credentials, scope);
    if (scope) scope.clientId = client.clientId;
    ensure(params.token, () => errors.invalidRequest('token is required', 'token'));
    const found = await this.finder.find(params.token, params.token_type_hint);
    if (!found) return;
    ensure(found.clientId === client.clientId, () => errors.unauthorizedClient('the token was not issued to this client'));
    await this.revocation.revokeFound(found);
    this.audit?.record({
      action: 'revoke',
      outcome: 'success',
      tenantPath: found.tenant.path,
      actorKind: 'client',
      actorId: client.clientId,
      actorClientId: client.clientId,
      targetKind: found.kind,
      targetId: found.kind === 'access_token' ? String(found.claims.jti ?? '') || null : found.record.familyId,
      clientIp: scope?.clientIp ?? null,
      requestId: scope?.requestId ?? null,
    });
  }

  /**
   * Admin revocation (GraphQL `revokeToken`): the actor needs scope `admin`
   * (`forbidden` otherwise). True when the token was recognised and is now
   * revoked; false for an unknown, malformed, expired or already inactive
   * access token, and for a token of a tenant outside the actor's subtree,
   * which is answered as if it did not exist (see actor.ts) and left untouched.
   */
  async revokeAsAdmin(actor: Actor, token: string, hint?: string | null): Promise<boolean> {
    requireAdmin(actor);
    const found = await this.finder.find(token, hint ?? undefined);
    if (!found || !withinActorSubtree(actor, found.tenant.path)) return false;
    await this.revocation.revokeFound(found);
    return true;
  }
}
