import { defineEntity, p } from '@mikro-orm/core';
import { Member } from './member.entity.js';

export const LINK_PURPOSES = ['registration', 'password-reset', 'email-change'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

// A key sent by mail (registration, password reset, e-mail change). Only its SHA-256 is stored;
// one live key per member and purpose (a new one replaces the old), single use, expires.
const LinkTokenSchema = defineEntity({
  name: 'LinkToken',
  tableName: 'link_token',
  indexes: [{ name: 'link_token_member_purpose_idx', properties: ['member', 'purpose'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.manyToOne(Member).deleteRule('cascade'),
    purpose: p.enum(LINK_PURPOSES),
    tokenHash: p.string().length(64).unique('link_token_hash_unique'),
    expiresAt: p.datetime(),
    // What the key confirms, e.g. the new address of an e-mail change.
    data: p.json<Record<string, string>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class LinkToken extends LinkTokenSchema.class {}
LinkTokenSchema.setClass(LinkToken);
