import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';

// Tokens for automation: stored as SHA-256 only, limited by scopes and by the owner's roles.
const ApiTokenSchema = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    name: p.string().length(100),
    tokenHash: p.string().length(64).unique('api_token_token_hash_unique').hidden(),
    scopes: p.array<string>(),
    owner: () => p.manyToOne(Member).deleteRule('cascade'),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export class ApiToken extends ApiTokenSchema.class {}
ApiTokenSchema.setClass(ApiToken);
