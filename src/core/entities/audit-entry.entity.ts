import { defineEntity, p } from '@mikro-orm/core';

// Append-only: a trigger in the migration refuses UPDATE and DELETE on this table.
const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  indexes: [{ name: 'audit_log_subject_idx', properties: ['subject'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    at: p.datetime().onCreate(() => new Date()),
    actorId: p.integer().nullable(),
    actorLabel: p.string().length(128),
    action: p.string().length(64),
    subject: p.string().length(128).nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
    clientAddress: p.string().length(64).nullable(),
  },
});

export class AuditEntry extends AuditEntrySchema.class {}
AuditEntrySchema.setClass(AuditEntry);
