/** How the console words second factors and a tenant's second-factor policy. */

const KINDS: Readonly<Record<string, string>> = {
  totp: 'Authenticator app (TOTP)',
  passkey: 'Passkey',
};

/** A factor's kind for a table cell: known kinds by name (any case), an unknown one as the API spells it. */
export function factorKindText(kind: string): string {
  return KINDS[kind.toLowerCase()] ?? kind;
}

/** A tenant's policy in a line: `second factor optional`, `second factor required for admin, auditor`. */
export function mfaPolicyText(tenant: { mfaPolicy: string; mfaRequiredRoles?: readonly string[] | null }): string {
  const policy = `second factor ${tenant.mfaPolicy.toLowerCase()}`;
  if (tenant.mfaPolicy !== 'REQUIRED') return policy;
  const roles = tenant.mfaRequiredRoles ?? [];
  return roles.length === 0 ? `${policy} for everyone` : `${policy} for ${roles.join(', ')}`;
}

/** What a reset removed, for the notice after it. */
export function resetText(username: string, removed: number): string {
  const what = removed === 1 ? '1 second factor' : `${removed} second factors`;
  return `Removed ${what} of ${username}; recovery codes removed too.`;
}
