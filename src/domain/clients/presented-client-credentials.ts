/**
 * Client credentials as presented (RFC 6749 §2.3.1): Basic header, form body,
 * an RFC 7523 §2.2 client assertion, or none for public clients. The token,
 * introspection and revocation endpoints (and the seed shims) authenticate
 * clients from it.
 */
export interface PresentedClientCredentials {
  clientId: string;
  clientSecret?: string;
  /** The `client_assertion` JWT (methods `client_secret_jwt` and `private_key_jwt`). */
  clientAssertion?: string;
  /** The path of the endpoint that received the credentials, below ISSUER: an assertion's `aud` may name its URL. */
  endpointPath?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';
}
