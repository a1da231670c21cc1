/** A running round-robin HTTP proxy (bench/lib/round-robin-proxy.js): each request to the next backend in turn. */
export interface RoundRobinProxy {
  readonly port: number;
  /** http://127.0.0.1:<port>: the servers' ISSUER. */
  readonly url: string;
  /** The backends' base URLs, from the next request on. */
  setBackends(urls: string[]): void;
  /** Requests forwarded so far, by backend origin. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

export function startRoundRobinProxy(backends?: string[]): Promise<RoundRobinProxy>;
