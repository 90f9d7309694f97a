import type { CalendarEvent, EventStatus, EventVisibility } from './entities/calendar-event.entity.js';
import type { EventOccurrence } from './entities/event-occurrence.entity.js';
import { localTimes } from './event-times.js';
import { occurrencesIn, scheduleOf } from './occurrences.js';
import { resourceView, type ResourceView } from './resources.service.js';
import { isoDate, isoLocal, utcToLocal } from './time-zone.js';

export interface OverrideView {
  recurrenceId: string;
  cancelled: boolean;
  start: string;
  end: string;
}

export interface EventView {
  id: number;
  uid: string;
  slug: string;
  url: string;
  title: string;
  description: string | null;
  timeZone: string;
  allDay: boolean;
  // Local wall-clock times in timeZone (all-day: dates, end = the last day).
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  rrule: string | null;
  exdates: string[];
  overrides: OverrideView[];
  visibility: EventVisibility;
  status: EventStatus;
  sequence: number;
  responsible: { id: number; name: string } | null;
  resources: ResourceView[];
  // Whether the caller may change it.
  editable: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface OccurrenceView {
  eventId: number;
  slug: string;
  url: string;
  title: string;
  recurrenceId: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  allDay: boolean;
  timeZone: string;
  status: EventStatus;
  visibility: EventVisibility;
  moved: boolean;
  resources: string[];
}

function local(zone: string, allDay: boolean, t: number, isEnd = false): string {
  const l = utcToLocal(zone, isEnd && allDay ? t - 1 : t);
  return allDay ? isoDate(l) : isoLocal(l);
}

export function eventView(
  e: CalendarEvent,
  overrides: readonly EventOccurrence[],
  publicUrl: string,
  editable: boolean,
): EventView {
  const times = localTimes(e);
  return {
    id: e.id,
    uid: e.uid,
    slug: e.slug,
    url: `${publicUrl}/events/${e.slug}`,
    title: e.title,
    description: e.description ?? null,
    timeZone: e.timeZone,
    allDay: e.allDay,
    start: times.start,
    end: times.end,
    startsAt: e.startAt.toISOString(),
    endsAt: e.endAt.toISOString(),
    rrule: e.rrule ?? null,
    exdates: [...e.exdates],
    overrides: overrides.map((o) => ({
      recurrenceId: o.recurrenceId.toISOString(),
      cancelled: o.cancelled,
      start: local(e.timeZone, e.allDay, o.startAt.getTime()),
      end: local(e.timeZone, e.allDay, o.endAt.getTime(), true),
    })),
    visibility: e.visibility,
    status: e.status,
    sequence: e.sequence,
    responsible: e.responsible ? { id: e.responsible.id, name: e.responsible.displayName } : null,
    resources: e.resources.getItems().map(resourceView),
    editable,
    version: e.version,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function occurrenceViews(
  events: readonly CalendarEvent[],
  overrides: readonly EventOccurrence[],
  from: number,
  to: number,
  publicUrl: string,
): OccurrenceView[] {
  const byEvent = new Map<number, EventOccurrence[]>();
  for (const o of overrides) byEvent.set(o.event.id, [...(byEvent.get(o.event.id) ?? []), o]);
  const out: OccurrenceView[] = [];
  for (const e of events) {
    const rows = (byEvent.get(e.id) ?? []).map((o) => ({
      recurrenceId: o.recurrenceId.getTime(),
      cancelled: o.cancelled,
      start: o.startAt.getTime(),
      end: o.endAt.getTime(),
    }));
    const resources = e.resources.getItems().map((r) => r.name);
    for (const o of occurrencesIn(scheduleOf(e), rows, from, to, 2000).items) {
      out.push({
        eventId: e.id,
        slug: e.slug,
        url: `${publicUrl}/events/${e.slug}`,
        title: e.title,
        recurrenceId: new Date(o.recurrenceId).toISOString(),
        start: local(e.timeZone, e.allDay, o.start),
        end: local(e.timeZone, e.allDay, o.end, true),
        startsAt: new Date(o.start).toISOString(),
        endsAt: new Date(o.end).toISOString(),
        allDay: e.allDay,
        timeZone: e.timeZone,
        status: o.cancelled ? 'cancelled' : e.status,
        visibility: e.visibility,
        moved: o.moved,
        resources,
      });
    }
  }
  return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.eventId - b.eventId);
}
