import { defineEntity, p } from '@mikro-orm/core';

export const GRANTABLE_ROLES = ['helper', 'board', 'admin'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

// Board, helpers and teams. A group may grant a role to its members; the seed has
// `board` (board), `helpers` (helper) and `admins` (admin).
const GroupSchema = defineEntity({
  name: 'Group',
  tableName: 'member_group',
  properties: {
    id: p.integer().primary().autoincrement(),
    slug: p.string().length(64).unique('member_group_slug_unique'),
    name: p.string().length(100),
    description: p.text().nullable(),
    grantsRole: p.enum(GRANTABLE_ROLES).nullable(),
    // A team address (in a managed mail domain) that forwards to the group's current members.
    mailAddress: p.string().length(254).nullable().unique('member_group_mail_address_unique'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Group extends GroupSchema.class {}
GroupSchema.setClass(Group);
