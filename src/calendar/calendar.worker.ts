import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { systemActor } from '../core/actor.js';
import { LOGGER, RUN_WORKERS } from '../core/tokens.js';
import { AnnouncementsService } from './announcements.service.js';
import { BookingsService, type ExtendRun } from './bookings.service.js';
import { isoDate, utcToLocal } from './time-zone.js';

const EVERY_MS = 24 * 3600_000;
const FIRST_RUN_MS = 60_000;

// Daily: books the occurrences of recurring events that came into the horizon (one instance at
// a time: a transaction-scoped advisory lock in BookingsService.extend). Weekly (ALLMENDE_CALENDAR_ANNOUNCE_CRON): the announcement mail.
@Injectable()
export class CalendarWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    private readonly bookings: BookingsService,
    private readonly announcements: AnnouncementsService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) log: Logger,
    @Inject(RUN_WORKERS) private readonly enabled: boolean,
  ) {
    this.log = log.child({ component: 'calendar' });
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.timer = setTimeout(() => void this.tick(), FIRST_RUN_MS);
    this.timer.unref();
    if (this.config.calendar.announce.to) {
      const job = CronJob.from({
        cronTime: this.config.calendar.announce.cron,
        timeZone: this.config.calendar.timeZone,
        onTick: () => void this.announce(),
        start: true,
        unrefTimeout: true,
      });
      this.scheduler.addCronJob('calendar:announce', job);
    }
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      const run = await this.extendOnce();
      if (run.clashes > 0) this.log.warn(run, 'calendar: occurrences not booked because the room or thing is taken');
      else if (run.events > 0) this.log.info(run, 'calendar: bookings extended to the horizon');
    } catch (err) {
      this.log.warn({ err }, 'calendar: extending bookings failed; next try in a day');
    }
    this.timer = setTimeout(() => void this.tick(), EVERY_MS);
    this.timer.unref();
  }

  // `now` is a parameter so tests can let time pass.
  extendOnce(now = Date.now()): Promise<ExtendRun & { ran: boolean }> {
    return this.bookings.extend(now);
  }

  private async announce(): Promise<void> {
    try {
      const key = `weekly:${isoDate(utcToLocal(this.config.calendar.timeZone, Date.now()))}`;
      const result = await this.announcements.announce(systemActor('calendar-announcement'), {}, key);
      this.log.info(result, 'calendar: announcement');
    } catch (err) {
      this.log.warn({ err }, 'calendar: announcement failed');
    }
  }
}
