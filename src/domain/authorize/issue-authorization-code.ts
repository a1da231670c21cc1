import { defaults } from '../../config/defaults';
import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto/random';
import type { AuthorizationCodeStore } from '../grants/authorization-code-store';
import type { AuthorizationRequest } from './authorization-request';

export interface CodeSubject {
  readonly tenantId: string;
  readonly userId: string;
  /** When the user last actively signed in (OIDC `auth_time`). */
  readonly authTime: Date;
  /** How the user authenticated (RFC 8176), carried into the ID token and the token family. */
  readonly amr?: readonly string[];
  readonly acr?: string | null;
  /** The browser session's public id; the code's family remembers it (ending the session revokes the family). */
  readonly sid?: string;
}

/** The client the code is issued to, as the browser session records it (its domain `Client.id`). */
export interface CodeClient {
  readonly id: string;
}

/**
 * RFC 6749 §4.1.2: mints a single-use authorization code of 256 random bits,
 * stored only as its SHA-256, valid 60 s and bound to the client, the
 * redirect URI as requested, the scopes, the PKCE challenge (RFC 7636 §4.4)
 * and the nonce. Issued under a browser session (`subject.sid`) to `client`, the session records
 * that client in the same write (ending the session then revokes the code's family and tells the
 * client). Returns the code value, which exists nowhere else.
 */
export async function issueAuthorizationCode(
  deps: { readonly stores: { readonly authorizationCodes: AuthorizationCodeStore }; readonly clock: Clock },
  request: AuthorizationRequest,
  subject: CodeSubject,
  client?: CodeClient,
): Promise<string> {
  const code = randomToken(32);
  await deps.stores.authorizationCodes.insert({
    codeHash: sha256(code),
    tenantId: subject.tenantId,
    clientId: request.clientId,
    userId: subject.userId,
    redirectUri: request.redirectUri,
    scopes: [...request.scopes],
    // Sealed requests from before resources existed carry none.
    resources: [...(request.resources ?? [])],
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
    dpopJkt: request.dpopJkt ?? null,
    authTime: subject.authTime,
    amr: [...(subject.amr ?? [])],
    acr: subject.acr ?? null,
    sessionSid: subject.sid ?? null,
    sessionClientId: subject.sid && client ? client.id : null,
    expiresAt: new Date(deps.clock.now().getTime() + defaults.authorizationCodeLifetimeSeconds * 1000),
  });
  return code;
}
