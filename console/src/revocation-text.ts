/** What the revocation screens ask before acting and report after. */

/** `n tokens made inactive`, singular for one. */
export const tokensMadeInactive = (count: number): string => `${count} ${count === 1 ? 'token' : 'tokens'} made inactive`;

export type RevocationTarget =
  | { kind: 'device'; name: string }
  | { kind: 'user'; userId: string }
  | { kind: 'client'; clientId: string }
  | { kind: 'batch'; tenantPath: string; beforeIso: string };

const subject = (target: RevocationTarget): string => {
  switch (target.kind) {
    case 'device':
      return `device ${target.name}`;
    case 'user':
      return `every token of user ${target.userId}`;
    case 'client':
      return `every token of client ${target.clientId}, its users' included`;
    case 'batch':
      return `every token of ${target.tenantPath} and its subtree issued before ${target.beforeIso}`;
  }
};

/** The confirmation question: what is revoked, and that it cannot be undone. */
export const confirmRevocation = (target: RevocationTarget): string => `Revoke ${subject(target)}? This cannot be undone.`;

/** The result line shown after the API answered with `count`. */
export const revocationResult = (target: RevocationTarget, count: number): string =>
  `Revoked ${subject(target)}: ${tokensMadeInactive(count)}.`;
