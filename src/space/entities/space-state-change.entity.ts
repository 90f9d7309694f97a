import { defineEntity, p } from '@mikro-orm/core';

// Every opening and closing of the space, newest last: the current state is the newest row, and
// the rows before it are the history (who opened when). Append-only by use, never updated.
const SpaceStateChangeSchema = defineEntity({
  name: 'SpaceStateChange',
  tableName: 'space_state_change',
  properties: {
    id: p.integer().primary().autoincrement(),
    open: p.boolean(),
    // Shown on the start page and in the SpaceAPI ("members only", "until 22:00").
    message: p.string().length(200).nullable(),
    changedAt: p.datetime().onCreate(() => new Date()),
    // Who changed it: a member (through the page or their API token); kept as a label as well,
    // so the history stays readable after the member is erased.
    changedById: p.integer().nullable(),
    changedByLabel: p.string().length(128),
  },
});

export class SpaceStateChange extends SpaceStateChangeSchema.class {}
SpaceStateChangeSchema.setClass(SpaceStateChange);
