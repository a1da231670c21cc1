/**
 * The security profiles a tenant or a client may be held to (a leaf: tenants and clients name
 * the type, src/domain/profiles/security-profile.ts owns what each one requires). `NONE` (the
 * default) is the server's ordinary rules; `FAPI2` is the FAPI 2.0 Security Profile.
 */
export const SECURITY_PROFILES = ['NONE', 'FAPI2'] as const;
export type SecurityProfile = (typeof SECURITY_PROFILES)[number];
