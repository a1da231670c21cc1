/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  /** Seed 001 clients only (see `styleTokenResponse`). */
  status?: 'SUCCESS';
  access_token: string;
  /** `DPoP` when the access token is bound to a DPoP key (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  /** RFC 8693 §2.2.1: the type of the token issued by a token exchange. */
  issued_token_type?: string;
}
