import { component, prop, type IcsComponent, type IcsProperty } from './ics.js';
import { addLocalDays, icsDate, icsLocal, icsUtc, parseLocal, utcToLocal } from './time-zone.js';
import { vtimezone } from './vtimezone.js';

// PURE: events in, the VCALENDAR tree out (serialised by ics.ts or xcal.ts).

export interface FeedOverride {
  recurrenceId: number;
  cancelled: boolean;
  start: number;
  end: number;
  sequence: number;
  updatedAt: number;
}

export interface FeedEvent {
  uid: string;
  slug: string;
  title: string;
  description: string | null;
  zone: string;
  allDay: boolean;
  start: number;
  end: number;
  rule: string | null;
  exdates: readonly string[]; // local dates
  status: 'confirmed' | 'tentative' | 'cancelled';
  sequence: number;
  createdAt: number;
  updatedAt: number;
  location: string | null;
  overrides: readonly FeedOverride[];
}

export interface FeedOptions {
  name: string;
  publicUrl: string;
  refreshMinutes: number;
}

function when(name: string, zone: string, allDay: boolean, instant: number): IcsProperty {
  const local = utcToLocal(zone, instant);
  return allDay
    ? prop(name, 'date', icsDate(local), { VALUE: 'DATE' })
    : prop(name, 'date-time', icsLocal(local), { TZID: zone });
}

function exdates(e: FeedEvent): IcsProperty[] {
  if (!e.rule || e.exdates.length === 0) return [];
  const first = utcToLocal(e.zone, e.start);
  const values = e.exdates.flatMap((d) => {
    const day = parseLocal(d);
    if (!day) return [];
    return [
      e.allDay ? icsDate(day) : icsLocal({ ...day, hour: first.hour, minute: first.minute, second: first.second }),
    ];
  });
  if (values.length === 0) return [];
  return [
    e.allDay
      ? prop('EXDATE', 'date', values.join(','), { VALUE: 'DATE' })
      : prop('EXDATE', 'date-time', values.join(','), { TZID: e.zone }),
  ];
}

function common(e: FeedEvent, updatedAt: number): IcsProperty[] {
  return [
    prop('UID', 'text', e.uid),
    // A published feed's objects are stamped with their last change, which keeps the text (and
    // its ETag) the same between changes.
    prop('DTSTAMP', 'date-time', icsUtc(updatedAt)),
    prop('CREATED', 'date-time', icsUtc(e.createdAt)),
    prop('LAST-MODIFIED', 'date-time', icsUtc(updatedAt)),
  ];
}

function details(e: FeedEvent, opts: FeedOptions): IcsProperty[] {
  return [
    prop('SUMMARY', 'text', e.title),
    ...(e.description ? [prop('DESCRIPTION', 'text', e.description)] : []),
    ...(e.location ? [prop('LOCATION', 'text', e.location)] : []),
    prop('URL', 'uri', `${opts.publicUrl}/events/${e.slug}`),
  ];
}

function vevent(e: FeedEvent, opts: FeedOptions): IcsComponent[] {
  const master = component('VEVENT', [
    ...common(e, e.updatedAt),
    prop('SEQUENCE', 'integer', String(e.sequence)),
    when('DTSTART', e.zone, e.allDay, e.start),
    when('DTEND', e.zone, e.allDay, e.end),
    ...(e.rule ? [prop('RRULE', 'recur', e.rule)] : []),
    ...exdates(e),
    ...details(e, opts),
    prop('STATUS', 'text', e.status.toUpperCase()),
  ]);
  const overrides = e.rule
    ? e.overrides.map((o) =>
        component('VEVENT', [
          ...common(e, Math.max(o.updatedAt, e.updatedAt)),
          prop('SEQUENCE', 'integer', String(Math.max(o.sequence, e.sequence))),
          when('RECURRENCE-ID', e.zone, e.allDay, o.recurrenceId),
          when('DTSTART', e.zone, e.allDay, o.start),
          when('DTEND', e.zone, e.allDay, o.end),
          ...details(e, opts),
          prop('STATUS', 'text', o.cancelled || e.status === 'cancelled' ? 'CANCELLED' : e.status.toUpperCase()),
        ]),
      )
    : [];
  return [master, ...overrides];
}

function* subcomponents(
  firstYear: Map<string, number>,
  events: readonly FeedEvent[],
  opts: FeedOptions,
): Generator<IcsComponent> {
  for (const [zone, year] of [...firstYear].sort(([a], [b]) => a.localeCompare(b))) yield vtimezone(zone, year);
  for (const e of events) yield* vevent(e, opts);
}

// The calendar; its VEVENTs are made while it is written (see IcsComponent.components).
export function buildCalendar(events: readonly FeedEvent[], opts: FeedOptions): IcsComponent {
  const firstYear = new Map<string, number>();
  for (const e of events) {
    const y = new Date(e.start).getUTCFullYear() - 1;
    if (!e.allDay) firstYear.set(e.zone, Math.min(firstYear.get(e.zone) ?? y, y));
  }
  const refresh = `PT${opts.refreshMinutes}M`;
  return component(
    'VCALENDAR',
    [
      prop('VERSION', 'text', '2.0'),
      prop('PRODID', 'text', '-//allmende//calendar//EN'),
      prop('CALSCALE', 'text', 'GREGORIAN'),
      prop('METHOD', 'text', 'PUBLISH'),
      prop('NAME', 'text', opts.name),
      prop('X-WR-CALNAME', 'text', opts.name),
      prop('REFRESH-INTERVAL', 'duration', refresh, { VALUE: 'DURATION' }),
      prop('X-PUBLISHED-TTL', 'duration', refresh),
    ],
    subcomponents(firstYear, events, opts),
  );
}

// The local end shown for an all-day event is its last day (DTEND is the day after).
export function lastDay(zone: string, end: number): string {
  const l = addLocalDays(utcToLocal(zone, end), -1);
  return icsDate(l);
}
