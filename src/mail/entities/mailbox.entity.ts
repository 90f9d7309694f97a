import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';
import { MailDomain } from './mail-domain.entity.js';

export const MAILBOX_ORIGINS = ['member', 'manual'] as const;
export type MailboxOrigin = (typeof MAILBOX_ORIGINS)[number];

// A mailbox. `member` ones are derived from the member store by the reconciler (one per member:
// the named address if chosen, else the pseudonymous one) and log in with the member's password;
// `manual` ones (info@, kasse@) are the board's, with their own password.
const MailboxSchema = defineEntity({
  name: 'Mailbox',
  tableName: 'mailbox',
  properties: {
    id: p.integer().primary().autoincrement(),
    address: p.string().length(254).unique('mailbox_address_unique'),
    domain: () => p.manyToOne(MailDomain).deleteRule('restrict'),
    origin: p.enum(MAILBOX_ORIGINS),
    member: () => p.manyToOne(Member).deleteRule('cascade').nullable().unique('mailbox_member_unique'),
    // The Dovecot login: the username for a member's mailbox, the address for a manual one.
    login: p.string().length(254).unique('mailbox_login_unique'),
    passwordHash: p.string().length(255).nullable().hidden(),
    quotaMb: p.integer().nullable(),
    // Relative to the mail store (e.g. example.org/karl.liebknecht/); the Dovecot config adds the root.
    maildir: p.string().length(512),
    // Set when the member stops being active: no login from then on; mail is accepted until
    // receiveUntil (the grace period), then bounced.
    endedAt: p.datetime().nullable(),
    receiveUntil: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class Mailbox extends MailboxSchema.class {}
MailboxSchema.setClass(Mailbox);
