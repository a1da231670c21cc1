import type { MiddlewareFn } from 'type-graphql';
import type { AuditEventInput } from '../domain/audit/audit-event';
import { isDomainError } from '../domain/errors';
import type { GraphQLContext } from './graphql-context';

type Args = Record<string, unknown>;
type Target = { kind: string; id: string };

/** Argument names that identify what a mutation acts on, most specific first. Secrets (tokens, passwords) never appear here. */
const TARGET_ARGS: readonly [string, string][] = [
  ['clientId', 'client'],
  ['userId', 'user'],
  ['deviceId', 'device'],
  ['path', 'tenant'],
];

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const obj = (value: unknown): Args | undefined => (value && typeof value === 'object' ? (value as Args) : undefined);

/** `createClient` → `client`, `setUserPassword` → `user`, `revokeTokensIssuedBefore` → `token`. */
export function targetKindOf(mutation: string): string {
  const noun = /^(?:create|update|delete|rotate|set|revoke|disable|enable)([A-Z][a-z]+)/.exec(mutation)?.[1];
  return noun ? noun.toLowerCase() : mutation;
}

/** What a mutation acted on, from its arguments, its input, or what it returned. */
export function targetOf(mutation: string, args: Args, result: unknown): Target | null {
  const input = obj(args.input) ?? {};
  for (const [name, kind] of TARGET_ARGS) {
    const id = str(args[name]);
    if (id) return { kind, id };
  }
  const id = str(args.id);
  if (id) return { kind: targetKindOf(mutation), id };
  const out = obj(result);
  const created = str(obj(out?.client)?.clientId) ?? str(out?.clientId);
  if (created) return { kind: 'client', id: created };
  const webhook = str(obj(out?.webhook)?.id);
  if (webhook) return { kind: 'webhook', id: webhook };
  const kind = targetKindOf(mutation);
  const made = str(out?.id) ?? str(out?.path) ?? str(input.clientId) ?? str(input.username) ?? str(input.path);
  if (made) return { kind, id: made };
  const tenantPath = str(args.tenantPath);
  return tenantPath ? { kind: 'tenant', id: tenantPath } : null;
}

/** The tenant an event belongs to: where the target lives, else where the caller lives. */
export function tenantOf(args: Args, result: unknown, fallback: string): string {
  const out = obj(result);
  const input = obj(args.input) ?? {};
  return (
    str(out?.tenantPath) ??
    str(obj(out?.client)?.tenantPath) ??
    str(obj(out?.webhook)?.tenantPath) ??
    (str(out?.path)?.startsWith('/') ? str(out?.path) : undefined) ??
    str(args.tenantPath) ??
    str(input.tenantPath) ??
    str(input.path) ??
    str(args.path) ??
    fallback
  );
}

/**
 * The counts a mutation's result reports (applyProvisioning: `{ tenants: { created, updated, unchanged }, … }`),
 * as plain numbers (`tenantsCreated: 3`), the non-zero ones; undefined when it reports none.
 */
function countsOf(result: unknown): Record<string, number> | undefined {
  const counts: Record<string, number> = {};
  for (const [kind, value] of Object.entries(obj(result) ?? {})) {
    const entry = obj(value);
    if (!entry || Array.isArray(value)) continue;
    for (const outcome of ['created', 'updated', 'unchanged'] as const) {
      const n = entry[outcome];
      if (typeof n === 'number' && n > 0) counts[`${kind}${outcome[0]!.toUpperCase()}${outcome.slice(1)}`] = n;
    }
  }
  return Object.keys(counts).length > 0 ? counts : undefined;
}

/**
 * Every root mutation leaves an audit event: a success is written before the
 * answer leaves (admin writes are rare and must not be lost); a failure is
 * queued, since failures can be made cheaply in bulk. Arguments are never
 * copied into the event (only a boolean `enabled`), so no secret can end up in the trail;
 * of a result, only the counts it reports (`applyProvisioning`: one event per apply, with them).
 */
export const auditMutation: MiddlewareFn<GraphQLContext> = async ({ args, context, info }, next) => {
  if (info.parentType.name !== 'Mutation') return next();
  const actor = context.actor;
  const base = (result: unknown): Omit<AuditEventInput, 'outcome'> => {
    const target = targetOf(info.fieldName, args as Args, result);
    // Whether the change enabled or disabled its target (a plain boolean, never a secret): webhooks tell `user.disabled` by it.
    const enabled = obj((args as Args).input)?.enabled ?? (args as Args).enabled;
    const counts = countsOf(result);
    return {
      action: info.fieldName,
      tenantPath: tenantOf(args as Args, result, actor?.tenantPath ?? '/'),
      actorKind: actor ? (actor.userId ? 'user' : 'client') : 'anonymous',
      actorId: actor ? (actor.userId ?? actor.clientId) : null,
      actorClientId: actor?.clientId ?? null,
      targetKind: target?.kind ?? null,
      targetId: target?.id ?? null,
      clientIp: context.scope.clientIp,
      requestId: context.scope.requestId,
      ...(typeof enabled === 'boolean' ? { detail: { enabled } } : {}),
      ...(counts ? { detail: counts } : {}),
    };
  };
  try {
    const result: unknown = await next();
    await context.domain.audit.recordNow({ ...base(result), outcome: 'success' });
    return result;
  } catch (error) {
    context.domain.audit.record({
      ...base(null),
      outcome: 'failure',
      detail: { error: isDomainError(error) ? error.code : 'server_error' },
    });
    throw error;
  }
};
