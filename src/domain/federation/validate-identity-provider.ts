import { hasControlCharacter } from '../control-characters';
import { ensure, errors } from '../errors';
import { outboundUrlRefusal, type OutboundPolicy } from '../outbound/outbound-policy';
import { MAPPED_FIELDS, type ClaimMapping, type IdentityProviderKind, type MappedField } from './identity-provider';

const ALIAS = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const CLAIM = /^[A-Za-z0-9_.:-]{1,128}$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const MAX_DOMAINS = 100;
const MAX_SCOPES = 50;

export function validateKind(kind: string): IdentityProviderKind {
  ensure(kind === 'OIDC' || kind === 'OAUTH2', () => errors.validation('kind', 'must be OIDC or OAUTH2'));
  return kind;
}

export function validateAlias(alias: string): string {
  ensure(ALIAS.test(alias), () => errors.validation('alias', 'must be 1-64 lower-case letters, digits and inner hyphens'));
  return alias;
}

export function validateProviderName(name: string): string {
  const trimmed = name.trim();
  ensure(trimmed.length >= 1 && trimmed.length <= 100 && !hasControlCharacter(trimmed), () =>
    errors.validation('name', 'must be 1-100 characters without control characters'),
  );
  return trimmed;
}

/**
 * A URL the server itself will request (issuer discovery, token, userinfo) or send browsers to
 * (authorization endpoint): https, not private or loopback under the outbound policy (loopback
 * http only while the server's own ISSUER is on loopback; OUTBOUND_ALLOW_CIDRS ranges allowed).
 */
export function validateUpstreamUrl(field: string, value: string, policy: OutboundPolicy): string {
  ensure(value.length <= 2048 && !hasControlCharacter(value), () => errors.validation(field, 'must be a URL of at most 2048 characters'));
  const refusal = outboundUrlRefusal(value, policy);
  ensure(refusal === null, () => errors.validation(field, refusal!));
  ensure(!new URL(value).hash, () => errors.validation(field, 'must not have a fragment'));
  return value;
}

export function validateClientId(clientId: string): string {
  ensure(clientId.length >= 1 && clientId.length <= 255 && !hasControlCharacter(clientId), () =>
    errors.validation('clientId', 'must be 1-255 characters without control characters'),
  );
  return clientId;
}

export function validateClientSecret(secret: string): string {
  ensure(secret.length >= 1 && secret.length <= 1024 && !hasControlCharacter(secret), () =>
    errors.validation('clientSecret', 'must be 1-1024 characters without control characters'),
  );
  return secret;
}

/** Scopes to ask the upstream for; `openid` is added for OIDC. */
export function validateScopes(scopes: readonly string[], kind: IdentityProviderKind): string[] {
  ensure(scopes.length <= MAX_SCOPES, () => errors.validation('scopes', `at most ${MAX_SCOPES} scopes`));
  for (const scope of scopes) ensure(SCOPE.test(scope), () => errors.validation('scopes', `"${scope.slice(0, 40)}" is not a scope token`));
  const unique = [...new Set(scopes)];
  if (kind === 'OIDC' && !unique.includes('openid')) unique.unshift('openid');
  return unique;
}

export function validateClaimMapping(mapping: Readonly<Record<string, unknown>>): ClaimMapping {
  const result: Partial<Record<MappedField, string>> = {};
  for (const [field, claim] of Object.entries(mapping)) {
    ensure((MAPPED_FIELDS as readonly string[]).includes(field), () =>
      errors.validation('claimMapping', `"${field.slice(0, 40)}" is not a profile field (${MAPPED_FIELDS.join(', ')})`),
    );
    ensure(typeof claim === 'string' && CLAIM.test(claim), () =>
      errors.validation('claimMapping', `the claim for ${field} must be 1-128 letters, digits and _ . : -`),
    );
    result[field as MappedField] = claim;
  }
  return result;
}

/** Email domains that route to the provider: lower-cased, unique, valid host names. */
export function validateEmailDomains(domains: readonly string[]): string[] {
  ensure(domains.length <= MAX_DOMAINS, () => errors.validation('emailDomains', `at most ${MAX_DOMAINS} domains`));
  const result = [...new Set(domains.map((domain) => domain.trim().toLowerCase()))];
  for (const domain of result) {
    ensure(DOMAIN.test(domain), () => errors.validation('emailDomains', `"${domain.slice(0, 60)}" is not a domain name`));
  }
  return result;
}

/** The domain of an email address as typed on the sign-in form (lower case), or null when it is not one. */
export function emailDomainOf(value: string | undefined): string | null {
  if (!value) return null;
  const at = value.lastIndexOf('@');
  if (at < 1 || at === value.length - 1 || value.length > 320) return null;
  const domain = value
    .slice(at + 1)
    .trim()
    .toLowerCase();
  return DOMAIN.test(domain) ? domain : null;
}
