import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { systemActor, type Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { AnnounceInput } from './calendar.schemas.js';
import { Announcement } from './entities/announcement.entity.js';
import type { OccurrenceView } from './event-view.js';
import { EventsService } from './events.service.js';
import { addLocalDays, isoDate, utcToLocal } from './time-zone.js';

export interface AnnounceResult {
  queued: boolean;
  to: string;
  events: number;
  // Why nothing was queued.
  reason?: 'no-events' | 'already-sent';
}

// PURE: one line per occurrence, in the mail's language and the calendar's zone.
export function announcementLine(o: OccurrenceView, language: 'de' | 'en', zone: string): string {
  const fmt = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', {
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    ...(o.allDay ? {} : { hour: '2-digit', minute: '2-digit' }),
    timeZone: o.allDay ? 'UTC' : zone,
  });
  const when = fmt.format(new Date(o.allDay ? `${o.start}T12:00:00Z` : o.startsAt));
  const where = o.resources.length > 0 ? ` (${o.resources.join(', ')})` : '';
  return `${when} ${o.title}${where} – ${o.url}`;
}

// The coming events by mail through the outbox: weekly to ALLMENDE_CALENDAR_ANNOUNCE_TO (e.g. a
// Mailman list), or on demand. A scheduled one carries its day as key, so it goes out once
// however many instances tick.
@Injectable()
export class AnnouncementsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly events: EventsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async announce(actor: Actor, input: AnnounceInput, scheduleKey?: string, now = Date.now()): Promise<AnnounceResult> {
    const cfg = this.config.calendar;
    const to = input.to ?? cfg.announce.to;
    if (!to) {
      throw AppError.validation([
        { field: 'to', message: 'no address: give one or set ALLMENDE_CALENDAR_ANNOUNCE_TO' },
      ]);
    }
    const days = input.days ?? cfg.announce.days;
    const today = utcToLocal(cfg.timeZone, now);
    const from = isoDate(today);
    const until = isoDate(addLocalDays(today, days - 1));
    // Members' events only when the list is the members' own (ALLMENDE_CALENDAR_ANNOUNCE_VISIBILITY).
    const viewer = cfg.announce.visibility === 'members' ? systemActor('announcement') : undefined;
    const occurrences = (await this.events.occurrences(viewer, { from, to: until })).filter(
      (o) => o.status !== 'cancelled' && Date.parse(o.endsAt) > now,
    );
    if (occurrences.length === 0) return { queued: false, to, events: 0, reason: 'no-events' };
    const language = this.config.defaultLanguage;
    try {
      await this.orm.em.fork().transactional(async (em) => {
        em.create(Announcement, {
          scheduleKey: scheduleKey ?? null,
          toAddress: to,
          events: occurrences.length,
          byLabel: actor.label,
        });
        // The key is unique: a second instance's tick fails here and queues nothing.
        await em.flush();
        this.outbox.enqueue(em, {
          to,
          template: 'calendar-announcement',
          language,
          data: {
            periodFrom: from,
            periodTo: until,
            events: occurrences.map((o) => announcementLine(o, language, cfg.timeZone)).join('\n'),
            calendarUrl: `${this.config.http.publicUrl}/calendar`,
          },
        });
        this.audit.record(em, actor, 'calendar.announce', null, { to, events: occurrences.length });
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        return { queued: false, to, events: occurrences.length, reason: 'already-sent' };
      }
      throw err;
    }
    return { queued: true, to, events: occurrences.length };
  }
}
