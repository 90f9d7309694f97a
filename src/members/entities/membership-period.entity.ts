import { defineEntity, p } from '@mikro-orm/core';
import { Member } from './member.entity.js';
import { MembershipStatus } from './membership-status.entity.js';

// History, not a flag: a status change closes the open period and opens a new one.
const MembershipPeriodSchema = defineEntity({
  name: 'MembershipPeriod',
  tableName: 'membership_period',
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.manyToOne(Member).deleteRule('cascade').index('membership_period_member_idx'),
    status: () => p.manyToOne(MembershipStatus).deleteRule('restrict'),
    begin: p.date(),
    end: p.date().nullable(),
  },
});

export class MembershipPeriod extends MembershipPeriodSchema.class {}
MembershipPeriodSchema.setClass(MembershipPeriod);
