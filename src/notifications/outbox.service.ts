import type { EntityManager } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Page, Pagination } from '../core/pagination.js';
import { offsetOf } from '../core/pagination.js';
import { OutboxMail, type OutboxState } from './entities/outbox-mail.entity.js';
import { newMessageId } from './outbox-delivery.js';
import { renderMail, type Language, type TemplateName } from './templates/templates.js';

export interface MailToSend {
  to: string;
  template: TemplateName;
  language: Language;
  data: Record<string, string>;
  memberId?: number | null;
}

// What the board sees of a mail. Not its data: that can hold a member's registration or reset link.
export interface OutboxMailView {
  id: number;
  to: string;
  template: string;
  language: Language;
  subject: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  messageId: string;
  memberId: number | null;
  createdAt: string;
  sentAt: string | null;
}

@Injectable()
export class OutboxService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Persisted with the caller's unit of work: the mail commits, or rolls back, with the change
  // that causes it. The subject is rendered now, which also checks the data (a missing or
  // misspelt key fails the caller's transaction, not a send hours later); text and HTML are
  // rendered when sent, from the same data.
  enqueue(em: EntityManager, mail: MailToSend): void {
    const to = mail.to.trim();
    if (!/^[^\s@<>",;]+@[^\s@<>",;]+$/.test(to)) throw new Error(`outbox: "${to}" is not a mail address`);
    const { subject } = renderMail(mail.template, mail.language, mail.data, this.renderContext());
    em.create(OutboxMail, {
      toAddress: to,
      template: mail.template,
      language: mail.language,
      data: { ...mail.data },
      subject,
      state: 'queued',
      attempts: 0,
      nextAttemptAt: new Date(),
      messageId: newMessageId(this.config.mail.from),
      memberId: mail.memberId ?? null,
    });
  }

  // The member's language, else the configured default.
  languageFor(preferred: Language | null | undefined): Language {
    return preferred ?? this.config.defaultLanguage;
  }

  async list(query: { state?: OutboxState } & Pagination): Promise<Page<OutboxMailView>> {
    const em = this.orm.em.fork();
    const where = query.state ? { state: query.state } : {};
    const [rows, total] = await em.findAndCount(OutboxMail, where, {
      orderBy: { id: 'desc' },
      limit: query.pageSize,
      offset: offsetOf(query),
    });
    return { items: rows.map(toView), page: query.page, pageSize: query.pageSize, total };
  }

  renderContext() {
    return { clubName: this.config.clubName, boardAddress: this.config.mail.boardAddress };
  }
}

function toView(m: OutboxMail): OutboxMailView {
  return {
    id: m.id,
    to: m.toAddress,
    template: m.template,
    language: m.language,
    subject: m.subject,
    state: m.state,
    attempts: m.attempts,
    nextAttemptAt: m.nextAttemptAt?.toISOString() ?? null,
    lastError: m.lastError ?? null,
    messageId: m.messageId,
    memberId: m.memberId ?? null,
    createdAt: m.createdAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
  };
}
