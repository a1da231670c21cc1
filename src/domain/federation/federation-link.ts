import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';
import { errors } from '../errors';

/** How long the user may take to prove the existing account after the upstream sign-in. */
const LINK_LIFETIME_SECONDS = 600;

const TYPE = 'idp.federation-link.v1';

/**
 * A link waiting for proof (issue 23, "first broker login"): the upstream identity (`iss` + `sub`
 * of a provider) whose profile collides with the existing local user `userId`, who must sign in
 * to that account before the link is made. Carried sealed in the page, never in a database row.
 */
export interface PendingLink {
  readonly tenantId: string;
  readonly providerId: string;
  readonly issuer: string;
  readonly subject: string;
  /** The existing local account the link would go to. */
  readonly userId: string;
  /** What the page says exists already (the email, else the username). */
  readonly shown: string;
  /** The upstream session (the ID token's `sid`), and the ID token: what the session the link signs in remembers of its upstream. */
  readonly upstreamSid: string | null;
  readonly idToken: string | null;
  /** Single use: claimed through the replay guard when the link is made. */
  readonly jti: string;
  /** Expiry, epoch milliseconds: fixed when the upstream sign-in came back, not renewed by the forms. */
  readonly exp: number;
}

interface Sealed extends PendingLink {
  typ: typeof TYPE;
  /** SHA-256 of the sealed pending /authorize request (itself bound to the browser) it was issued with. */
  rd: string;
}

const expired = () =>
  errors.invalidRequest('this link request has expired or was not issued to this browser; return to the application and start again');

/** Seals and opens {@link PendingLink}: AES-256-GCM under the server secret, paired with the browser-bound pending request. */
export class FederationLinkSealer {
  constructor(
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
  ) {}

  seal(link: Omit<PendingLink, 'jti' | 'exp'>, resume: string): string {
    const payload: Sealed = {
      typ: TYPE,
      rd: sha256(resume),
      jti: randomToken(16),
      exp: this.clock.now().getTime() + LINK_LIFETIME_SECONDS * 1000,
      ...link,
    };
    return this.secret.encrypt(JSON.stringify(payload), 'federation-link');
  }

  /**
   * The pending link `sealed` holds; when `resume` is given, it must be the pending request it was
   * issued with (the first time the page is shown). Expired or foreign: `invalid_request`.
   */
  open(sealed: string | undefined, resume?: string): PendingLink {
    if (!sealed) throw expired();
    let payload: Sealed;
    try {
      payload = JSON.parse(this.secret.decrypt(sealed, 'federation-link')) as Sealed;
    } catch {
      throw expired();
    }
    if (payload.typ !== TYPE || (resume !== undefined && payload.rd !== sha256(resume))) throw expired();
    if (payload.exp <= this.clock.now().getTime()) throw expired();
    const { tenantId, providerId, issuer, subject, userId, shown, upstreamSid, idToken, jti, exp } = payload;
    return { tenantId, providerId, issuer, subject, userId, shown, upstreamSid: upstreamSid ?? null, idToken: idToken ?? null, jti, exp };
  }
}
