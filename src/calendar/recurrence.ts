import ICAL from 'ical.js';
import type { Problem } from '../core/app.errors.js';
import { addLocalDays, icsDate, icsUtc, localAsUtc, localToUtc, utcToLocal, type LocalDateTime } from './time-zone.js';

// Recurrence rules (RRULE) of events: checked and normalised when an event is saved, expanded
// into occurrences for bookings, free/busy and the Atom feed. A rule is expanded in the event's
// wall-clock time (floating, as RFC 5545 says) and each occurrence then placed in its zone, so a
// weekly 19:00 in Berlin stays 19:00 across the changes to and from summer time.

// Clubs meet daily at most: finer rules would make thousands of bookings for one event.
const FREQS = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const PARTS = [
  'FREQ',
  'INTERVAL',
  'COUNT',
  'UNTIL',
  'BYDAY',
  'BYMONTHDAY',
  'BYMONTH',
  'BYSETPOS',
  'BYWEEKNO',
  'BYYEARDAY',
  'WKST',
];
export const MAX_COUNT = 1000;
// Steps of the iterator for one expansion: a daily rule from 1900 to 2100 is 73,000.
const MAX_STEPS = 100_000;
const DAY = 86_400_000;

export interface Schedule {
  start: LocalDateTime; // the first occurrence's wall-clock start (midnight for all-day events)
  zone: string;
  allDay: boolean;
  // Exact length of timed events in ms; whole days of all-day events.
  durationMs: number;
  days: number;
  rule: string | null; // normalised, see normalizeRule
  exdates: readonly number[]; // UTC starts of occurrences left out
}

export interface Occurrence {
  // The occurrence's original start (UTC ms): its RECURRENCE-ID, stable when it is moved.
  recurrenceId: number;
  start: number;
  end: number;
}

// A refused rule's problem in English, with the key a page says it by (see Problem).
export type RuleResult = { rule: string } | { problem: Problem };

const MAX_INTERVAL = 999;

function parseUntil(value: string, zone: string, allDay: boolean): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (m[4] === undefined) {
    // A date: through the end of that day (for all-day events: that day is the last one).
    const l = { ...date, hour: allDay ? 0 : 23, minute: allDay ? 0 : 59, second: allDay ? 0 : 59 };
    return localToUtc(zone, l);
  }
  const l = { ...date, hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]) };
  const t = m[7] === 'Z' ? localAsUtc(l) : localToUtc(zone, l);
  return Number.isNaN(t) ? undefined : t;
}

// The rule as stored and published, or why it is refused. UNTIL is rewritten to UTC (a date for
// all-day events), which RFC 5545 requires next to a DTSTART with a TZID.
export function normalizeRule(input: string, start: LocalDateTime, zone: string, allDay: boolean): RuleResult {
  const text = input
    .trim()
    .replace(/^RRULE:/i, '')
    .toUpperCase();
  if (text.length === 0 || text.length > 500) {
    return { problem: { message: 'must be an RRULE such as FREQ=WEEKLY;BYDAY=TU', key: 'rrule.form' } };
  }
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const [key = '', value, extra] = part.split('=');
    if (value === undefined || extra !== undefined || value === '') {
      return { problem: { message: `"${part}" is not KEY=VALUE`, key: 'rrule.keyValue', params: { part } } };
    }
    if (!PARTS.includes(key)) {
      const params = { part: key, parts: PARTS.join(', ') };
      return {
        problem: { message: `${key} is not supported (use ${params.parts})`, key: 'rrule.unsupported', params },
      };
    }
    if (parts.has(key))
      return { problem: { message: `${key} is given twice`, key: 'rrule.twice', params: { part: key } } };
    parts.set(key, value);
  }
  const freq = parts.get('FREQ');
  if (!freq) return { problem: { message: 'FREQ is missing', key: 'rrule.noFreq' } };
  if (!FREQS.includes(freq)) {
    const freqs = FREQS.join(', ');
    return { problem: { message: `FREQ must be one of ${freqs}`, key: 'rrule.freq', params: { freqs } } };
  }
  const count = parts.get('COUNT');
  if (count !== undefined && !(/^\d{1,4}$/.test(count) && Number(count) >= 1 && Number(count) <= MAX_COUNT)) {
    const message = `COUNT must be a whole number from 1 to ${MAX_COUNT}`;
    return { problem: { message, key: 'rrule.count', params: { max: MAX_COUNT } } };
  }
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && !(/^\d{1,3}$/.test(interval) && Number(interval) >= 1)) {
    const message = `INTERVAL must be a whole number from 1 to ${MAX_INTERVAL}`;
    return { problem: { message, key: 'rrule.interval', params: { max: MAX_INTERVAL } } };
  }
  const untilText = parts.get('UNTIL');
  if (untilText !== undefined) {
    if (count !== undefined)
      return { problem: { message: 'COUNT and UNTIL exclude each other', key: 'rrule.countUntil' } };
    const until = parseUntil(untilText, zone, allDay);
    if (until === undefined) {
      const message = 'UNTIL must be a date (20261231) or a time (20261231T235959Z)';
      return { problem: { message, key: 'rrule.untilForm' } };
    }
    if (until < localToUtc(zone, start))
      return { problem: { message: 'UNTIL is before the start', key: 'rrule.untilBefore' } };
    parts.set('UNTIL', allDay ? icsDate(utcToLocal(zone, until)) : icsUtc(until));
  }
  const rule = [...parts].map(([k, v]) => `${k}=${v}`).join(';');
  try {
    // ical.js checks the BY… values (days, months, ranges).
    ICAL.Recur.fromString(rule);
  } catch (err) {
    const detail = (err as Error).message;
    return { problem: { message: detail, key: 'rrule.invalid', params: { detail } } };
  }
  return { rule };
}

