/** Who did it: a client (client_credentials), a user (through a client), nobody signed in, the server itself, or a SCIM token (src/domain/scim). */
export type AuditActorKind = 'client' | 'user' | 'anonymous' | 'system' | 'scim';

export type AuditOutcome = 'success' | 'failure';

/** Plain detail values only: the audit trail never holds secrets, tokens, codes or hashes. */
export type AuditDetail = Readonly<Record<string, string | number | boolean>>;

/** What happened, by whom, to what, where and from where. */
export interface AuditEventInput {
  /** What happened, e.g. `createClient`, `signin`, `token`, `revoke`, `throttle`. */
  readonly action: string;
  readonly outcome: AuditOutcome;
  /** The tenant the event belongs to; admins see events of their subtree. */
  readonly tenantPath: string;
  readonly actorKind: AuditActorKind;
  /** User id, client id, or the username tried at a failed sign-in. */
  readonly actorId?: string | null;
  /** The client the actor came through. */
  readonly actorClientId?: string | null;
  readonly targetKind?: string | null;
  readonly targetId?: string | null;
  readonly clientIp?: string | null;
  readonly requestId?: string | null;
  readonly detail?: AuditDetail | null;
}

export interface AuditEvent extends AuditEventInput {
  readonly id: string;
  readonly occurredAt: Date;
}

export interface AuditFilter {
  /** A tenant and its subtree. */
  readonly tenantPath: string;
  readonly action?: string | null;
  /** Matches the actor id or the actor's client id. */
  readonly actor?: string | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}
