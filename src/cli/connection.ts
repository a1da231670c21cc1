import { createAdminSdk, type AdminSdk } from '../sdk/client';
import { CliError, EXIT, toCliError, usageError } from './cli-error';

export interface ConnectionFlags {
  url?: string;
  'client-id'?: string;
  'client-secret'?: string;
}

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/** A server the CLI talks to: its URL, a client_credentials token, and the typed admin SDK. */
export interface Connection {
  url: string;
  token: TokenResponse;
  sdk: AdminSdk;
}

export const DEFAULT_URL = 'http://127.0.0.1:4000';

/**
 * Credentials from flags, else TENANT_IDP_URL / TENANT_IDP_CLIENT_ID /
 * TENANT_IDP_CLIENT_SECRET. The CLI is its own process, so it reads its own
 * environment; the server's configuration stays in src/config/env.ts.
 */
function resolveCredentials(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env) {
  const url = (flags.url ?? env.TENANT_IDP_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  const clientId = flags['client-id'] ?? env.TENANT_IDP_CLIENT_ID;
  const clientSecret = flags['client-secret'] ?? env.TENANT_IDP_CLIENT_SECRET;
  if (!clientId || !clientSecret)
    throw usageError('credentials missing: pass --client-id and --client-secret, or set TENANT_IDP_CLIENT_ID and TENANT_IDP_CLIENT_SECRET');
  return { url, clientId, clientSecret };
}

/** Gets an access token with client_credentials (RFC 6749 §4.4) at `${url}/token`. */
export async function connect(flags: ConnectionFlags): Promise<Connection> {
  const { url, clientId, clientSecret } = resolveCredentials(flags);
  const response = await postForm(url, '/token', { grant_type: 'client_credentials' }, clientId, clientSecret);
  const body = (await response.json().catch(() => ({}))) as Partial<TokenResponse> & { error?: string; error_description?: string };
  if (response.status !== 200 || !body.access_token) {
    const reason = body.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}` : `HTTP ${response.status}`;
    throw new CliError(EXIT.api, `token request refused (${reason})`, response.status === 401 ? 'UNAUTHENTICATED' : 'TOKEN_REFUSED');
  }
  const token = body as TokenResponse;
  return {
    url,
    token,
    sdk: createAdminSdk(url, token.access_token),
  };
}

async function postForm(
  url: string,
  path: string,
  form: Record<string, string>,
  clientId: string,
  clientSecret: string,
): Promise<Response> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  try {
    return await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams(form).toString(),
    });
  } catch (error) {
    throw toCliError(error, url);
  }
}
