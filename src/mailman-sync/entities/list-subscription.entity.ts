import { defineEntity, p } from '@mikro-orm/core';
import { MailingList } from './mailing-list.entity.js';

// An address allmende subscribed (or found subscribed and adopted because it is a member's).
// What is not here was added by hand, and a list that is not exclusive leaves it alone.
const ListSubscriptionSchema = defineEntity({
  name: 'ListSubscription',
  tableName: 'mailing_list_subscription',
  uniques: [{ name: 'mailing_list_subscription_unique', properties: ['list', 'email'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    list: () => p.manyToOne(MailingList).deleteRule('cascade'),
    // Lower case.
    email: p.string().length(254),
    memberId: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class ListSubscription extends ListSubscriptionSchema.class {}
ListSubscriptionSchema.setClass(ListSubscription);
