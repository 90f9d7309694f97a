import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';

// The key in a member's private feed links. Only its SHA-256 is stored; a new key revokes the
// old one, and a revoked key answers 404 like one that never existed.
const FeedTokenSchema = defineEntity({
  name: 'FeedToken',
  tableName: 'calendar_feed_token',
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.manyToOne(Member).deleteRule('cascade').index('calendar_feed_token_member_idx'),
    tokenHash: p.string().length(64).unique('calendar_feed_token_hash_unique'),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
  },
});

export class FeedToken extends FeedTokenSchema.class {}
FeedTokenSchema.setClass(FeedToken);
