/**
 * Client credentials as presented (RFC 6749 §2.3.1): Basic header, form body,
 * or none for public clients. The token, introspection and revocation
 * endpoints (and the seed shims) authenticate clients from it.
 */
export interface PresentedClientCredentials {
  clientId: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}
