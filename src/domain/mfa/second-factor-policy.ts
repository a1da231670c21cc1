import { errors } from '../errors';

/**
 * A tenant's second-factor policy:
 * - `OFF`: no second factor is offered or asked for (an `acr_values` asking for MFA still is);
 * - `OPTIONAL` (default): users may enrol on the account page; one who did is always asked;
 * - `REQUIRED`: every user (or, with roles listed, every holder of one of them) must use one,
 *   and is taken to enrolment at the next sign-in.
 */
export type MfaPolicy = 'OFF' | 'OPTIONAL' | 'REQUIRED';

const MFA_POLICIES: readonly MfaPolicy[] = ['OFF', 'OPTIONAL', 'REQUIRED'];

/** An `mfaPolicy` input value. */
export function validateMfaPolicy(value: string, field = 'mfaPolicy'): MfaPolicy {
  if (!(MFA_POLICIES as readonly string[]).includes(value)) throw errors.validation(field, `must be one of ${MFA_POLICIES.join(', ')}`);
  return value as MfaPolicy;
}

/** `mfaRequiredRoles`: role names (`admin` for the admin flag), trimmed, distinct, non-empty, sorted. */
export function validateMfaRequiredRoles(values: readonly string[], field = 'mfaRequiredRoles'): string[] {
  const names = [...new Set(values.map((value) => value.trim()))];
  if (names.some((name) => name.length === 0 || name.length > 100))
    throw errors.validation(field, 'role names must be 1 to 100 characters');
  return names.sort();
}

/** Whether the policy makes a second factor mandatory for a user holding `roles` (`admin` for the admin flag). */
export function secondFactorRequired(
  tenant: { readonly mfaPolicy: MfaPolicy; readonly mfaRequiredRoles: readonly string[] },
  roles: readonly string[],
): boolean {
  if (tenant.mfaPolicy !== 'REQUIRED') return false;
  return tenant.mfaRequiredRoles.length === 0 || tenant.mfaRequiredRoles.some((role) => roles.includes(role));
}
