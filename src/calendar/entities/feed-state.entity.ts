import { defineEntity, p } from '@mikro-orm/core';

// One row: a counter that every committed change of what the feeds show raises (triggers made in
// 0011-calendar-feed-state, deferred to commit, so the numbers follow the commit order). A feed's
// ETag is made from it: a 304 costs one primary-key read, whatever the number of events.
const FeedStateSchema = defineEntity({
  name: 'FeedState',
  tableName: 'calendar_feed_state',
  properties: {
    id: p.integer().primary(),
    version: p.bigint().default(0),
    changedAt: p.datetime(),
  },
});

export class FeedState extends FeedStateSchema.class {}
FeedStateSchema.setClass(FeedState);
