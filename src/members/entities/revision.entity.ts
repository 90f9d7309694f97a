import { defineEntity, p } from '@mikro-orm/core';
import { Member } from './member.entity.js';

export const REVISION_STATES = ['applied', 'pending', 'approved', 'rejected'] as const;
export type RevisionState = (typeof REVISION_STATES)[number];

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

// Every change to a member, as who/when/which fields old → new. A pending revision is a
// change that waits for the board; approving applies it, rejecting keeps it for the record.
const RevisionSchema = defineEntity({
  name: 'Revision',
  tableName: 'revision',
  indexes: [{ name: 'revision_pending_idx', properties: ['state', 'createdAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.manyToOne(Member).deleteRule('cascade').index('revision_member_idx'),
    kind: p.string().length(32),
    changes: p.json<FieldChange[]>(),
    state: p.enum(REVISION_STATES).default('applied'),
    actorId: p.integer().nullable(),
    actorLabel: p.string().length(128),
    createdAt: p.datetime().onCreate(() => new Date()),
    decidedById: p.integer().nullable(),
    decidedAt: p.datetime().nullable(),
    note: p.text().nullable(),
  },
});

export class Revision extends RevisionSchema.class {}
RevisionSchema.setClass(Revision);
