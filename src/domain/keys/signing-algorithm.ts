/** The JWS algorithms a tenant's signing keys may use (RFC 7518 §3.3 and §3.4, RFC 8037 §3.1). */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA';
