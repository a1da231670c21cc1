import { hasControlCharacter } from '../control-characters';
import { sha256 } from '../crypto/random';
import type { Authentication } from '../mfa/authentication-methods';
import { ACR_VALUES_SUPPORTED, isMultiFactor } from '../mfa/authentication-methods';
import { DEFAULT_CLAIM_MAPPING, type IdentityProvider, type MappedField } from './identity-provider';

const USERNAME = /^[A-Za-z0-9._@+-]{1,128}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{3,32}$/;

/** The profile of a user made just in time from the upstream's claims. */
export interface UpstreamProfile {
  readonly username: string;
  readonly email: string | null;
  /** Only when the upstream says `email_verified: true` and the provider is trusted for it. */
  readonly emailVerified: boolean;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly phone: string | null;
}

const claimOf = (provider: IdentityProvider, claims: Readonly<Record<string, unknown>>, field: MappedField): string | null => {
  const value = claims[provider.claimMapping[field] ?? DEFAULT_CLAIM_MAPPING[field]];
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= 200 && !hasControlCharacter(trimmed) ? trimmed : null;
};

/**
 * Maps the upstream's claims to a profile by the provider's claim mapping (defaults: OIDC
 * standard claims). A value that does not fit a field is left out rather than refused; the
 * username falls back to the email, then to `{alias}.{digest of iss and sub}`, so it never
 * depends on anything the upstream's user can choose to collide with silently.
 */
export function profileFromClaims(
  provider: IdentityProvider,
  upstream: { issuer: string; subject: string; claims: Readonly<Record<string, unknown>> },
): UpstreamProfile {
  const { claims } = upstream;
  const emailClaim = claimOf(provider, claims, 'email');
  const email = emailClaim && EMAIL.test(emailClaim) ? emailClaim : null;
  const mapped = claimOf(provider, claims, 'username');
  const username =
    mapped && USERNAME.test(mapped)
      ? mapped
      : email && USERNAME.test(email)
        ? email
        : `${provider.alias}.${sha256(`${upstream.issuer}\u0000${upstream.subject}`).slice(0, 20)}`;
  const phone = claimOf(provider, claims, 'phone');
  return {
    username,
    email,
    emailVerified: email !== null && provider.trustEmailVerified && claims.email_verified === true,
    firstname: claimOf(provider, claims, 'firstname'),
    lastname: claimOf(provider, claims, 'lastname'),
    phone: phone && PHONE.test(phone) ? phone : null,
  };
}

/** RFC 8176 §2 registered values: only those of the upstream's `amr` are kept. */
const RFC8176 = new Set([
  'face',
  'fpt',
  'geo',
  'hwk',
  'iris',
  'kba',
  'mca',
  'mfa',
  'otp',
  'pin',
  'pop',
  'pwd',
  'rba',
  'retina',
  'sc',
  'sms',
  'swk',
  'tel',
  'user',
  'vbm',
  'wia',
]);

/**
 * How a federated session counts: the upstream's own `amr` (registered RFC 8176 values only; none
 * when it sends none, since RFC 8176 has no value for "signed in elsewhere"), and the MFA class
 * exactly when that `amr` says `mfa`, else the single-factor class.
 */
export function federatedAuthentication(claims: Readonly<Record<string, unknown>>): Authentication {
  const amr = Array.isArray(claims.amr)
    ? claims.amr.filter((value): value is string => typeof value === 'string' && RFC8176.has(value))
    : [];
  return { amr: amr as unknown as Authentication['amr'], acr: isMultiFactor(amr) ? ACR_VALUES_SUPPORTED[1]! : ACR_VALUES_SUPPORTED[0]! };
}
