import { defineEntity, p } from '@mikro-orm/core';

// A domain whose mail allmende manages (Postfix's virtual_mailbox_domains).
const MailDomainSchema = defineEntity({
  name: 'MailDomain',
  tableName: 'mail_domain',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(253).unique('mail_domain_name_unique'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class MailDomain extends MailDomainSchema.class {}
MailDomainSchema.setClass(MailDomain);
