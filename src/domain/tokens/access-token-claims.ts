/** RFC 9068 §2.2 claims of our JWT access tokens, plus `tenant` and `device_id` (docs/contract.md "Tokens"). */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  tenant: string;
  device_id?: string;
  /** Refresh family the token was issued with, for revocation by family. */
  sid?: string;
  /** RFC 9449 §6.1: the token is bound to the DPoP key with this RFC 7638 thumbprint. */
  cnf?: { jkt: string };
}
