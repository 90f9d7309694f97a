import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM, OptimisticLockError } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { hasRole, type Actor } from '../core/actor.js';
import { AppError, type Problem } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { freeSlug, parseThingRef, slugify } from '../inventory/thing-ref.js';
import { Member } from '../members/entities/member.entity.js';
import { BookingsService } from './bookings.service.js';
import type { CreateEventInput, OccurrenceInput, RangeQuery, UpdateEventInput } from './calendar.schemas.js';
import { seesMembersEvents } from './calendar-access.js';
import { CalendarEvent } from './entities/calendar-event.entity.js';
import { EventFormerSlug } from './entities/event-former-slug.entity.js';
import { EventOccurrence } from './entities/event-occurrence.entity.js';
import { endKeepingLength, localTimes, rangeOrder, rangeTooLong, resolveTimes, type Times } from './event-times.js';
import { eventView, occurrenceViews, type EventView, type OccurrenceView } from './event-view.js';
import { expand, type Schedule } from './recurrence.js';
import { scheduleOf, seriesEnd } from './occurrences.js';
import { remapOverrides, type DroppedOverride } from './override-remap.js';
import { ResourcesService } from './resources.service.js';
import { isoDate, localToUtc, parseLocal, utcToLocal } from './time-zone.js';

const DAY = 86_400_000;
const MAX_RANGE_DAYS = 400;
const STALE: Problem = { message: 'the event was changed meanwhile; reload and retry', key: 'event.stale' };

// A moved or cancelled occurrence that a change of the series dropped: its date is no longer in
// the series (see override-remap.ts).
export interface DroppedOccurrence {
  recurrenceId: string;
  // The local date of its original start.
  date: string;
  cancelled: boolean;
}

export interface EventUpdate extends EventView {
  droppedOccurrences: DroppedOccurrence[];
}

