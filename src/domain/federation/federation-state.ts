import type { Clock } from '../clock';
import { sha256 } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';

/** How long the user may take at the upstream before the callback is refused. */
export const FEDERATION_LIFETIME_SECONDS = 600;

const TYPE = 'idp.federation-state.v1';

/** One upstream sign-in in flight, sealed into the `state` sent upstream (nobody but this server can read or alter it). */
export interface FederationState {
  readonly providerId: string;
  readonly tenantId: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** The pending /authorize request, sealed for the `federated` stage and bound to the browser's interaction value. */
  readonly resume: string;
  /** Where the browser continues that request (`{I}/authorize/federated` of the issuer the sign-in began at). */
  readonly resumeAction: string;
}

interface Sealed extends FederationState {
  typ: typeof TYPE;
  /** SHA-256 of the per-attempt value held in the browser's federation cookie. */
  bind: string;
  exp: number;
}

/** Seals and opens {@link FederationState}: AES-256-GCM under the server secret, bound to the browser, with an expiry. */
export class FederationStateSealer {
  constructor(
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
  ) {}

  seal(state: FederationState, binding: string): string {
    const payload: Sealed = {
      typ: TYPE,
      bind: sha256(binding),
      exp: this.clock.now().getTime() + FEDERATION_LIFETIME_SECONDS * 1000,
      ...state,
    };
    return this.secret.encrypt(JSON.stringify(payload), 'federation-state');
  }

  /** The state, or the reason it is refused (for the audit trail). */
  open(sealed: string | undefined, binding: string | undefined): FederationState | { refused: string } {
    if (!sealed) return { refused: 'state missing' };
    if (!binding) return { refused: 'federation cookie missing' };
    let payload: Sealed;
    try {
      payload = JSON.parse(this.secret.decrypt(sealed, 'federation-state')) as Sealed;
    } catch {
      return { refused: 'state not issued by this server' };
    }
    if (payload.typ !== TYPE) return { refused: 'state not issued by this server' };
    if (payload.bind !== sha256(binding)) return { refused: 'state issued to another browser' };
    if (payload.exp <= this.clock.now().getTime()) return { refused: 'state expired' };
    const { providerId, tenantId, nonce, codeVerifier, resume, resumeAction } = payload;
    return { providerId, tenantId, nonce, codeVerifier, resume, resumeAction };
  }
}
