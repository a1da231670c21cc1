/**
 * The requested scopes the user has not granted yet. First-party clients
 * never ask (docs/contract.md "REST endpoints", /authorize); `force` (OIDC `prompt=consent`) asks
 * for everything requested again.
 */
export function scopesNeedingConsent(
  requested: readonly string[],
  granted: readonly string[],
  options: { firstParty: boolean; force: boolean },
): string[] {
  if (options.firstParty) return [];
  if (options.force) return [...requested];
  return requested.filter((scope) => !granted.includes(scope));
}
