import { randomUUID } from 'node:crypto';
import type { ApiDirectoryResolver } from '../authorize/authorize.service';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import type { PresentedClientCredentials } from '../clients/presented-client-credentials';
import { randomToken, sha256 } from '../crypto/random';
import { isUniqueViolation } from '../db-errors';
import type { DomainDeps } from '../deps';
import { DomainError, ensure, errors } from '../errors';
import type { TokenParams } from '../grants/grant-context';
import { parseResources } from '../grants/token-targets';
import type { RequestScope } from '../request-scope';
import { parseScope } from '../scopes';
import type { TenantService } from '../tenants/tenant.service';
import type { RefreshTokenService } from '../tokens/refresh-token.service';
import type { Transactions } from '../transactions';
import {
  DEVICE_AUTHORIZATION_LIFETIME_SECONDS,
  DEVICE_CODE_GRANT_TYPE,
  formatUserCode,
  generateUserCode,
  POLLING_INTERVAL_SECONDS,
  SLOW_DOWN_SECONDS,
  type DeviceAuthorization,
} from './device-authorization';
import type { DeviceAuthorizationStore } from './device-authorization-store';

/** RFC 8628 §3.2 device authorization response. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** How often a fresh user code is drawn when the one drawn is already pending (a 1 in 10^10 event). */
const USER_CODE_ATTEMPTS = 3;

/**
 * The device side of the OAuth 2.0 Device Authorization Grant (RFC 8628), transport-free:
 * {@link start} is the device authorization endpoint (§3.1, §3.2), {@link poll} and
 * {@link redeem} what the token endpoint's device_code grant (§3.4, §3.5) runs on.
 * The user side (the verification page) is DeviceVerificationService.
 */
export class DeviceAuthorizationService {
  constructor(
    private readonly deps: Pick<DomainDeps, 'clock'>,
    private readonly store: DeviceAuthorizationStore,
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    /** RFC 8707: resolves the request's `resource` values (an unknown or foreign one is `invalid_target`). */
    private readonly apis: ApiDirectoryResolver,
    private readonly transactions: Transactions,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  /**
   * POST `{I}/device_authorization`: authenticates the client as the token endpoint does
   * (at a tenant issuer `scope.issuerTenantId` refuses other tenants' clients), requires the
   * device_code grant, and validates `scope` (required, within the client's allowed scopes,
   * as at /authorize) and `resource` (RFC 8707). Answers a fresh device code (256 bits,
   * stored only as its SHA-256) and user code, with the verification URIs under `issuer`.
   */
  async start(
    credentials: PresentedClientCredentials | null,
    params: TokenParams,
    scope: RequestScope,
    issuer: string,
  ): Promise<DeviceAuthorizationResponse> {
    ensure(credentials, () => errors.invalidClient('client authentication required'));
    const client = await this.clients.authenticate(credentials, scope);
    scope.clientId = client.clientId;
    ensure(client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE), () =>
      errors.unauthorizedClient(`client ${client.clientId} may not use the device authorization grant`),
    );
    const scopes = parseScope(params.scope);
    ensure(scopes.length > 0, () => errors.invalidScope('scope is required'));
    const refused = scopes.filter((requested) => !client.allowedScopes.includes(requested));
    ensure(refused.length === 0, () => errors.invalidScope(`scope not allowed for this client: ${refused.join(' ')}`));
    const tenant = await this.tenants.findById(client.tenantId);
    ensure(tenant, () => errors.invalidClient('the client has no tenant'));
    const resources = parseResources(params.resource);
    if (resources.length > 0) await this.apis.resolve(tenant, resources);

    const deviceCode = randomToken(32);
    const now = this.deps.clock.now();
    for (let attempt = 1; ; attempt++) {
      const userCode = generateUserCode();
      try {
        await this.store.insert({
          id: randomUUID(),
          tenantId: tenant.id,
          clientId: client.clientId,
          deviceCodeDigest: sha256(deviceCode),
          userCode,
          scopes,
          resources,
          expiresAt: new Date(now.getTime() + DEVICE_AUTHORIZATION_LIFETIME_SECONDS * 1000),
          intervalSeconds: POLLING_INTERVAL_SECONDS,
        });
      } catch (error) {
        if (isUniqueViolation(error) && attempt < USER_CODE_ATTEMPTS) continue;
        throw error;
      }
      const base = `${issuer.replace(/\/+$/, '')}/device`;
      const shown = formatUserCode(userCode);
      return {
        device_code: deviceCode,
        user_code: shown,
        verification_uri: base,
        verification_uri_complete: `${base}?${new URLSearchParams({ user_code: shown })}`,
        expires_in: DEVICE_AUTHORIZATION_LIFETIME_SECONDS,
        interval: POLLING_INTERVAL_SECONDS,
      };
    }
  }

  /**
   * One poll of the token endpoint (RFC 8628 §3.5) by `client`: the approved authorization,
   * or the error the device is owed. Unknown, another client's and already redeemed codes
   * are `invalid_grant`; past expiry `expired_token`; denied `access_denied`; while pending
   * `authorization_pending`, or `slow_down` when this poll came sooner than the interval
   * after the last one (the interval then grows by 5 s for good).
   */
  async poll(client: Client, deviceCode: string | undefined): Promise<DeviceAuthorization> {
    ensure(deviceCode, () => errors.invalidRequest('device_code is required', 'device_code'));
    const found = await this.store.findByDeviceCodeDigest(sha256(deviceCode));
    ensure(found && found.clientId === client.clientId, () => errors.invalidGrant('the device code is invalid'));
    ensure(found.status !== 'redeemed', () => errors.invalidGrant('the device code has already been used'));
    const now = this.deps.clock.now();
    ensure(found.expiresAt.getTime() > now.getTime(), () => new DomainError('expired_token', 'the device code has expired'));
    ensure(found.status !== 'denied', () => new DomainError('authorization_denied', 'the user denied the request'));
    if (found.status === 'approved') return found;
    const tooSoon = found.lastPolledAt !== null && now.getTime() - found.lastPolledAt.getTime() < found.intervalSeconds * 1000;
    const interval = tooSoon ? found.intervalSeconds + SLOW_DOWN_SECONDS : found.intervalSeconds;
    // A concurrent poll recorded first: this one came too soon after it.
    const recorded = await this.store.recordPoll(found.id, found.lastPolledAt, now, interval);
    if (tooSoon || !recorded) {
      throw new DomainError('slow_down', `polling too fast; wait at least ${interval} seconds between requests`);
    }
    throw new DomainError('authorization_pending', 'the user has not yet approved the request');
  }

  /**
   * Marks an approved authorization redeemed and starts the token family its tokens belong
   * to, in one transaction; false when a concurrent poll redeemed it first.
   */
  async redeem(
    authorization: DeviceAuthorization,
    redemption: { familyId: string; resources: readonly string[]; dpopJkt?: string | null },
  ): Promise<boolean> {
    return this.transactions.run(async () => {
      if (!(await this.store.redeem(authorization.id))) return false;
      await this.refreshTokens.startFamily({
        id: redemption.familyId,
        tenantId: authorization.tenantId,
        clientId: authorization.clientId,
        userId: authorization.userId,
        scopes: authorization.scopes,
        resources: redemption.resources,
        dpopJkt: redemption.dpopJkt ?? null,
        authTime: authorization.authTime,
      });
      return true;
    });
  }
}
