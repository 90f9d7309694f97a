import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';
import { Location } from './location.entity.js';

// club: the club's own; lent-to-club: someone lent it to the club until ownerUntil;
// member-owned: a member's own thing kept in the space; donated: given to the club by the owner.
export const OWNERSHIPS = ['club', 'lent-to-club', 'member-owned', 'donated'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];

const ThingSchema = defineEntity({
  name: 'Thing',
  tableName: 'thing',
  indexes: [
    // The list's order: a page of 20,000 things reads 50 index entries instead of sorting all.
    { name: 'thing_name_order_idx', properties: ['name', 'id'] },
    { name: 'thing_tags_idx', expression: 'create index "thing_tags_idx" on "thing" using gin ("tags")' },
    // Full-text search over name, slug, description, tags, location path and owner.
    {
      name: 'thing_search_idx',
      expression: 'create index "thing_search_idx" on "thing" using gin ("search_vector")',
    },
    // Substrings of short names and slugs ("mk3" in "prusa-mk3s"), which full-text words miss.
    {
      name: 'thing_name_trgm_idx',
      expression: 'create index "thing_name_trgm_idx" on "thing" using gin ("search_name" gin_trgm_ops)',
    },
    // What the reminder job looks for: things lent to the club whose date has come.
    {
      name: 'thing_owner_until_idx',
      expression:
        'create index "thing_owner_until_idx" on "thing" ("owner_until") where "ownership" = \'lent-to-club\' and "archived_at" is null',
    },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    slug: p.string().length(64).unique('thing_slug_unique'),
    name: p.string().length(200),
    description: p.text().nullable(),
    location: () => p.manyToOne(Location).nullable().deleteRule('restrict').index('thing_location_idx'),
    tags: p.array().defaultRaw("'{}'"),
    ownership: p.enum(OWNERSHIPS).default('club'),
    // The owner (lender, member, donor): a member, or a name for someone who is not one.
    ownerMember: () => p.manyToOne(Member).nullable().deleteRule('set null').index('thing_owner_member_idx'),
    ownerName: p.string().length(200).nullable(),
    // lent-to-club: the day it goes back to its owner.
    ownerUntil: p.date().nullable(),
    // The ownerUntil for which the board was reminded: a new date gets a new reminder.
    ownerUntilRemindedFor: p.date().nullable(),
    needsInduction: p.boolean().default(false),
    // Gone (given back, broken, sold): kept for its history, hidden from search and reminders.
    archivedAt: p.datetime().nullable(),
    // Location path and owner names, kept up to date by the service: generated columns cannot join.
    searchExtra: p.text().default('').hidden(),
    searchVector: p
      .text()
      .columnType('tsvector')
      .generated(
        `(setweight(to_tsvector('simple', name || ' ' || replace(slug, '-', ' ')), 'A') || setweight(to_tsvector('simple', search_extra), 'B') || setweight(to_tsvector('simple', coalesce(description, '')), 'C')) stored`,
      )
      .hidden()
      .lazy()
      .nullable(),
    searchName: p.text().generated(`(lower(slug || ' ' || name)) stored`).hidden().lazy().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});

export class Thing extends ThingSchema.class {}
ThingSchema.setClass(Thing);
