import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';
import { Thing } from './thing.entity.js';

// A member was shown how to use a thing safely; it may run out (expiresOn) and be renewed.
const InductionSchema = defineEntity({
  name: 'Induction',
  tableName: 'induction',
  uniques: [{ name: 'induction_thing_member_unique', properties: ['thing', 'member'] }],
  indexes: [{ name: 'induction_expires_idx', properties: ['expiresOn'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    thing: () => p.manyToOne(Thing).deleteRule('cascade'),
    member: () => p.manyToOne(Member).deleteRule('cascade').index('induction_member_idx'),
    inductedOn: p.date(),
    expiresOn: p.date().nullable(),
    inductedByLabel: p.string().length(128),
    // The expiresOn for which the member was reminded: a renewal gets a new reminder.
    remindedFor: p.date().nullable(),
  },
});

export class Induction extends InductionSchema.class {}
InductionSchema.setClass(Induction);
