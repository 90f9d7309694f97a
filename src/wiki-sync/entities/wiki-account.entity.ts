import { defineEntity, p } from '@mikro-orm/core';

// A wiki user allmende created for a member. A wiki user without a row here is not allmende's:
// it is reported on a name collision and never changed.
const WikiAccountSchema = defineEntity({
  name: 'WikiAccount',
  tableName: 'wiki_account',
  properties: {
    id: p.integer().primary().autoincrement(),
    // No foreign key: the row outlives an erased member, so the wiki user stays blocked.
    memberId: p.integer().unique('wiki_account_member_unique'),
    wikiUserId: p.integer().unique('wiki_account_wiki_user_unique'),
    wikiName: p.string().length(255),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class WikiAccount extends WikiAccountSchema.class {}
WikiAccountSchema.setClass(WikiAccount);
