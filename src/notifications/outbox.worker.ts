import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { LOGGER, RUN_WORKERS } from '../core/tokens.js';
import type { OutboxState } from './entities/outbox-mail.entity.js';
import { MAIL_TRANSPORT, type MailTransport } from './mail.transport.js';
import { deliver, type ClaimedMail, type DeliveryContext, type DeliveryOutcome } from './outbox-delivery.js';
import { afterFailure, LEASE_SECONDS, relayPauseMs, SEND_DEADLINE_MS } from './outbox-retry.js';

const POLL_MS = 1000;
const BATCH = 20;
const CONCURRENCY = 4;
// A claimed mail is sent only if its send can end well inside the lease; later ones go back.
const SEND_BY_MS = LEASE_SECONDS * 1000 - SEND_DEADLINE_MS - 30_000;
const PURGE_EVERY_MS = 3600_000;
export const KEEP_DAYS = 90;

interface ClaimedRow extends ClaimedMail {
  previousState: OutboxState;
}

export interface OutboxRun {
  claimed: number;
  sent: number;
  failed: number;
  givenUp: number;
  released: number;
  // It claimed as many as it may: more are probably due, so the next run comes at once.
  full: boolean;
}

// Claims due mails with `for update skip locked`, so any number of instances can run it side by
// side: each row goes to one of them. A claimed row is `sending` with a lease (next_attempt_at).
//
// At least once, not exactly once: if an instance dies after the SMTP server accepted a mail but
// before the row says `sent`, the row is sent again when its lease ends (5 min), and the server
// gets it twice (with the same Message-ID). A normal stop never does this: shutdown lets the
// sends in flight finish and be recorded, and hands back claimed mails it has not started.
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  // Runs of this instance happen one after another (the timer's and runOnce() from tests alike).
  private chain: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private lastPurge = 0;
  private failing = false;
  // While the relay itself fails: how many runs in a row, until when to pause, and the mails
  // whose attempt it spoiled (due again at once when it is back).
  private relayStreak = 0;
  private pausedUntil = 0;
  private readonly relayVictims = new Set<number>();
  private readonly ctx: DeliveryContext;
  private readonly log: Logger;

  constructor(
    private readonly orm: MikroORM,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) log: Logger,
    @Inject(RUN_WORKERS) private readonly enabled: boolean,
  ) {
    this.log = log.child({ component: 'outbox' });
    this.ctx = { clubName: config.clubName, boardAddress: config.mail.boardAddress, from: config.mail.from };
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.schedule(POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.chain;
    await this.transport.close();
  }

  // One round: claim up to BATCH due mails, send them, record each outcome.
  runOnce(): Promise<OutboxRun> {
    const run = this.chain.then(() => this.claimAndSend());
    this.chain = run.catch(() => undefined);
    return run;
  }

  // Sent mails lose their address after KEEP_DAYS; given-up ones stay as long for the board to see.
  async purge(): Promise<number> {
    const rows = await this.orm.em.fork().execute<{ id: number }[]>(
      `delete from outbox_mail
        where (state = 'sent' and sent_at < now() - make_interval(days => ?))
           or (state = 'given_up' and created_at < now() - make_interval(days => ?))
        returning id`,
      [KEEP_DAYS, KEEP_DAYS],
    );
    return rows.length;
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let full = false;
    try {
      const run = await this.runOnce();
      full = run.full;
      if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
        this.lastPurge = Date.now();
        const purged = await this.purge();
        if (purged > 0) this.log.info({ purged }, `removed mails older than ${KEEP_DAYS} days`);
      }
      if (this.failing) this.log.info('outbox: the database answers again');
      this.failing = false;
    } catch (err) {
      // Logged once per outage, not every second.
      if (!this.failing) this.log.warn({ err }, 'outbox: cannot claim mails; trying again every second');
      this.failing = true;
    }
    this.schedule(full ? 0 : POLL_MS);
  }

  private async claimAndSend(): Promise<OutboxRun> {
    const run: OutboxRun = { claimed: 0, sent: 0, failed: 0, givenUp: 0, released: 0, full: false };
    if (this.stopping || performance.now() < this.pausedUntil) return run;
    const claimedAt = performance.now();
    // After a relay failure, one mail tries whether the relay is back.
    const limit = this.relayStreak > 0 ? 1 : BATCH;
    const batch = await this.claim(limit);
    run.claimed = batch.length;
    run.full = batch.length === limit;
    let relayDown = false;
    let next = 0;
    const lane = async () => {
      for (let mail = batch[next++]; mail !== undefined; mail = batch[next++]) {
        if (this.stopping || relayDown || performance.now() - claimedAt > SEND_BY_MS) {
          await this.release(mail).catch((err: unknown) => {
            this.log.warn({ err, outboxId: mail.id }, 'cannot hand a mail back; it is sent when its lease ends');
          });
          run.released++;
          continue;
        }
        const outcome = await deliver(mail, this.transport, this.ctx, AbortSignal.timeout(SEND_DEADLINE_MS));
        if (!outcome.ok && outcome.relay) {
          relayDown = true;
          if (this.relayVictims.size < 10_000) this.relayVictims.add(mail.id);
        }
        const state = await this.record(mail, outcome).catch((err: unknown) => {
          // The row stays `sending` and is taken up again when its lease ends.
          this.log.error({ err, outboxId: mail.id }, 'cannot record the outcome of a mail');
          return 'lost' as const;
        });
        if (state === 'sent') run.sent++;
        else if (state === 'failed') run.failed++;
        else if (state === 'given_up') run.givenUp++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.length) }, lane));
    if (run.sent > 0) await this.relayIsBack();
    else if (relayDown) this.relayFailed();
    return run;
  }

  private relayFailed(): void {
    this.relayStreak++;
    const pause = relayPauseMs(this.relayStreak);
    this.pausedUntil = performance.now() + pause;
    if (this.relayStreak === 1) this.log.warn('outbox: the mail relay fails; pausing, then trying one mail at a time');
    else this.log.debug({ pauseMs: pause }, 'outbox: the mail relay still fails');
  }

  // The mails whose attempt the outage spoiled need not wait out their backoff.
  private async relayIsBack(): Promise<void> {
    if (this.relayStreak === 0 && this.relayVictims.size === 0) return;
    if (this.relayStreak > 0) this.log.info('outbox: the mail relay accepts mails again');
    this.relayStreak = 0;
    this.pausedUntil = 0;
    const ids = [...this.relayVictims];
    this.relayVictims.clear();
    if (ids.length === 0) return;
    await this.orm.em
      .fork()
      .execute(
        `update outbox_mail set next_attempt_at = now()
          where state = 'failed' and id in (${ids.map(() => '?').join(', ')})`,
        ids,
      )
      .catch((err: unknown) => this.log.warn({ err }, 'outbox: cannot make the held-back mails due'));
  }

  private async claim(limit: number): Promise<ClaimedRow[]> {
    const rows = await this.orm.em.fork().execute<
      {
        id: number;
        to_address: string;
        template: string;
        language: 'de' | 'en';
        data: Record<string, string> | null;
        message_id: string;
        attempts: number;
        previous_state: OutboxState;
      }[]
    >(
      `with due as (
         select id, state from outbox_mail
          where state in ('queued', 'failed', 'sending') and next_attempt_at <= now()
          order by next_attempt_at, id
          limit ?
          for update skip locked
       )
       update outbox_mail m
          set state = 'sending', attempts = m.attempts + 1,
              next_attempt_at = now() + make_interval(secs => ?)
         from due
        where m.id = due.id
       returning m.id, m.to_address, m.template, m.language, m.data, m.message_id, m.attempts,
                 due.state as previous_state`,
      [limit, LEASE_SECONDS],
    );
    for (const r of rows) {
      if (r.previous_state === 'sending') {
        this.log.warn(
          { outboxId: r.id, attempt: r.attempts },
          'mail left in `sending` by an instance that stopped: sending it again (the server may have it already)',
        );
      }
    }
    return rows.map((r) => ({
      id: r.id,
      toAddress: r.to_address,
      template: r.template,
      language: r.language,
      data: r.data,
      messageId: r.message_id,
      attempts: r.attempts,
      previousState: r.previous_state,
    }));
  }

  // Every update names the attempt it records: a row that another instance took over after the
  // lease ran out is left alone.
  private async record(mail: ClaimedRow, outcome: DeliveryOutcome): Promise<OutboxState | 'lost'> {
    let sql: string;
    let params: unknown[];
    let state: OutboxState;
    if (outcome.ok) {
      state = 'sent';
      // The data goes: it held the links, and the mail is out.
      sql = `update outbox_mail set state = 'sent', sent_at = now(), message_id = ?, subject = ?,
                    last_error = null, next_attempt_at = null, data = null`;
      params = [outcome.messageId, outcome.subject];
    } else {
      const next = afterFailure(mail.attempts, this.config.mail.maxAttempts, outcome.permanent);
      state = next.state;
      sql =
        next.state === 'failed'
          ? `update outbox_mail set state = 'failed', last_error = ?, next_attempt_at = now() + make_interval(secs => ?)`
          : `update outbox_mail set state = 'given_up', last_error = ?, next_attempt_at = null`;
      params = next.state === 'failed' ? [outcome.error, next.retryInSeconds] : [outcome.error];
    }
    const updated = await this.withRetries(() =>
      this.orm.em
        .fork()
        .execute<{ id: number }[]>(`${sql} where id = ? and state = 'sending' and attempts = ? returning id`, [
          ...params,
          mail.id,
          mail.attempts,
        ]),
    );
    if (updated.length === 0) {
      this.log.warn({ outboxId: mail.id, attempt: mail.attempts }, 'mail was taken over by another instance');
      return 'lost';
    }
    const fields = { outboxId: mail.id, template: mail.template, attempt: mail.attempts };
    if (outcome.ok) this.log.info({ ...fields, messageId: outcome.messageId }, 'mail sent');
    else if (state === 'failed') this.log.warn({ ...fields, error: outcome.error }, 'mail not sent; will retry');
    else this.log.error({ ...fields, error: outcome.error }, 'mail given up');
    return state;
  }

  // A claimed mail not started (shutdown, or too late in its lease) goes back as it was.
  private async release(mail: ClaimedRow): Promise<void> {
    await this.orm.em.fork().execute(
      `update outbox_mail set state = ?, attempts = attempts - 1, next_attempt_at = now()
          where id = ? and state = 'sending' and attempts = ?`,
      [mail.previousState === 'queued' ? 'queued' : 'failed', mail.id, mail.attempts],
    );
  }

  // Recording a sent mail must not fail on a passing database hiccup: the mail would go out again.
  private async withRetries<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}
