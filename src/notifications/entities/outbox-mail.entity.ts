import { defineEntity, p } from '@mikro-orm/core';

// queued: waits for its first attempt; sending: claimed by a worker (next_attempt_at is then the
// lease's end); failed: the last attempt failed, the next is due at next_attempt_at; sent; given_up.
export const OUTBOX_STATES = ['queued', 'sending', 'sent', 'failed', 'given_up'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

// One mail allmende sends, written in the transaction of the change that causes it and sent later
// by the worker. `data` holds the template's values (which can carry single-use links); it is
// erased once the mail is sent. No foreign key to member: the row outlives a deleted member.
const OutboxMailSchema = defineEntity({
  name: 'OutboxMail',
  tableName: 'outbox_mail',
  indexes: [
    { name: 'outbox_mail_state_idx', properties: ['state', 'id'] },
    { name: 'outbox_mail_member_idx', properties: ['memberId'] },
    // What the worker polls every second: only the rows still to be sent.
    {
      name: 'outbox_mail_due_idx',
      expression: `create index "outbox_mail_due_idx" on "outbox_mail" ("next_attempt_at") where "state" in ('queued', 'failed', 'sending')`,
    },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    toAddress: p.string().length(254),
    template: p.string().length(64),
    language: p.enum(['de', 'en'] as const),
    data: p.json<Record<string, string>>().nullable(),
    subject: p.text(),
    state: p.enum(OUTBOX_STATES).default('queued'),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    // The Message-ID header, fixed at enqueue: every attempt carries the same one.
    messageId: p.string().length(255),
    memberId: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
  },
});

export class OutboxMail extends OutboxMailSchema.class {}
OutboxMailSchema.setClass(OutboxMail);
