import type { Clock } from '../clock';

/** How long one nonce is current (RFC 9449 §8: the server decides); the previous one stays accepted as long again. */
const DPOP_NONCE_WINDOW_MS = 5 * 60_000;

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9) without storage: the nonce of a time window is
 * the HMAC of the window's number under a key derived from the server secret, so every process
 * (sharing SECRET_KEY) issues and accepts the same nonces. The current window's nonce and the
 * previous one are accepted, so a nonce lives between one and two windows.
 */
export class DpopNonces {
  private window = -1;
  private nonce = '';
  private previous = '';

  constructor(
    private readonly mac: (value: string) => string,
    private readonly clock: Clock,
    private readonly windowMs = DPOP_NONCE_WINDOW_MS,
  ) {}

  /** The nonce clients should use now (`DPoP-Nonce`). */
  current(): string {
    this.roll();
    return this.nonce;
  }

  /** True for the current or the previous window's nonce. */
  accepts(nonce: string): boolean {
    this.roll();
    return nonce === this.nonce || nonce === this.previous;
  }

  private roll(): void {
    const window = Math.floor(this.clock.now().getTime() / this.windowMs);
    if (window === this.window) return;
    this.previous = window === this.window + 1 ? this.nonce : this.nonceOf(window - 1);
    this.nonce = this.nonceOf(window);
    this.window = window;
  }

  private nonceOf(window: number): string {
    return this.mac(`dpop-nonce:${window}`);
  }
}
