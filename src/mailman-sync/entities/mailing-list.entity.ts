import { defineEntity, p } from '@mikro-orm/core';
import { Group } from '../../members/entities/group.entity.js';
import { MembershipStatus } from '../../members/entities/membership-status.entity.js';

// Who a list is for: every active member, the members of a group, the members whose current
// period has a status, or the members who opted in.
export const LIST_SOURCES = ['active', 'group', 'status', 'opt_in'] as const;
export type ListSource = (typeof LIST_SOURCES)[number];

// Which of the member's addresses the list subscribes (see memberAddresses()).
export const LIST_ADDRESSES = ['preferred', 'private'] as const;
export type ListAddress = (typeof LIST_ADDRESSES)[number];

// A Mailman list that allmende feeds. Only members with service access (state active) are subscribed.
const MailingListSchema = defineEntity({
  name: 'MailingList',
  tableName: 'mailing_list',
  properties: {
    id: p.integer().primary().autoincrement(),
    // Mailman's fqdn_listname, e.g. vorstand@example.org.
    address: p.string().length(254).unique('mailing_list_address_unique'),
    description: p.text().nullable(),
    source: p.enum(LIST_SOURCES),
    group: () => p.manyToOne(Group).nullable().deleteRule('cascade'),
    status: () => p.manyToOne(MembershipStatus).nullable().deleteRule('cascade'),
    addressKind: p.enum(LIST_ADDRESSES).default('preferred'),
    // Exclusive: allmende owns the whole roster and removes subscribers that are not members.
    exclusive: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class MailingList extends MailingListSchema.class {}
MailingListSchema.setClass(MailingList);
