import { defineEntity, p } from '@mikro-orm/core';
import { Group } from './group.entity.js';
import { Member } from './member.entity.js';

const GroupMembershipSchema = defineEntity({
  name: 'GroupMembership',
  tableName: 'group_membership',
  uniques: [{ name: 'group_membership_unique', properties: ['group', 'member'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    group: () => p.manyToOne(Group).deleteRule('cascade'),
    member: () => p.manyToOne(Member).deleteRule('cascade').index('group_membership_member_idx'),
    since: p.datetime().onCreate(() => new Date()),
  },
});

export class GroupMembership extends GroupMembershipSchema.class {}
GroupMembershipSchema.setClass(GroupMembership);
