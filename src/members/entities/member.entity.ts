import { defineEntity, p } from '@mikro-orm/core';

export const MEMBER_STATES = ['invited', 'registered', 'active', 'suspended', 'left'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

const MemberSchema = defineEntity({
  name: 'Member',
  tableName: 'member',
  indexes: [
    { name: 'member_state_idx', properties: ['state'] },
    // What the daily exit job looks for.
    {
      name: 'member_exit_due_idx',
      expression:
        'create index "member_exit_due_idx" on "member" ("exit_on") where "exit_on" is not null and "erased_at" is null',
    },
    // The list's order: page 1 of 10k members reads 50 index entries instead of sorting all.
    { name: 'member_name_order_idx', properties: ['lastName', 'firstName', 'id'] },
    // Substring search over names, username, e-mail and number (pg_trgm, see the first migration).
    {
      name: 'member_search_trgm_idx',
      expression: 'create index "member_search_trgm_idx" on "member" using gin ("search_text" gin_trgm_ops)',
    },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    memberNumber: p.string().length(32).nullable().unique('member_member_number_unique'),
    firstName: p.string().length(100),
    lastName: p.string().length(100),
    displayName: p.string().length(201),
    username: p.string().length(64).unique('member_username_unique'),
    // Stored lower-cased, so the unique index is case-insensitive in effect.
    privateEmail: p.string().length(254).nullable().unique('member_private_email_unique'),
    passwordHash: p.string().length(255).nullable().hidden(),
    state: p.enum(MEMBER_STATES).default('invited'),
    language: p.enum(['de', 'en'] as const).nullable(),
    // Values of admin-defined profile fields (see ProfileField), keyed by field key.
    profile: p.json<Record<string, string>>().default('{}'),
    searchText: p
      .text()
      .generated(
        `(lower(first_name || ' ' || last_name || ' ' || display_name || ' ' || username || ' ' || coalesce(private_email, '') || ' ' || coalesce(member_number, ''))) stored`,
      )
      .hidden()
      .nullable(),
    // The member's mail choices, made at registration (the mail module turns them into addresses).
    wantsPseudonymousAddress: p.boolean().default(false),
    wantsNamedAddress: p.boolean().default(false),
    forwardToPrivate: p.boolean().default(true),
    // With forwarding: keep a copy in the club mailbox too.
    keepCopy: p.boolean().default(true),
    registeredAt: p.datetime().nullable(),
    activatedAt: p.datetime().nullable(),
    // The last password reset request that made a key: one per interval, however many are asked.
    resetRequestedAt: p.datetime().nullable(),
    // A recorded exit: on this day service access ends and the personal data is erased.
    exitOn: p.date().nullable(),
    // When the personal data was erased; the row stays as a tombstone (number, dates, username).
    erasedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});

export class Member extends MemberSchema.class {}
MemberSchema.setClass(Member);
