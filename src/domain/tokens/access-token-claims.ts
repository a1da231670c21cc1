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
  /** The browser session the grant was issued under: the `sid` of its ID tokens and logout tokens. */
  session_sid?: string;
  /** RFC 8693 §4.1 actor: who acts for `sub` (token exchange by delegation); prior actors nested inside. */
  act?: ActorClaim;
  /** RFC 9449 §6.1: the token is bound to the DPoP key with this RFC 7638 thumbprint. */
  cnf?: { jkt: string };
}

/** RFC 8693 §4.1 `act`: the acting party, and in `act` the one that acted before it. */
export interface ActorClaim {
  readonly sub: string;
  readonly client_id?: string;
  readonly act?: ActorClaim;
}
