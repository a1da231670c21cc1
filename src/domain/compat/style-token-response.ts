import type { Client } from '../clients/client';
import type { TokenResponse } from '../grants/token-response';

/**
 * A successful token response in the client's response style: seed 001
 * clients get `"status": "SUCCESS"` beside the RFC 6749 §5.1 fields, which
 * stay unchanged (clients must ignore unknown members, §5.1).
 */
export function styleTokenResponse(client: Client, response: TokenResponse): TokenResponse {
  return client.responseStyle === 'seed001' ? { status: 'SUCCESS', ...response } : response;
}
