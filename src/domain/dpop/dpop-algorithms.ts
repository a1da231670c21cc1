/**
 * The JWS algorithms a DPoP proof may be signed with (RFC 9449 §4.3 check 5): asymmetric only,
 * never `none` or a MAC. Discovery lists them as `dpop_signing_alg_values_supported` (§5.1), and
 * a protected resource's `WWW-Authenticate: DPoP` challenge as `algs` (§7.1).
 */
export const DPOP_SIGNING_ALGORITHMS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;

export type DpopSigningAlgorithm = (typeof DPOP_SIGNING_ALGORITHMS)[number];

export const isDpopSigningAlgorithm = (alg: unknown): alg is DpopSigningAlgorithm =>
  typeof alg === 'string' && (DPOP_SIGNING_ALGORITHMS as readonly string[]).includes(alg);
