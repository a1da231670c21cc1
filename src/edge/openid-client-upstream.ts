import http from 'node:http';
import https from 'node:https';
import { compactVerify, createRemoteJWKSet, customFetch, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { TtlCache } from '../domain/cache/ttl-cache';
import { OUTBOUND_LIMITS, outboundAddressAllowed, parseIp, type OutboundPolicy } from '../domain/outbound/outbound-policy';
import {
  UpstreamFailure,
  type UpstreamChecks,
  type SignedByUpstream,
  type UpstreamClient,
  type UpstreamEndSession,
  type UpstreamIdentity,
  type UpstreamRelyingParty,
} from '../domain/federation/upstream-relying-party';
import { guardedLookup } from './node-outbound-http';

type Limits = { timeoutMs: number; maxBytes: number };

/**
 * A `fetch` for openid-client's `customFetch` that holds every upstream request to the outbound
 * policy: the address judged after DNS resolution (guardedLookup) or as a literal, no redirects
 * followed, the whole exchange within `limits.timeoutMs`, at most `limits.maxBytes` of body.
 */
function policyFetch(policy: OutboundPolicy, limits: Limits = OUTBOUND_LIMITS) {
  const lookup = guardedLookup(policy);
  return (
    target: string,
    options: { method: string; headers: Record<string, string>; body?: unknown; signal?: AbortSignal },
  ): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(target);
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return reject(new UpstreamFailure('unavailable', `scheme ${url.protocol} refused`));
      if (parseIp(url.hostname) && !outboundAddressAllowed(url.hostname.replace(/^\[|\]$/g, ''), policy))
        return reject(new UpstreamFailure('unavailable', `address ${url.hostname} is refused`));
      let body: Buffer | undefined;
      if (options.body instanceof URLSearchParams) body = Buffer.from(options.body.toString());
      else if (typeof options.body === 'string') body = Buffer.from(options.body);
      else if (options.body !== undefined && options.body !== null)
        return reject(new UpstreamFailure('unavailable', 'unsupported request body'));
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(error instanceof UpstreamFailure ? error : new UpstreamFailure('unavailable', error.message));
      };
      const headers: Record<string, string> = { ...options.headers };
      if (body) headers['content-length'] = String(body.length);
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        { method: options.method, agent: false, lookup, headers },
        (response) => {
          const declared = Number(response.headers['content-length']);
          if (declared > limits.maxBytes) return fail(new UpstreamFailure('unavailable', `response over ${limits.maxBytes} bytes`));
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limits.maxBytes) return fail(new UpstreamFailure('unavailable', `response over ${limits.maxBytes} bytes`));
            chunks.push(chunk);
          });
          response.on('error', fail);
          response.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
              else if (value !== undefined) responseHeaders.set(name, value);
            }
            const status = response.statusCode ?? 502;
            const content = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(content, { status, headers: responseHeaders }));
          });
        },
      );
      const timer = setTimeout(() => fail(new UpstreamFailure('unavailable', `no answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
      timer.unref();
      options.signal?.addEventListener('abort', () => fail(new UpstreamFailure('unavailable', 'aborted')));
      request.on('error', fail);
      request.end(body);
    });
}

/** The signature algorithms a logout token may use: asymmetric only (never `none`, never a shared secret). */
const LOGOUT_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** How long a discovered configuration (metadata, and the JWKS openid-client caches on it) is reused. */
const CONFIGURATION_TTL_MS = 10 * 60_000;

/**
 * {@link UpstreamRelyingParty} with openid-client (a certified relying-party library): OIDC
 * providers by discovery, OAuth 2.0 ones from their configured endpoints; PKCE S256, state,
 * nonce; the ID token's signature checked too (enableNonRepudiationChecks), beside iss, aud,
 * azp, nonce, exp and iat. Every request goes through {@link policyFetch}; plain http only where
 * the policy allows loopback (development and tests).
 */
export function openidClientUpstream(policy: OutboundPolicy, limits: Limits = OUTBOUND_LIMITS): UpstreamRelyingParty {
  const fetcher = policyFetch(policy, limits) as unknown as oidc.CustomFetch;
  const configurations = new TtlCache<Promise<oidc.Configuration>>({ ttlMs: CONFIGURATION_TTL_MS, maxEntries: 1_000 });

  const build = async (client: UpstreamClient): Promise<oidc.Configuration> => {
    const auth = client.clientSecret === null ? oidc.None() : oidc.ClientSecretBasic(client.clientSecret);
    const insecure =
      new URL(client.issuer).protocol === 'http:' || [client.tokenEndpoint, client.userinfoEndpoint].some((u) => u?.startsWith('http:'));
    let config: oidc.Configuration;
    if (client.kind === 'OIDC') {
      config = await oidc.discovery(new URL(client.issuer), client.clientId, undefined, auth, {
        [oidc.customFetch]: fetcher,
        execute: insecure ? [oidc.allowInsecureRequests] : [],
        timeout: Math.ceil(limits.timeoutMs / 1000),
      });
      oidc.enableNonRepudiationChecks(config);
    } else {
      config = new oidc.Configuration(
        {
          issuer: client.issuer,
          authorization_endpoint: client.authorizationEndpoint!,
          token_endpoint: client.tokenEndpoint!,
          userinfo_endpoint: client.userinfoEndpoint!,
        },
        client.clientId,
        undefined,
        auth,
      );
      if (insecure) oidc.allowInsecureRequests(config);
    }
    config[oidc.customFetch] = fetcher;
    config.timeout = Math.ceil(limits.timeoutMs / 1000);
    return config;
  };

  const configurationOf = (client: UpstreamClient): Promise<oidc.Configuration> => {
    let found = configurations.peek(client.key);
    if (!found) {
      found = build(client);
      configurations.set(client.key, found);
      // A failed discovery is not remembered: the next sign-in tries again.
      found.catch(() => configurations.invalidate(client.key));
    }
    return found;
  };
  /** The upstream's configuration; a failed discovery is the upstream being unavailable. */
  const configured = (client: UpstreamClient): Promise<oidc.Configuration> =>
    configurationOf(client).catch((error: unknown) => {
      throw asFailure(error, 'unavailable');
    });

  // The upstream's keys by jwks_uri, under the same policy (jose caches them and refetches, at most every 30 s, on an unknown kid).
  const keySets = new TtlCache<ReturnType<typeof createRemoteJWKSet>>({ ttlMs: CONFIGURATION_TTL_MS, maxEntries: 1_000 });
  const keysOf = (client: UpstreamClient, jwksUri: string) => {
    const key = `${client.key} ${jwksUri}`;
    let found = keySets.peek(key);
    if (!found) {
      found = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: limits.timeoutMs,
        [customFetch]: (url: string, options: { method?: string; headers?: HeadersInit; signal?: AbortSignal }) =>
          (fetcher as unknown as ReturnType<typeof policyFetch>)(url, {
            method: options.method ?? 'GET',
            headers: headersOf(options.headers),
            signal: options.signal,
          }),
      });
      keySets.set(key, found);
    }
    return found;
  };

  return {
    async verifySignature(client: UpstreamClient, jwt: string): Promise<SignedByUpstream> {
      const config = await configured(client);
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new UpstreamFailure('unavailable', 'the upstream publishes no jwks_uri');
      try {
        decodeProtectedHeader(jwt);
      } catch {
        throw new UpstreamFailure('refused', 'not a signed JWT');
      }
      try {
        const { payload, protectedHeader } = await compactVerify(jwt, keysOf(client, jwksUri), { algorithms: LOGOUT_TOKEN_ALGORITHMS });
        const claims = JSON.parse(new TextDecoder().decode(payload)) as unknown;
        if (!claims || typeof claims !== 'object' || Array.isArray(claims))
          throw new UpstreamFailure('refused', 'the payload is not a JSON object');
        return { header: { ...protectedHeader }, claims: claims as Record<string, unknown> };
      } catch (error) {
        if (error instanceof UpstreamFailure) throw error;
        const code = (error as { code?: string }).code ?? '';
        // The upstream's key set could not be fetched: not the token's fault.
        if (code === 'ERR_JWKS_TIMEOUT' || (code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test((error as Error).message)))
          throw new UpstreamFailure('unavailable', `the upstream's keys could not be fetched: ${(error as Error).message}`);
        throw new UpstreamFailure('refused', `signature: ${code || 'invalid'}`);
      }
    },

    async endSessionUrl(client: UpstreamClient, parameters: UpstreamEndSession): Promise<string | null> {
      if (client.kind !== 'OIDC') return null;
      const config = await configured(client);
      if (!config.serverMetadata().end_session_endpoint) return null;
      const query: Record<string, string> = {
        post_logout_redirect_uri: parameters.postLogoutRedirectUri,
        state: parameters.state,
        client_id: client.clientId,
      };
      if (parameters.idTokenHint) query.id_token_hint = parameters.idTokenHint;
      return oidc.buildEndSessionUrl(config, query).href;
    },

    async authorizationUrl(client: UpstreamClient, checks: UpstreamChecks): Promise<string> {
      const config = await configured(client);
      const parameters: Record<string, string> = {
        redirect_uri: client.redirectUri,
        scope: client.scopes.join(' '),
        state: checks.state,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      };
      if (client.kind === 'OIDC') parameters.nonce = checks.nonce;
      return oidc.buildAuthorizationUrl(config, parameters).href;
    },

    async redeem(client: UpstreamClient, callbackUrl: string, checks: UpstreamChecks): Promise<UpstreamIdentity> {
      const config = await configured(client);
      // The token request's redirect_uri is derived from this URL: the registered one, with the callback's query.
      const current = new URL(client.redirectUri);
      current.search = new URL(callbackUrl).search;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          ...(client.kind === 'OIDC' ? { expectedNonce: checks.nonce, idTokenExpected: true } : {}),
        });
        if (client.kind === 'OIDC') {
          const claims = tokens.claims();
          if (!claims) throw new UpstreamFailure('refused', 'no ID token');
          return { issuer: claims.iss, subject: claims.sub, claims: { ...claims }, idToken: tokens.id_token };
        }
        const info = await oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck);
        if (typeof info.sub !== 'string' || info.sub.length === 0) throw new UpstreamFailure('refused', 'userinfo has no sub');
        return { issuer: client.issuer, subject: info.sub, claims: { ...info } };
      } catch (error) {
        throw asFailure(error, 'refused');
      }
    },
  };
}

/** A fetch `HeadersInit` as the plain record {@link policyFetch} takes. */
function headersOf(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init).forEach((value, name) => (out[name] = value));
  return out;
}

/** openid-client's errors as the domain's: transport trouble is `unavailable`, a failed check `refused`. */
function asFailure(error: unknown, fallback: 'unavailable' | 'refused'): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof UpstreamFailure) return cause;
  const message =
    error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}${causeOf(cause)}` : String(error);
  const transport = error instanceof TypeError || /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|fetch failed|no answer/i.test(message);
  const badAnswer = /unexpected HTTP response status|unexpected response content-type|failed to parse|JSON/i.test(message);
  return new UpstreamFailure(transport || badAnswer ? 'unavailable' : fallback, message.slice(0, 300));
}

/** What oauth4webapi's `cause` says about a failed check: the claim compared, or the underlying error. */
function causeOf(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return '';
  const claim = (cause as { claim?: unknown }).claim;
  if (typeof claim === 'string') return ` (claim ${claim})`;
  if (cause instanceof Error) return ` (${(cause as { code?: string }).code ?? cause.name}: ${cause.message})`;
  return '';
}
