import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One audit trail entry; written by the audit repository, never updated. */
@Entity({ tableName: 'audit_events' })
export class AuditEventEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text' })
  outcome!: string;

  @Property({ type: 'text' })
  tenantPath!: string;

  @Property({ type: 'text' })
  actorKind!: string;

  @Property({ type: 'text', nullable: true })
  actorId?: string | null;

  @Property({ type: 'text', nullable: true })
  actorClientId?: string | null;

  @Property({ type: 'text', nullable: true })
  targetKind?: string | null;

  @Property({ type: 'text', nullable: true })
  targetId?: string | null;

  @Property({ type: 'text', nullable: true })
  clientIp?: string | null;

  @Property({ type: 'text', nullable: true })
  requestId?: string | null;

  @Property({ type: 'json', nullable: true })
  detail?: Record<string, string | number | boolean> | null;
}
