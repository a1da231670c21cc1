import type { Clock } from '../clock';
import { sha256 } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';

/** How long the user may take at the upstream before the callback is refused. */
export const FEDERATION_LIFETIME_SECONDS = 600;

const TYPE = 'idp.federation-state.v1';

/**
 * One upstream sign-in in flight, sealed (nobody but this server can read or alter it) into the
 * browser's federation cookie; the `state` sent upstream is a random value whose digest it holds,
 * so the request to the upstream stays short and the callback is bound to the browser.
 */
export interface FederationState {
  readonly providerId: string;
  readonly tenantId: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** The pending /authorize request, sealed for the `federated` stage and bound to the browser's interaction value. */
  readonly resume: string;
  /** Where the browser continues that request (`{I}/authorize/federated` of the issuer the sign-in began at), or the account page. */
  readonly resumeAction: string;
  /** Set when the signed-in user links this provider from the account page: that user, and the session (`sid`) that asked. */
  readonly link?: { readonly userId: string; readonly sid: string };
}

interface Sealed extends FederationState {
  typ: typeof TYPE;
  /** SHA-256 of the random `state` sent upstream. */
  st: string;
  exp: number;
}

/** Seals and opens {@link FederationState}: AES-256-GCM under the server secret, bound to the browser, with an expiry. */
export class FederationStateSealer {
  constructor(
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
  ) {}

  seal(state: FederationState, stateValue: string): string {
    const payload: Sealed = {
      typ: TYPE,
      st: sha256(stateValue),
      exp: this.clock.now().getTime() + FEDERATION_LIFETIME_SECONDS * 1000,
      ...state,
    };
    return this.secret.encrypt(JSON.stringify(payload), 'federation-state');
  }

  /** The sign-in the cookie `sealed` holds, when `stateValue` is its state; else the reason it is refused (for the audit trail). */
  open(sealed: string | undefined, stateValue: string | undefined): FederationState | { refused: string } {
    if (!stateValue) return { refused: 'state missing' };
    if (!sealed) return { refused: 'federation cookie missing' };
    let payload: Sealed;
    try {
      payload = JSON.parse(this.secret.decrypt(sealed, 'federation-state')) as Sealed;
    } catch {
      return { refused: 'federation cookie not issued by this server' };
    }
    if (payload.typ !== TYPE) return { refused: 'federation cookie not issued by this server' };
    if (payload.st !== sha256(stateValue)) return { refused: "state does not match this browser's sign-in" };
    if (payload.exp <= this.clock.now().getTime()) return { refused: 'state expired' };
    const { providerId, tenantId, nonce, codeVerifier, resume, resumeAction, link } = payload;
    return { providerId, tenantId, nonce, codeVerifier, resume, resumeAction, ...(link ? { link } : {}) };
  }
}
