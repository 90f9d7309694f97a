import type { BusyInterval } from '../../calendar/bookings.service.js';
import { addLocalDays, isoDate, parseLocal, utcToLocal } from '../../calendar/time-zone.js';
import type { FieldProblem } from '../../core/app.errors.js';
import { schemaMessage } from '../../core/zod-problems.js';
import type { Form } from '../board/board-forms.js';
import { field } from '../board/board-forms.js';

// PURE helpers of the rooms-and-events pages: what a form or query means, and how a free/busy
// answer is shown per day. No Nest, no I/O.

// The zones offered in the event form; the club's zone and the event's own are added when missing.
export const COMMON_ZONES: readonly string[] = [
  'Europe/Berlin',
  'Europe/Vienna',
  'Europe/Zurich',
  'Europe/Amsterdam',
  'Europe/Brussels',
  'Europe/Paris',
  'Europe/London',
  'Europe/Lisbon',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Prague',
  'Europe/Warsaw',
  'Europe/Stockholm',
  'Europe/Helsinki',
  'Europe/Athens',
  'UTC',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Asia/Tokyo',
];

export function zonesWith(...extra: string[]): string[] {
  return [...new Set([...extra.filter((z) => z !== ''), ...COMMON_ZONES])];
}

export interface DayRange {
  // The days shown, as YYYY-MM-DD in the calendar's zone.
  days: string[];
  date: string;
  week: string;
  problem?: FieldProblem & { field: 'date' | 'week' };
}

// Pure: the Monday of an ISO week ("2026-W49"), or undefined.
export function isoWeekMonday(week: string): string | undefined {
  const m = /^(\d{4})-W(\d{2})$/.exec(week.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || n > 53) return undefined;
  // The week with January 4th is week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  const monday = new Date(jan4 + ((n - 1) * 7 - weekday) * 86_400_000);
  const inYear = n < 53 || isoWeekOf(monday.toISOString().slice(0, 10)) === week.trim();
  return inYear ? monday.toISOString().slice(0, 10) : undefined;
}

// Pure: the ISO week ("2026-W49") a day belongs to.
export function isoWeekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(d.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const n = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return `${year}-W${String(n).padStart(2, '0')}`;
}

// Pure: the days an availability query asks for: ?date= one day, ?week= that ISO week, else
// seven days from today. A bad value names its field and falls back to the default.
export function dayRange(query: Form, today: string): DayRange {
  const date = field(query, 'date').trim();
  const week = field(query, 'week').trim();
  const span = (first: string, n: number) => {
    const start = parseLocal(first);
    return start ? Array.from({ length: n }, (_, i) => isoDate(addLocalDays(start, i))) : [];
  };
  if (date !== '') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !parseLocal(date)) {
      const problem = { field: 'date' as const, message: schemaMessage.date, key: 'field.date' as const };
      return { days: span(today, 7), date, week, problem };
    }
    return { days: [date], date, week: isoWeekOf(date) };
  }
  if (week !== '') {
    const monday = isoWeekMonday(week);
    if (!monday) {
      const problem = { field: 'week' as const, message: 'must be a week as YYYY-Www', key: 'field.week' as const };
      return { days: span(today, 7), date, week, problem };
    }
    return { days: span(monday, 7), date: monday, week };
  }
  return { days: span(today, 7), date: today, week: isoWeekOf(today) };
}

export interface BusyItem {
  from: string;
  to: string;
  event: { slug: string; title: string } | null;
}

