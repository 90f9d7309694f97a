import { createHash } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { atomChunks, type AtomEntry } from './atom.js';
import { buildCalendar, type FeedEvent, type FeedOverride } from './feed-calendar.js';
import { started } from './feed-text.js';
import { icsChunks } from './ics.js';
import { occurrencesIn, scheduleOf, type ShownOccurrence } from './occurrences.js';
import { isoDate, isoLocal, utcToLocal } from './time-zone.js';
import { xcalChunks } from './xcal.js';

export type FeedFormat = 'ics' | 'xml' | 'atom';

// Which events a feed holds. `members`: members' events too (private links).
export type FeedScope =
  | { kind: 'all'; members: boolean }
  | { kind: 'resource'; resourceId: number; members: boolean }
  | { kind: 'responsible'; memberId: number };

export interface Validator {
  etag: string;
  lastModified: Date;
}

export interface RenderedFeed extends Validator {
  contentType: string;
  // The text in chunks of ~64 KiB, the first one made, each other one when it is read (see
  // feed-text.ts): sent as a stream, a feed of 10,000 events is never held as a whole.
  body: Iterable<string>;
}

const CONTENT_TYPES: Record<FeedFormat, string> = {
  ics: 'text/calendar; charset=utf-8',
  xml: 'application/calendar+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

const ATOM_DAYS = 60;
const ATOM_ENTRIES = 200;
const DAY = 86_400_000;

interface EventRow {
  id: number;
  uid: string;
  slug: string;
  title: string;
  description: string | null;
  time_zone: string;
  all_day: boolean;
  start_at: string | Date;
  end_at: string | Date;
  rrule: string | null;
  exdates: string[];
  status: FeedEvent['status'];
  sequence: number;
  created_at: string | Date;
  updated_at: string | Date;
  location: string | null;
}

const ms = (v: string | Date) => new Date(v).getTime();
const startOfDay = (t: number) => Math.floor(t / DAY) * DAY;

@Injectable()
export class FeedsService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // The events of a scope, as SQL over calendar_event e. Events that ended long ago are left out.
  private filter(scope: FeedScope, now: number): { where: string; params: unknown[] } {
    // Whole days, so a feed stays the same all day between changes.
    const cutoff = new Date(startOfDay(now) - this.config.calendar.feedPastDays * DAY);
    const where = ["coalesce(e.series_end_at, 'infinity') > ?"];
    const params: unknown[] = [cutoff];
    if (scope.kind !== 'responsible' && !scope.members) where.push("e.visibility = 'public'");
    if (scope.kind === 'resource') {
      where.push(
        'exists (select 1 from calendar_event_resource er where er.calendar_event_id = e.id and er.calendar_resource_id = ?)',
      );
      params.push(scope.resourceId);
    }
    if (scope.kind === 'responsible') {
      where.push('e.responsible_id = ?');
      params.push(scope.memberId);
    }
    return { where: where.join(' and '), params };
  }

  // Cheap: one primary-key read of the feed counter (see 0011-calendar-feed-state), never a
  // rendering nor a scan of the events. Any change of the calendar changes every feed's tag; a
  // new day does too (events drop out of the window, Atom's "upcoming" moves on).
  async validator(scope: FeedScope, format: FeedFormat, now = Date.now()): Promise<Validator> {
    const [row] = await this.orm.em
      .fork()
      .execute<{ version: string; changed_at: string | Date }[]>(
        'select version::text as version, changed_at from calendar_feed_state where id = 1',
      );
    const day = startOfDay(now);
    const key = [JSON.stringify(scope), format, row?.version ?? '0', day].join('|');
    const changed = Math.max(row ? ms(row.changed_at) : 0, day);
    return {
      etag: `W/"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`,
      lastModified: new Date(Math.floor(changed / 1000) * 1000),
    };
  }

  async render(
    scope: FeedScope,
    format: FeedFormat,
    feed: { name: string; selfUrl: string },
    now = Date.now(),
  ): Promise<RenderedFeed> {
    const name = feed.name;
    // The validator first: an event changed while we render makes the next request render again.
    const validator = await this.validator(scope, format, now);
    const events = await this.events(scope, now, format === 'atom' ? now + ATOM_DAYS * DAY : undefined);
    let body: Iterable<string>;
    if (format === 'atom') {
      body = this.atom(events, feed, now);
    } else {
      const tree = buildCalendar(events, {
        name,
        publicUrl: this.config.http.publicUrl,
        refreshMinutes: this.config.calendar.refreshMinutes,
      });
      body = format === 'ics' ? icsChunks(tree) : xcalChunks(tree);
    }
    return { ...validator, contentType: CONTENT_TYPES[format], body: started(body) };
  }

  async events(scope: FeedScope, now: number, startsBefore?: number): Promise<FeedEvent[]> {
    const f = this.filter(scope, now);
    const where = startsBefore === undefined ? f.where : `${f.where} and e.start_at < ?`;
    const params = startsBefore === undefined ? f.params : [...f.params, new Date(startsBefore)];
    const em = this.orm.em.fork();
    const rows = await em.execute<EventRow[]>(
      `select e.id, e.uid, e.slug, e.title, e.description, e.time_zone, e.all_day, e.start_at, e.end_at, e.rrule,
              e.exdates, e.status, e.sequence, e.created_at, e.updated_at,
              (select string_agg(r.name, ', ' order by r.name) from calendar_event_resource er
                 join calendar_resource r on r.id = er.calendar_resource_id where er.calendar_event_id = e.id) as location
         from calendar_event e where ${where} order by e.start_at, e.id`,
      params,
    );
    const overrides = new Map<number, FeedOverride[]>();
    if (rows.some((r) => r.rrule)) {
      const orows = await em.execute<
        {
          event_id: number;
          recurrence_id: string;
          cancelled: boolean;
          start_at: string;
          end_at: string;
          sequence: number;
          updated_at: string;
        }[]
      >(
        `select o.event_id, o.recurrence_id, o.cancelled, o.start_at, o.end_at, o.sequence, o.updated_at
           from calendar_occurrence o join calendar_event e on e.id = o.event_id
          where ${where} order by o.recurrence_id`,
        params,
      );
      for (const o of orows) {
        const list = overrides.get(o.event_id) ?? [];
        list.push({
          recurrenceId: ms(o.recurrence_id),
          cancelled: o.cancelled,
          start: ms(o.start_at),
          end: ms(o.end_at),
          sequence: o.sequence,
          updatedAt: ms(o.updated_at),
        });
        overrides.set(o.event_id, list);
      }
    }
    return rows.map((r) => ({
      uid: r.uid,
      slug: r.slug,
      title: r.title,
      description: r.description,
      zone: r.time_zone,
      allDay: r.all_day,
      start: ms(r.start_at),
      end: ms(r.end_at),
      rule: r.rrule,
      exdates: r.exdates,
      status: r.status,
      sequence: r.sequence,
      createdAt: ms(r.created_at),
      updatedAt: ms(r.updated_at),
      location: r.location,
      overrides: overrides.get(r.id) ?? [],
    }));
  }

  private atom(events: readonly FeedEvent[], feed: { name: string; selfUrl: string }, now: number): Iterable<string> {
    // From the start of the day: the entries stay the same all day (as the ETag does).
    const from = startOfDay(now);
    // Every occurrence in the window, as small records: only the first 200 are made into text.
    const found: { event: FeedEvent; occurrence: ShownOccurrence }[] = [];
    let updated = 0;
    for (const e of events) {
      updated = Math.max(updated, e.updatedAt);
      const schedule = scheduleOf({
        startAt: new Date(e.start),
        endAt: new Date(e.end),
        timeZone: e.zone,
        allDay: e.allDay,
        rrule: e.rule,
        exdates: e.exdates,
      });
      const { items } = occurrencesIn(schedule, e.overrides, from, from + ATOM_DAYS * DAY, ATOM_ENTRIES);
      for (const occurrence of items) found.push({ event: e, occurrence });
    }
    found.sort((a, b) => a.occurrence.start - b.occurrence.start);
    const entries = found.slice(0, ATOM_ENTRIES).map(({ event: e, occurrence: o }): AtomEntry => {
      const start = utcToLocal(e.zone, o.start);
      const when = e.allDay ? isoDate(start) : `${isoLocal(start).slice(0, 16).replace('T', ' ')} (${e.zone})`;
      const cancelled = o.cancelled || e.status === 'cancelled';
      return {
        id: `${this.config.http.publicUrl}/events/${e.slug}#${new Date(o.recurrenceId).toISOString()}`,
        title: `${cancelled ? '[cancelled] ' : ''}${e.title} — ${when}`,
        url: `${this.config.http.publicUrl}/events/${e.slug}`,
        updated: e.updatedAt,
        summary: [when, e.location, e.description].filter(Boolean).join(' · '),
      };
    });
    return atomChunks({ id: feed.selfUrl, title: feed.name, selfUrl: feed.selfUrl, updated, entries });
  }
}
