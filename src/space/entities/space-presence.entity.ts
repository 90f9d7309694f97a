import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';

// "I am in the space": one row per member who said so, until it expires by itself. Nobody is
// listed who did not press the button; the row goes when the member leaves or is deleted.
const SpacePresenceSchema = defineEntity({
  name: 'SpacePresence',
  tableName: 'space_presence',
  properties: {
    member: () => p.manyToOne(Member).primary().deleteRule('cascade'),
    since: p.datetime(),
    until: p.datetime().index('space_presence_until_idx'),
  },
});

export class SpacePresence extends SpacePresenceSchema.class {}
SpacePresenceSchema.setClass(SpacePresence);
