import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';
import { MailingList } from './mailing-list.entity.js';

// A member's choice to be on an opt-in list.
const ListOptInSchema = defineEntity({
  name: 'ListOptIn',
  tableName: 'mailing_list_opt_in',
  uniques: [{ name: 'mailing_list_opt_in_unique', properties: ['list', 'member'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    list: () => p.manyToOne(MailingList).deleteRule('cascade'),
    member: () => p.manyToOne(Member).deleteRule('cascade').index('mailing_list_opt_in_member_idx'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class ListOptIn extends ListOptInSchema.class {}
ListOptInSchema.setClass(ListOptIn);
