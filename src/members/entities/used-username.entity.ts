import { defineEntity, p } from '@mikro-orm/core';

// A username once given is never given again, even after the member is deleted:
// this table outlives the member row (no foreign key on purpose).
const UsedUsernameSchema = defineEntity({
  name: 'UsedUsername',
  tableName: 'used_username',
  properties: {
    username: p.string().length(64).primary(),
    memberId: p.integer().nullable(),
    takenAt: p.datetime().onCreate(() => new Date()),
  },
});

export class UsedUsername extends UsedUsernameSchema.class {}
UsedUsernameSchema.setClass(UsedUsername);