function untilOf(rule: string, zone: string, allDay: boolean): number | undefined {
  const m = /(?:^|;)UNTIL=([0-9TZ]+)/.exec(rule);
  if (!m?.[1]) return undefined;
  const v = m[1];
  if (allDay) {
    const d = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
    return d
      ? localToUtc(zone, { year: +d[1]!, month: +d[2]!, day: +d[3]!, hour: 0, minute: 0, second: 0 })
      : undefined;
  }
  const t = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return t ? Date.UTC(+t[1]!, +t[2]! - 1, +t[3]!, +t[4]!, +t[5]!, +t[6]!) : undefined;
}

function endOf(s: Schedule, start: number): number {
  if (!s.allDay) return start + s.durationMs;
  return localToUtc(s.zone, addLocalDays(utcToLocal(s.zone, start), s.days));
}

// Occurrences that overlap [from, to), in order, at most `limit`. `truncated` says the window or
// the step bound cut the series (more would follow).
export function expand(
  s: Schedule,
  from: number,
  to: number,
  limit = 10_000,
): { items: Occurrence[]; truncated: boolean } {
  const first = localToUtc(s.zone, s.start);
  if (!s.rule) {
    const end = endOf(s, first);
    return { items: end > from && first < to ? [{ recurrenceId: first, start: first, end }] : [], truncated: false };
  }
  const until = untilOf(s.rule, s.zone, s.allDay);
  const rule = s.rule.replace(/;?UNTIL=[0-9TZ]+/, '').replace(/^;/, '');
  const iterator = ICAL.Recur.fromString(rule).iterator(
    ICAL.Time.fromData({
      year: s.start.year,
      month: s.start.month,
      day: s.start.day,
      hour: s.start.hour,
      minute: s.start.minute,
      second: s.start.second,
      isDate: false,
    }),
  );
  const excluded = new Set(s.exdates);
  const items: Occurrence[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = iterator.next();
    if (!next) return { items, truncated: false };
    const local = {
      year: next.year,
      month: next.month,
      day: next.day,
      hour: next.hour,
      minute: next.minute,
      second: next.second,
    };
    // Far before the window no zone lookup is needed (offsets are below a day).
    if (localAsUtc(local) + s.durationMs + s.days * DAY + 2 * DAY < from) continue;
    const start = localToUtc(s.zone, local);
    if (until !== undefined && start > until) return { items, truncated: false };
    if (start >= to) return { items, truncated: true };
    if (excluded.has(start)) continue;
    const end = endOf(s, start);
    if (end > from) {
      items.push({ recurrenceId: start, start, end });
      if (items.length >= limit) return { items, truncated: true };
    }
  }
  return { items, truncated: true };
}