@Injectable()
export class EventsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly bookings: BookingsService,
    private readonly resources: ResourcesService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(actor: Actor, input: CreateEventInput): Promise<EventView> {
    const times = this.times({
      start: input.start,
      end: input.end,
      timeZone: input.timeZone ?? this.config.calendar.timeZone,
      allDay: input.allDay ?? false,
      rrule: input.rrule,
    });
    const id = await this.orm.em.fork().transactional(async (em) => {
      const responsible = await this.responsible(em, actor, input.responsibleId);
      const resources = await Promise.all(
        unique(input.resourceIds ?? []).map((r) => this.resources.require(em, r, 'resourceIds')),
      );
      const slug = input.slug ?? (await this.freeSlugFor(em, input.title));
      await this.assertSlugFree(em, slug, 0);
      const event = em.create(CalendarEvent, {
        uid: `${randomUUID()}@${new URL(this.config.http.publicUrl).hostname}`,
        slug,
        title: input.title,
        description: input.description ?? null,
        timeZone: times.timeZone,
        allDay: times.allDay,
        startAt: new Date(times.startAt),
        endAt: new Date(times.endAt),
        rrule: times.rrule,
        exdates: times.rrule ? unique(input.exdates ?? []).sort() : [],
        seriesEndAt: null,
        responsible,
        createdById: actor.memberId,
        visibility: input.visibility ?? 'public',
        status: input.status ?? 'confirmed',
        sequence: 0,
      });
      event.resources.set(resources);
      event.seriesEndAt = toDate(seriesEnd(scheduleOf(event), times.endAt));
      await this.flush(em);
      await this.bookings.book(em, event, resources, []);
      await this.flush(em);
      this.audit.record(em, actor, 'calendar.event.create', `calendar-event:${event.id}`, { slug, title: input.title });
      return event.id;
    });
    return this.get(actor, String(id));
  }

  async update(actor: Actor, ref: string, input: UpdateEventInput): Promise<EventUpdate> {
    const { id, dropped } = await this.orm.em.fork().transactional(async (em) => {
      const event = await this.load(em, ref, actor);
      this.assertMayEdit(actor, event);
      if (input.version !== undefined && input.version !== event.version) {
        throw AppError.of('STALE_VERSION', STALE);
      }
      const series = scheduleOf(event);
      const before = localTimes(event);
      const allDay = input.allDay ?? event.allDay;
      const timeZone = input.timeZone ?? event.timeZone;
      // Switching between all-day and timed needs the times in the new form; a new start alone
      // keeps the event's length.
      const switched = allDay !== event.allDay;
      const start = input.start ?? (switched ? before.start.slice(0, 10) : before.start);
      const end =
        input.end ??
        (switched
          ? undefined
          : input.start !== undefined
            ? endKeepingLength(input.start, { ...event, timeZone })
            : before.end);
      const times = this.times({
        start,
        end,
        timeZone,
        allDay,
        rrule: input.rrule === undefined ? event.rrule : input.rrule,
      });
      const exdates = times.rrule ? unique(input.exdates ?? event.exdates).sort() : [];
      const timeChanged =
        times.startAt !== event.startAt.getTime() ||
        times.endAt !== event.endAt.getTime() ||
        times.timeZone !== event.timeZone ||
        times.allDay !== event.allDay ||
        times.rrule !== (event.rrule ?? null);
      const exdatesChanged = exdates.join(',') !== [...event.exdates].sort().join(',');
      let resources = event.resources.getItems();
      let placeChanged = false;
      if (input.resourceIds !== undefined) {
        const next = await Promise.all(
          unique(input.resourceIds).map((r) => this.resources.require(em, r, 'resourceIds')),
        );
        placeChanged =
          next
            .map((r) => r.id)
            .sort()
            .join(',') !==
          resources
            .map((r) => r.id)
            .sort()
            .join(',');
        resources = next;
        event.resources.set(next);
      }
      const statusChanged = input.status !== undefined && input.status !== event.status;
      if (input.slug !== undefined && input.slug !== event.slug) {
        await this.assertSlugFree(em, input.slug, event.id);
        // The old address keeps leading here; one the event had before is simply current again.
        await em.nativeDelete(EventFormerSlug, { slug: input.slug, event });
        em.create(EventFormerSlug, { slug: event.slug, event });
        event.slug = input.slug;
      }
      if (input.title !== undefined) event.title = input.title;
      if (input.description !== undefined) event.description = input.description ?? null;
      if (input.visibility !== undefined) event.visibility = input.visibility;
      if (input.status !== undefined) event.status = input.status;
      // Naming the one already responsible is no change (a creator may keep someone a helper named).
      if (input.responsibleId !== undefined && input.responsibleId !== (event.responsible?.id ?? null)) {
        event.responsible = await this.responsible(em, actor, input.responsibleId);
      }
      event.timeZone = times.timeZone;
      event.allDay = times.allDay;
      event.startAt = new Date(times.startAt);
      event.endAt = new Date(times.endAt);
      event.rrule = times.rrule;
      event.exdates = exdates;
      event.seriesEndAt = toDate(seriesEnd(scheduleOf(event), times.endAt));
      if (timeChanged || exdatesChanged || placeChanged || statusChanged) event.sequence += 1;
      const dropped = timeChanged || exdatesChanged ? await this.carryOverrides(em, event, series) : [];
      await this.flush(em);
      // The kept moved occurrences are booked again with the series; a clash rolls it all back.
      await this.bookings.book(em, event, resources, await this.overrideRows(em, event));
      event.updatedAt = new Date();
      await this.flush(em);
      const droppedOccurrences = dropped.map((d) => ({
        recurrenceId: new Date(d.recurrenceId).toISOString(),
        date: d.date,
        cancelled: d.cancelled,
      }));
      this.audit.record(em, actor, 'calendar.event.update', `calendar-event:${event.id}`, {
        ...input,
        ...(droppedOccurrences.length > 0 ? { droppedOccurrences: droppedOccurrences.map((d) => d.date) } : {}),
      });
      return { id: event.id, dropped: droppedOccurrences };
    });
    return { ...(await this.get(actor, String(id))), droppedOccurrences: dropped };
  }

  // The series' moved and cancelled occurrences after its times or rule changed: those whose date
  // is still in the series are re-keyed to it, the others are removed and returned.
  private async carryOverrides(em: EntityManager, event: CalendarEvent, before: Schedule): Promise<DroppedOverride[]> {
    const rows = await this.overrideRows(em, event);
    if (rows.length === 0) return [];
    const { kept, dropped } = remapOverrides(before, scheduleOf(event), rows);
    // Removed and written again: a re-keyed row may take a key another one had.
    await em.nativeDelete(EventOccurrence, { event });
    for (const k of kept) {
      em.create(EventOccurrence, {
        event,
        recurrenceId: new Date(k.recurrenceId),
        cancelled: k.cancelled,
        startAt: new Date(k.start),
        endAt: new Date(k.end),
        sequence: event.sequence,
      });
    }
    return dropped;
  }

  // Removes the event for good (its bookings with it). Cancelling (status) keeps it in the feeds
  // as STATUS:CANCELLED, which is what subscribers' calendars need to drop it.
  async remove(actor: Actor, ref: string): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const event = await this.load(em, ref, actor);
      this.assertMayEdit(actor, event);
      em.remove(event);
      this.audit.record(em, actor, 'calendar.event.delete', `calendar-event:${event.id}`, { slug: event.slug });
    });
  }

  async get(actor: Actor | undefined, ref: string): Promise<EventView> {
    const em = this.orm.em.fork();
    const event = await this.load(em, ref, actor);
    const overrides = await em.find(EventOccurrence, { event }, { orderBy: { recurrenceId: 'asc' } });
    return eventView(event, overrides, this.config.http.publicUrl, actor ? this.mayEdit(actor, event) : false);
  }

  // The next occurrences of one event (its page).
  async nextOccurrences(actor: Actor | undefined, ref: string, count: number): Promise<OccurrenceView[]> {
    const em = this.orm.em.fork();
    const event = await this.load(em, ref, actor);
    const overrides = await em.find(EventOccurrence, { event });
    const now = Date.now();
    return occurrenceViews([event], overrides, now, now + MAX_RANGE_DAYS * DAY, this.config.http.publicUrl).slice(
      0,
      count,
    );
  }

  // Occurrences between two days (in the calendar's zone), each with its event.
  async occurrences(actor: Actor | undefined, query: RangeQuery): Promise<OccurrenceView[]> {
    const zone = this.config.calendar.timeZone;
    const fromDay = parseLocal(query.from ?? isoDate(utcToLocal(zone, Date.now())));
    const from = fromDay ? localToUtc(zone, fromDay) : Date.now();
    const toDay = query.to ? parseLocal(query.to) : undefined;
    const to = toDay ? localToUtc(zone, toDay) + DAY : from + 31 * DAY;
    if (to <= from) throw AppError.validation([rangeOrder()]);
    if (to - from > MAX_RANGE_DAYS * DAY) throw AppError.validation([rangeTooLong(MAX_RANGE_DAYS)]);
    const em = this.orm.em.fork();
    const members = seesMembersEvents(actor);
    // Single occurrences moved into the window from far away.
    const movedIn = await em.execute<{ event_id: number }[]>(
      'select distinct event_id from calendar_occurrence where start_at < ? and end_at > ?',
      [new Date(to), new Date(from)],
    );
    const events = await em.find(
      CalendarEvent,
      {
        $and: [
          members ? {} : { visibility: 'public' },
          {
            $or: [
              {
                startAt: { $lt: new Date(to) },
                $or: [{ seriesEndAt: null }, { seriesEndAt: { $gt: new Date(from) } }],
              },
              { id: { $in: movedIn.map((r) => r.event_id) } },
            ],
          },
        ],
      },
      { populate: ['resources'], orderBy: { startAt: 'asc' }, limit: 5000 },
    );
    const overrides = await em.find(EventOccurrence, { event: { $in: events.map((e) => e.id) } });
    return occurrenceViews(events, overrides, from, to, this.config.http.publicUrl).slice(0, 5000);
  }

  // Moves or cancels one occurrence of a recurring event.
  async setOccurrence(actor: Actor, ref: string, recurrenceId: string, input: OccurrenceInput): Promise<EventView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      const event = await this.load(em, ref, actor);
      this.assertMayEdit(actor, event);
      const rid = this.occurrenceOf(event, recurrenceId);
      const existing = await em.findOne(EventOccurrence, { event, recurrenceId: new Date(rid) });
      const original = expand(scheduleOf(event), rid, rid + 1, 10).items.find((o) => o.recurrenceId === rid);
      let start = existing?.startAt.getTime() ?? rid;
      let end = existing?.endAt.getTime() ?? original?.end ?? rid + (event.endAt.getTime() - event.startAt.getTime());
      if (input.start !== undefined || input.end !== undefined) {
        const current = { ...event, startAt: new Date(start), endAt: new Date(end) };
        const times = this.times({
          start: input.start ?? localTimes(current).start,
          end:
            input.end ?? (input.start !== undefined ? endKeepingLength(input.start, current) : localTimes(current).end),
          timeZone: event.timeZone,
          allDay: event.allDay,
        });
        start = times.startAt;
        end = times.endAt;
      }
      event.sequence += 1;
      event.updatedAt = new Date();
      const row =
        existing ??
        em.create(EventOccurrence, {
          event,
          recurrenceId: new Date(rid),
          startAt: new Date(start),
          endAt: new Date(end),
        });
      row.cancelled = input.cancelled ?? existing?.cancelled ?? false;
      row.startAt = new Date(start);
      row.endAt = new Date(end);
      row.sequence = event.sequence;
      await this.flush(em);
      await this.bookings.book(em, event, event.resources.getItems(), await this.overrideRows(em, event));
      await this.flush(em);
      this.audit.record(em, actor, 'calendar.occurrence.set', `calendar-event:${event.id}`, {
        recurrenceId: new Date(rid).toISOString(),
        ...input,
      });
      return event.id;
    });
    return this.get(actor, String(id));
  }

  // The occurrence is as the series says again.
  async clearOccurrence(actor: Actor, ref: string, recurrenceId: string): Promise<EventView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      const event = await this.load(em, ref, actor);
      this.assertMayEdit(actor, event);
      const rid = new Date(recurrenceId).getTime();
      const existing = Number.isNaN(rid)
        ? null
        : await em.findOne(EventOccurrence, { event, recurrenceId: new Date(rid) });
      if (!existing) throw AppError.notFound('moved or cancelled occurrence');
      em.remove(existing);
      event.sequence += 1;
      event.updatedAt = new Date();
      await this.flush(em);
      await this.bookings.book(em, event, event.resources.getItems(), await this.overrideRows(em, event));
      await this.flush(em);
      return event.id;
    });
    return this.get(actor, String(id));
  }

  // ---------------------------------------------------------------- helpers

  private times(input: Parameters<typeof resolveTimes>[0]): Times {
    const t = resolveTimes(input);
    if (Array.isArray(t)) throw AppError.validation(t);
    return t;
  }

  // The event a caller may see: members' events are not there for the public (404, not 403).
  // A slug the event had before finds it too (its answer carries the current slug).
  async load(em: EntityManager, ref: string, actor: Actor | undefined): Promise<CalendarEvent> {
    const parsed = parseThingRef(ref);
    const populate = ['resources', 'responsible'] as const;
    let event = parsed ? await em.findOne(CalendarEvent, parsed, { populate }) : null;
    if (!event && parsed && 'slug' in parsed) {
      const former = await em.findOne(EventFormerSlug, { slug: parsed.slug });
      if (former) event = await em.findOne(CalendarEvent, { id: former.event.id }, { populate });
    }
    if (!event || (event.visibility === 'members' && !seesMembersEvents(actor))) throw AppError.notFound('event');
    return event;
  }

  mayEdit(actor: Actor, event: CalendarEvent): boolean {
    if (actor.memberId === null) return hasRole(actor, 'helper');
    return hasRole(actor, 'helper') || event.responsible?.id === actor.memberId || event.createdById === actor.memberId;
  }

  private assertMayEdit(actor: Actor, event: CalendarEvent): void {
    if (!this.mayEdit(actor, event)) {
      throw AppError.of('FORBIDDEN', {
        message: 'only the people responsible for the event, helpers and the board change it',
        key: 'event.editBy',
      });
    }
  }

  private occurrenceOf(event: CalendarEvent, recurrenceId: string): number {
    const rid = new Date(recurrenceId).getTime();
    if (!event.rrule) {
      const message = 'the event does not recur; change the event itself';
      throw AppError.of('INVALID_STATE', { message, key: 'event.notRecurring' });
    }
    const hit = Number.isNaN(rid)
      ? undefined
      : expand(scheduleOf(event), rid, rid + 1, 10).items.find((o) => o.recurrenceId === rid);
    if (!hit) throw AppError.notFound('occurrence');
    return rid;
  }

  private async overrideRows(em: EntityManager, event: CalendarEvent) {
    const rows = await em.find(EventOccurrence, { event });
    return rows.map((o) => ({
      recurrenceId: o.recurrenceId.getTime(),
      cancelled: o.cancelled,
      start: o.startAt.getTime(),
      end: o.endAt.getTime(),
    }));
  }

  private async responsible(em: EntityManager, actor: Actor, requested: number | null | undefined) {
    const id = requested === undefined ? actor.memberId : requested;
    if (id === null) return null;
    if (id !== actor.memberId && !hasRole(actor, 'helper')) {
      const message = 'members make events they are responsible for; helpers name someone else';
      throw AppError.of('FORBIDDEN', { message, key: 'event.responsible' });
    }
    const member = await em.findOne(Member, { id });
    // Someone else is named only while they are an active member (who can log in and be asked).
    if (!member || member.erasedAt || (id !== actor.memberId && member.state !== 'active')) {
      throw AppError.validation([
        {
          field: 'responsibleId',
          message: `there is no active member ${id}`,
          key: 'member.noneActive',
          params: { id },
        },
      ]);
    }
    return member;
  }

  private async freeSlugFor(em: EntityManager, title: string): Promise<string> {
    const base = slugify(title).replace(/^ding(?=-|$)/, 'event');
    const rows = await em.execute<{ slug: string }[]>(
      `select slug from calendar_event where slug = ? or slug like ? || '-%'
        union all select slug from calendar_event_former_slug where slug = ? or slug like ? || '-%'`,
      [base, base, base, base],
    );
    return freeSlug(base, new Set(rows.map((r) => r.slug)));
  }

  // A slug is free unless another event has it now or had it before (its old links lead there).
  private async assertSlugFree(em: EntityManager, slug: string, selfId: number): Promise<void> {
    const [clash] = await em.execute<{ title: string }[]>(
      `select title from calendar_event where slug = ? and id <> ?
        union all select e.title from calendar_event_former_slug f join calendar_event e on e.id = f.event_id
         where f.slug = ? and f.event_id <> ?
        limit 1`,
      [slug, selfId, slug, selfId],
    );
    if (clash)
      throw AppError.of(
        'CONFLICT',
        { message: `there is already an event at /events/${slug}`, key: 'event.slugAt', params: { slug } },
        [
          {
            field: 'slug',
            message: `already used by "${clash.title}"`,
            key: 'event.slugTaken',
            params: { title: clash.title },
          },
        ],
      );
  }

  private async flush(em: EntityManager): Promise<void> {
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof OptimisticLockError) {
        throw AppError.of('STALE_VERSION', STALE);
      }
      if (err instanceof UniqueConstraintViolationException) {
        throw AppError.of('CONFLICT', { message: 'there is already an event with this slug', key: 'event.slugAny' }, [
          { field: 'slug', message: 'already used by another event', key: 'event.slugUsed' },
        ]);
      }
      throw err;
    }
  }
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function toDate(t: number | null): Date | null {
  return t === null ? null : new Date(t);
}
