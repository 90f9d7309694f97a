import { defineEntity, p } from '@mikro-orm/core';

// Fixed-window counters in PostgreSQL so that every instance sees the same limits.
const RateLimitBucketSchema = defineEntity({
  name: 'RateLimitBucket',
  tableName: 'rate_limit_bucket',
  properties: {
    key: p.string().length(200).primary(),
    windowStart: p.datetime(),
    count: p.integer().default(0),
  },
});

export class RateLimitBucket extends RateLimitBucketSchema.class {}
RateLimitBucketSchema.setClass(RateLimitBucket);
