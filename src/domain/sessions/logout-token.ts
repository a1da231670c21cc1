import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { epochSeconds } from '../clock';
import { tenantIssuer } from '../issuers/tenant-issuer';
import type { KeyService } from '../keys/key.service';
import { signJwt } from '../keys/sign-jwt';
import type { TenantService } from '../tenants/tenant.service';

/** OIDC Back-Channel Logout 1.0 §2.4: the one member of `events` a logout token carries. */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** §2.4 recommends explicit typing (RFC 8725 §3.11): the header `typ`. */
const LOGOUT_TOKEN_TYPE = 'logout+jwt';
/** How long a logout token is good for: only the delivery itself needs it. */
const LOGOUT_TOKEN_LIFETIME_SECONDS = 120;

/** Whom a logout token is about and for. */
export interface LogoutTokenSubject {
  /** The tenant of the client: its issuer is `iss` and its active key signs (as for the client's ID tokens). */
  readonly clientTenantId: string;
  /** The OAuth `client_id`: the token's `aud`. */
  readonly clientId: string;
  /** The user: `sub`, as in the ID tokens. */
  readonly userId: string;
  /** The session: `sid`, as in the ID tokens issued under it. */
  readonly sid: string;
}

/**
 * Logout tokens (OIDC Back-Channel Logout 1.0 §2.4): JWTs signed like the ID tokens of the same
 * client (its tenant's issuer and active key), typed `logout+jwt`, with `iss`, `aud`, `iat`, a
 * short `exp`, a fresh `jti`, the back-channel logout `events` member, `sub` and `sid`; never a
 * `nonce` (§2.4 forbids it, so a logout token cannot pass for an ID token).
 */
export class LogoutTokens {
  constructor(
    private readonly issuerBase: string,
    private readonly keys: KeyService,
    private readonly tenants: TenantService,
    private readonly clock: Clock,
  ) {}

  /** A logout token signed now: a new `jti`, `iat` now, `exp` {@link LOGOUT_TOKEN_LIFETIME_SECONDS} later. */
  async sign(subject: LogoutTokenSubject): Promise<string> {
    const tenant = await this.tenants.findById(subject.clientTenantId);
    if (!tenant) throw new Error('the client’s tenant no longer exists');
    const key = await this.keys.activeKey(tenant);
    const iat = epochSeconds(this.clock);
    return signJwt(key, LOGOUT_TOKEN_TYPE, {
      iss: tenantIssuer(this.issuerBase, tenant.path),
      sub: subject.userId,
      aud: subject.clientId,
      iat,
      exp: iat + LOGOUT_TOKEN_LIFETIME_SECONDS,
      jti: randomUUID(),
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      sid: subject.sid,
    });
  }
}