// Pure: the busy intervals cut into the days they touch, as local HH:MM (24:00 at a day's end).
export function busyByDay(
  days: readonly string[],
  busy: readonly BusyInterval[],
  zone: string,
): { day: string; items: BusyItem[] }[] {
  const hm = (instant: number) => {
    const l = utcToLocal(zone, instant);
    return `${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
  };
  return days.map((day) => {
    const items: BusyItem[] = [];
    for (const b of busy) {
      const s = Date.parse(b.start);
      const e = Date.parse(b.end);
      const first = isoDate(utcToLocal(zone, s));
      const last = isoDate(utcToLocal(zone, e - 1));
      if (day < first || day > last) continue;
      items.push({
        from: day === first ? hm(s) : '00:00',
        to: day === last && isoDate(utcToLocal(zone, e)) === day ? hm(e) : '24:00',
        event: b.event,
      });
    }
    return { day, items };
  });
}

export type Values = Record<string, string | boolean | number[]>;

// Pure: the event form (edit, or create on /calendar) as typed, and as the events API takes it.
// All-day events take the date fields (or the date part of the time fields).
export function eventFormInput(
  form: Form,
  opts: { edit: boolean },
): { values: Values; input: Record<string, unknown> } {
  const one = (k: string) => field(form, k).trim();
  const ids = [form.resourceIds ?? []]
    .flat()
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const allDay = one('allDay') === 'on';
  const values: Values = {
    title: one('title'),
    description: one('description'),
    start: one('start'),
    end: one('end'),
    startDate: one('startDate'),
    endDate: one('endDate'),
    allDay,
    timeZone: one('timeZone'),
    rrule: one('rrule'),
    visibility: one('visibility'),
    status: one('status'),
    version: one('version'),
    resourceIds: ids,
    slug: one('slug'),
    responsible: one('responsible'),
  };
  const start = allDay ? one('startDate') || one('start').slice(0, 10) : one('start');
  const end = allDay ? one('endDate') || one('end').slice(0, 10) : one('end');
  const version = Number(one('version'));
  const blankToNull = (v: string) => (v === '' ? (opts.edit ? null : undefined) : v);
  const input: Record<string, unknown> = {
    title: one('title') === '' && opts.edit ? '' : one('title') || undefined,
    description: blankToNull(one('description')),
    start: start || undefined,
    end: end || undefined,
    allDay,
    timeZone: one('timeZone') || undefined,
    rrule: blankToNull(one('rrule')),
    visibility: one('visibility') || undefined,
    status: opts.edit ? one('status') || undefined : undefined,
    // The edit form always says which rooms: none checked means none.
    resourceIds: opts.edit || ids.length > 0 ? ids : undefined,
    version: opts.edit && Number.isInteger(version) && version > 0 ? version : undefined,
    // The edit form's address; left out of the form, it stays as it is.
    slug: opts.edit && form.slug !== undefined ? one('slug') : undefined,
  };
  return { values, input: Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
}

// Pure: where a problem is shown: times at the date fields of an all-day event, the responsible
// member at the username field.
export function timeFieldOf(fieldName: string, allDay: boolean): string {
  if (fieldName === 'responsibleId') return 'responsible';
  if (!allDay) return fieldName;
  return fieldName === 'start' ? 'startDate' : fieldName === 'end' ? 'endDate' : fieldName;
}

// At most this many dropped dates travel in the address after a save; the rest are counted.
const DROPPED_IN_URL = 20;

// Pure: where a saved edit goes: the event's (maybe new) address, with the dates of moved or
// cancelled occurrences that the change dropped, for the page to tell.
export function savedLocation(slug: string, dropped: readonly string[]): string {
  const base = `/events/${slug}?done=saved`;
  if (dropped.length === 0) return base;
  const shown = dropped.slice(0, DROPPED_IN_URL);
  const more = dropped.length - shown.length;
  return `${base}&dropped=${shown.join(',')}${more > 0 ? `&more=${more}` : ''}`;
}

// Pure: the dropped dates from that address (anything else in it is ignored).
export function droppedOf(dropped: string | undefined, more: string | undefined): { dates: string[]; more: number } {
  const dates = (dropped ?? '')
    .split(',')
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && parseLocal(d) !== undefined)
    .slice(0, DROPPED_IN_URL);
  const n = /^\d{1,5}$/.test(more ?? '') ? Number(more) : 0;
  return { dates, more: dates.length > 0 ? n : 0 };
}
