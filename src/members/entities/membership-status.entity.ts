import { defineEntity, p } from '@mikro-orm/core';

// Statuses are data, editable by the admin; the seed has member, supporter, applicant, suspended, former.
const MembershipStatusSchema = defineEntity({
  name: 'MembershipStatus',
  tableName: 'membership_status',
  properties: {
    code: p.string().length(32).primary(),
    label: p.string().length(100),
    // Whether a period with this status counts as membership (for votes, lists, services).
    isMembership: p.boolean().default(false),
    sortOrder: p.integer().default(0),
  },
});

export class MembershipStatus extends MembershipStatusSchema.class {}
MembershipStatusSchema.setClass(MembershipStatus);
