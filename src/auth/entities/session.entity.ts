import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';

// Server-side sessions: the cookie holds a random token, the table only its SHA-256.
const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'session',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    tokenHash: p.string().length(64).unique('session_token_hash_unique').hidden(),
    member: () => p.manyToOne(Member).deleteRule('cascade').index('session_member_idx'),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastSeenAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    clientAddress: p.string().length(64).nullable(),
    userAgent: p.string().length(256).nullable(),
  },
});

export class Session extends SessionSchema.class {}
SessionSchema.setClass(Session);
