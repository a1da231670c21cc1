import type { Clock } from '../clock';
import { sha256 } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';
import { ensure, errors } from '../errors';
import type { AuthorizationRequest } from './authorization-request';

/** Which form the pending request is waiting on. */
export type InteractionStage = 'sign-in' | 'consent' | 'second-factor' | 'enrol-factor' | 'continue' | 'federated' | 'link';

/** A validated authorization request waiting for the user, carried in the page between GET and POST. */
export interface PendingAuthorization {
  readonly stage: InteractionStage;
  readonly request: AuthorizationRequest;
  /** At the consent stage: the signed-in user the consent is asked of; at the second-factor stages: the user whose password was checked. */
  readonly userId: string | null;
  /**
   * Set for the account page's sign-in (AuthorizeService.startAccountSignIn): the tenant path
   * the visitor asked for, looked up only when the form is posted; `request.clientId` is empty
   * until then (the tenant's account client).
   */
  readonly accountTenantPath?: string;
  /**
   * At the `link` stage and the second-factor stages after it: the sealed link request
   * (FederationLinkSealer) the existing account is proving itself for; the link is made once
   * the sign-in it owes is complete.
   */
  readonly link?: string;
}

/** How long a user may take to fill a sign-in or consent form. */
export const INTERACTION_LIFETIME_SECONDS = 600;

const TYPE = 'idp.pending-authorization.v1';

interface SealedPayload extends PendingAuthorization {
  typ: typeof TYPE;
  /** SHA-256 of the browser-bound value the form was rendered for. */
  bind: string;
  /** Expiry, epoch milliseconds. */
  exp: number;
}

/**
 * Seals a pending authorization request with the server secret
 * (AES-256-GCM, so it can be neither read nor altered by the browser) and
 * binds it to an opaque per-browser value and an expiry, so a form copied to
 * another browser, replayed later, or submitted to the wrong step is refused.
 * Keeping it in the page, not in memory, lets any worker serve the POST.
 */
export class PendingAuthorizationSealer {
  constructor(
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
  ) {}

  seal(pending: PendingAuthorization, binding: string): string {
    const payload: SealedPayload = {
      typ: TYPE,
      bind: sha256(binding),
      exp: this.clock.now().getTime() + INTERACTION_LIFETIME_SECONDS * 1000,
      ...pending,
    };
    return this.secret.encrypt(JSON.stringify(payload), 'authorization-request');
  }

  /** Opens a sealed request for `stage`; any mismatch is `invalid_request` and must not redirect. */
  open(sealed: string | undefined, binding: string | undefined, stage: InteractionStage): PendingAuthorization {
    const expired = () =>
      errors.invalidRequest('this form has expired or was not issued to this browser; return to the application and start again');
    ensure(sealed && binding, expired);
    let payload: SealedPayload;
    try {
      payload = JSON.parse(this.secret.decrypt(sealed, 'authorization-request')) as SealedPayload;
    } catch {
      throw expired();
    }
    ensure(payload.typ === TYPE && payload.stage === stage && payload.bind === sha256(binding), expired);
    ensure(payload.exp > this.clock.now().getTime(), expired);
    return {
      stage: payload.stage,
      request: payload.request,
      userId: payload.userId,
      ...(payload.accountTenantPath !== undefined ? { accountTenantPath: payload.accountTenantPath } : {}),
      ...(payload.link !== undefined ? { link: payload.link } : {}),
    };
  }
}
