import { defineEntity, p } from '@mikro-orm/core';
import { Group } from '../../members/entities/group.entity.js';
import { Member } from '../../members/entities/member.entity.js';

export const ALIAS_ORIGINS = ['member', 'group', 'manual'] as const;
export type AliasOrigin = (typeof ALIAS_ORIGINS)[number];

// One row per source → destination (never a comma list). `member` and `group` rows are derived
// by the reconciler and only it touches them; `manual` rows are the board's.
const MailAliasSchema = defineEntity({
  name: 'MailAlias',
  tableName: 'mail_alias',
  indexes: [{ name: 'mail_alias_source_idx', properties: ['source'] }],
  uniques: [{ name: 'mail_alias_source_destination_unique', properties: ['source', 'destination'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    source: p.string().length(254),
    destination: p.string().length(254),
    origin: p.enum(ALIAS_ORIGINS),
    member: () => p.manyToOne(Member).deleteRule('cascade').nullable(),
    group: () => p.manyToOne(Group).deleteRule('cascade').nullable(),
    // As for mailboxes: a departed member's alias keeps forwarding until receiveUntil.
    receiveUntil: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class MailAlias extends MailAliasSchema.class {}
MailAliasSchema.setClass(MailAlias);
