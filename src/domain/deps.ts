import type { ChangeBus } from './changes/change-bus';
import type { Clock } from './clock';
import type { ServerSecret } from './crypto/server-secret';
import type { MailSender } from './mail/mail-sender';
import type { OutboundHttp } from './outbound/outbound-http';
import type { UpstreamRelyingParty } from './federation/upstream-relying-party';
import type { DomainStores } from './stores';

/** Minimal logger the domain needs; pino satisfies it. */
export interface DomainLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** Everything domain services are built from: plain interfaces, assembled once by the composition root (src/composition/create-domain.ts). */
export interface DomainDeps {
  /** The storage ports, one per aggregate (implemented in src/data). */
  readonly stores: DomainStores;
  readonly secret: ServerSecret;
  readonly clock: Clock;
  /** Public base URL, the `iss` of every token. */
  readonly issuer: string;
  readonly bus: ChangeBus;
  readonly log: DomainLogger;
  /** Requests the server makes itself (a client's jwks_uri), under the outbound policy (src/domain/outbound). */
  readonly outbound: OutboundHttp;
  /**
   * Whether a thrown value means a dependency (the database) cannot be
   * reached right now, as opposed to a bug; the data layer decides what that
   * looks like (src/data/infrastructure-failure.ts).
   */
  readonly isUnavailable: (error: unknown) => boolean;
  /** Hands mail to the mail server named by SMTP_URL (src/edge/smtp-mail-sender.ts); absent or null: every email flow is off. */
  readonly mail?: MailSender | null;
  /** The relying-party side of federation (src/edge/openid-client-upstream.ts); absent: every upstream counts as unavailable. */
  readonly upstream?: UpstreamRelyingParty;
  /** DPOP_REQUIRE_NONCE: every DPoP proof must carry a current server nonce (RFC 9449 §8); off by default. */
  readonly dpopRequireNonce?: boolean;
  /** WEBHOOK_RETRY_FIRST_MS (src/config/env.ts); default 5 s. */
  readonly webhookRetryFirstMs?: number;
}
