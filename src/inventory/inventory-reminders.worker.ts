import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { LOGGER, RUN_WORKERS } from '../core/tokens.js';
import { OutboxService, type MailToSend } from '../notifications/outbox.service.js';
import { addDays, isoDay } from './ownership.js';
import { thingUrl } from './thing-view.js';

const EVERY_MS = 3600_000;
const FIRST_RUN_MS = 60_000;

export interface ReminderRun {
  // false: another instance held the lock, this one did nothing.
  ran: boolean;
  overdueLoans: number;
  borrowedDue: number;
  inductions: number;
}

interface Recipient {
  private_email: string | null;
  language: 'de' | 'en' | null;
  display_name: string;
  member_id: number;
}

// Hourly: mails the borrowers of overdue loans, the board about things lent to the club whose
// date has come, and members whose induction runs out soon. Each row remembers the date it was
// reminded for, set in the transaction that queues the mail: a reminder goes out once per date,
// however many instances run this and however often. One instance at a time (advisory lock).
@Injectable()
export class InventoryRemindersWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) log: Logger,
    @Inject(RUN_WORKERS) private readonly enabled: boolean,
  ) {
    this.log = log.child({ component: 'inventory-reminders' });
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.timer = setTimeout(() => void this.tick(), FIRST_RUN_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      const run = await this.runOnce();
      if (run.overdueLoans + run.borrowedDue + run.inductions > 0) this.log.info(run, 'inventory reminders queued');
    } catch (err) {
      this.log.warn({ err }, 'inventory reminders failed; next try in an hour');
    }
    this.timer = setTimeout(() => void this.tick(), EVERY_MS);
    this.timer.unref();
  }

  // `today` is a parameter so tests can let time pass.
  async runOnce(today = isoDay(new Date())): Promise<ReminderRun> {
    return this.orm.em.fork().transactional(async (em) => {
      const [lock] = await em.execute<{ got: boolean }[]>('select pg_try_advisory_xact_lock(hashtext(?)) as got', [
        'allmende:inventory-reminders',
      ]);
      if (!lock?.got) return { ran: false, overdueLoans: 0, borrowedDue: 0, inductions: 0 };
      return {
        ran: true,
        overdueLoans: await this.overdueLoans(em, today),
        borrowedDue: await this.borrowedDue(em, today),
        inductions: await this.inductions(em, today),
      };
    });
  }

  // One bad address (it cannot come from the API, but from old data) must not stop every reminder.
  private tryEnqueue(em: EntityManager, mail: MailToSend): boolean {
    try {
      this.outbox.enqueue(em, mail);
      return true;
    } catch (err) {
      this.log.warn({ err, template: mail.template }, 'inventory reminder not queued');
      return false;
    }
  }

  private async overdueLoans(em: EntityManager, today: string): Promise<number> {
    const rows = await em.execute<(Recipient & { id: number; thing_id: number; thing_name: string; due_on: string })[]>(
      `select l.id, t.id as thing_id, t.name as thing_name, to_char(l.due_on, 'YYYY-MM-DD') as due_on,
              m.id as member_id, m.private_email, m.language, m.display_name
         from loan l join thing t on t.id = l.thing_id join member m on m.id = l.borrower_id
        where l.returned_at is null and l.due_on < ? and l.reminded_for is distinct from l.due_on
          and m.private_email is not null
        order by l.id
        for update of l skip locked`,
      [today],
    );
    for (const r of rows) {
      const queued = this.tryEnqueue(em, {
        to: r.private_email ?? '',
        template: 'loan-overdue',
        language: this.outbox.languageFor(r.language),
        data: {
          displayName: r.display_name,
          thingName: r.thing_name,
          dueOn: r.due_on,
          thingUrl: thingUrl(this.config.http.publicUrl, r.thing_id),
        },
        memberId: r.member_id,
      });
      if (queued) await em.execute('update loan set reminded_for = due_on where id = ?', [r.id]);
    }
    await em.flush();
    return rows.length;
  }

  // Without a board address the list in /api/inventory/overdue is all the board gets.
  private async borrowedDue(em: EntityManager, today: string): Promise<number> {
    const board = this.config.mail.boardAddress;
    if (!board) return 0;
    const rows = await em.execute<{ id: number; name: string; owner: string | null; owner_until: string }[]>(
      `select t.id, t.name, coalesce(m.display_name, t.owner_name) as owner,
              to_char(t.owner_until, 'YYYY-MM-DD') as owner_until
         from thing t left join member m on m.id = t.owner_member_id
        where t.ownership = 'lent-to-club' and t.archived_at is null and t.owner_until < ?
          and t.owner_until_reminded_for is distinct from t.owner_until
        order by t.id
        for update of t skip locked`,
      [today],
    );
    for (const r of rows) {
      const queued = this.tryEnqueue(em, {
        to: board,
        template: 'borrowed-thing-due',
        language: this.config.defaultLanguage,
        data: {
          displayName: r.owner ?? '?',
          thingName: r.name,
          ownerUntil: r.owner_until,
          thingUrl: thingUrl(this.config.http.publicUrl, r.id),
        },
      });
      if (queued) await em.execute('update thing set owner_until_reminded_for = owner_until where id = ?', [r.id]);
    }
    await em.flush();
    return rows.length;
  }

  private async inductions(em: EntityManager, today: string): Promise<number> {
    const until = addDays(today, this.config.inventory.inductionReminderDays);
    const rows = await em.execute<
      (Recipient & { id: number; thing_id: number; thing_name: string; expires_on: string })[]
    >(
      `select i.id, t.id as thing_id, t.name as thing_name, to_char(i.expires_on, 'YYYY-MM-DD') as expires_on,
              m.id as member_id, m.private_email, m.language, m.display_name
         from induction i join thing t on t.id = i.thing_id join member m on m.id = i.member_id
        where i.expires_on >= ? and i.expires_on <= ? and i.reminded_for is distinct from i.expires_on
          and t.archived_at is null and m.private_email is not null
        order by i.id
        for update of i skip locked`,
      [today, until],
    );
    for (const r of rows) {
      const queued = this.tryEnqueue(em, {
        to: r.private_email ?? '',
        template: 'induction-expiring',
        language: this.outbox.languageFor(r.language),
        data: {
          displayName: r.display_name,
          thingName: r.thing_name,
          expiresOn: r.expires_on,
          thingUrl: thingUrl(this.config.http.publicUrl, r.thing_id),
        },
        memberId: r.member_id,
      });
      if (queued) await em.execute('update induction set reminded_for = expires_on where id = ?', [r.id]);
    }
    await em.flush();
    return rows.length;
  }
}
