import type { ClientService } from '../clients/client.service';
import type { Clock } from '../clock';
import { sha256 } from '../crypto/random';
import type { DomainLogger } from '../deps';
import { ensure, errors } from '../errors';
import type { TenantService } from '../tenants/tenant.service';
import type { AccessTokenService } from '../tokens/access-token.service';
import type { IdTokenService } from '../tokens/id-token.service';
import type { RefreshTokenRecord } from '../tokens/refresh-token-record';
import type { RefreshTokenService } from '../tokens/refresh-token.service';
import type { DeviceStore } from './device-store';
import { DEVICE_TOKEN_LIFETIME_SECONDS, type DeviceRefreshResponse } from './device-token-set';
import type { VerifiedDeviceTokens } from './verified-device-tokens';

/** `last_used_at` is written at most this often per device. */
const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_TRACKED_DEVICES = 100_000;

/** Parameters of a seed 002 device refresh (query string or form). */
export interface DeviceRefreshParams {
  readonly refresh_token?: string;
  readonly device_id?: string;
  /** Alias of `device_id` (seed 002's example request). */
  readonly device_key?: string;
}

/**
 * Seed 002 refresh: a device's refresh token and its DeviceId give a new
 * access token and IdToken, both 24 h and carrying `device_id`. The refresh
 * token is not rotated. Whatever makes a refresh token unusable
 * (`RefreshTokenService.inspect`: revoked family or device, user disabled,
 * user, client or tenant cutoff) refuses it, as do another device's id, an
 * unknown id and a disabled client: all `invalid_grant` (RFC 6749 §5.2).
 * A token that verified is remembered ({@link VerifiedDeviceTokens}), so a
 * warm refresh reads no database while every revocation is still honoured;
 * `last_used_at` is written off the request path.
 */
export class DeviceRefresher {
  /** Device id → when this process last wrote its `last_used_at`. */
  private readonly lastWritten = new Map<string, number>();

  constructor(
    private readonly refreshTokens: RefreshTokenService,
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    private readonly accessTokens: AccessTokenService,
    private readonly idTokens: IdTokenService,
    private readonly store: DeviceStore,
    private readonly clock: Clock,
    private readonly verified: VerifiedDeviceTokens,
    private readonly log: DomainLogger,
  ) {}

  async refresh(params: DeviceRefreshParams): Promise<DeviceRefreshResponse> {
    const deviceId = params.device_id ?? params.device_key;
    ensure(params.refresh_token, () => errors.invalidRequest('refresh_token is required', 'refresh_token'));
    ensure(deviceId, () => errors.invalidRequest('device_id is required', 'device_id'));
    const record = await this.usableRecord(params.refresh_token);
    // One answer for unknown, revoked, non-device and other-device tokens: nothing to probe with.
    const refused = () => errors.invalidGrant('the refresh token or device is invalid or revoked');
    ensure(record && record.deviceId !== null && record.deviceId === deviceId.toLowerCase() && record.user, refused);
    const [client, tenant] = await Promise.all([this.clients.findByClientId(record.clientId), this.tenants.findById(record.tenantId)]);
    ensure(client?.enabled && tenant, refused);
    const { user } = record;
    const access = await this.accessTokens.issue({
      tenant,
      client,
      subject: user.id,
      scopes: record.scopes,
      lifetimeSeconds: DEVICE_TOKEN_LIFETIME_SECONDS,
      deviceId: record.deviceId,
      familyId: record.familyId,
    });
    const idToken = await this.idTokens.issue({
      tenant,
      client,
      user,
      scopes: record.scopes,
      authTime: record.authTime,
      accessToken: access.token,
      lifetimeSeconds: DEVICE_TOKEN_LIFETIME_SECONDS,
      deviceId: record.deviceId,
    });
    this.touch(record.deviceId);
    return { AccessToken: access.token, ExpiresIn: access.expiresIn, TokenType: 'Bearer', IdToken: idToken.token };
  }

  /**
   * The token's record when it is usable right now (`RefreshTokenService.problemWith`):
   * from {@link VerifiedDeviceTokens} when warm (expiry, client and tenant
   * cutoffs re-checked from their caches), else from the database.
   */
  private async usableRecord(token: string): Promise<RefreshTokenRecord | null> {
    const hash = sha256(token);
    const remembered = this.verified.get(hash);
    if (remembered) return (await this.refreshTokens.problemWith(remembered)) === null ? remembered : null;
    return this.verified.load(hash, () => this.refreshTokens.inspect(token));
  }

  /**
   * Records use at most once a {@link LAST_USED_RESOLUTION_MS} per device and
   * process (and the SQL re-checks it across processes), without holding up
   * the response: a failed write is logged, the refresh still succeeds.
   */
  private touch(deviceId: string): void {
    const now = this.clock.now();
    const last = this.lastWritten.get(deviceId);
    if (last !== undefined && now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
    if (this.lastWritten.size >= MAX_TRACKED_DEVICES) this.lastWritten.clear();
    this.lastWritten.set(deviceId, now.getTime());
    this.store.touchLastUsed(deviceId, now, LAST_USED_RESOLUTION_MS).catch((error: unknown) => {
      // Try again on the next refresh rather than a minute later.
      if (this.lastWritten.get(deviceId) === now.getTime()) this.lastWritten.delete(deviceId);
      this.log.warn({ err: error }, 'device last-used time not recorded');
    });
  }
}
