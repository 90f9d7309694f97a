import type { FieldProblem } from '../core/app.errors.js';
import { normalizeRule } from './recurrence.js';
import {
  addLocalDays,
  canonicalTimeZone,
  isoDate,
  isoLocal,
  localToUtc,
  parseLocal,
  utcToLocal,
  type LocalDateTime,
} from './time-zone.js';

// PURE: an event's times as people enter them (local wall-clock times in a zone) → instants.

export interface TimesInput {
  start: string;
  end?: string | undefined;
  timeZone: string;
  allDay: boolean;
  rrule?: string | null | undefined;
}

export interface Times {
  timeZone: string;
  allDay: boolean;
  startAt: number;
  endAt: number; // exclusive; for all-day events midnight after the last day
  start: LocalDateTime;
  rrule: string | null;
}

// An event may last up to 31 days (a camp); longer ones are no bookings.
const MAX_DAYS = 31;

const NOT_REAL = { message: 'is not a real date and time', key: 'time.real' } as const;

export function resolveTimes(input: TimesInput): Times | FieldProblem[] {
  const timeZone = canonicalTimeZone(input.timeZone);
  if (!timeZone)
    return [
      {
        field: 'timeZone',
        message: `unknown time zone "${input.timeZone}" (use an IANA name such as Europe/Berlin)`,
        key: 'time.zone',
        params: { zone: input.timeZone },
      },
    ];
  const start = parseLocal(input.start);
  if (!start) return [{ field: 'start', ...NOT_REAL }];
  const end = input.end === undefined ? undefined : parseLocal(input.end);
  if (input.end !== undefined && !end) return [{ field: 'end', ...NOT_REAL }];
  let startAt: number;
  let endAt: number;
  let first: LocalDateTime;
  if (input.allDay) {
    if (input.start.includes('T') || input.end?.includes('T')) {
      return [
        { field: 'start', message: 'all-day events take dates (YYYY-MM-DD), not times', key: 'time.allDayDates' },
      ];
    }
    first = { ...start, hour: 0, minute: 0, second: 0 };
    const last = end ?? first;
    startAt = localToUtc(timeZone, first);
    endAt = localToUtc(timeZone, addLocalDays({ ...last, hour: 0, minute: 0, second: 0 }, 1));
    if (endAt <= startAt) return [{ field: 'end', message: 'the last day is before the first', key: 'time.lastDay' }];
  } else {
    if (!input.start.includes('T')) {
      return [{ field: 'start', message: 'needs a time (YYYY-MM-DDTHH:MM), or set allDay', key: 'time.needsTime' }];
    }
    if (!end || !input.end?.includes('T')) {
      return [{ field: 'end', message: 'needs a time (YYYY-MM-DDTHH:MM)', key: 'time.needsTime' }];
    }
    first = start;
    startAt = localToUtc(timeZone, start);
    endAt = localToUtc(timeZone, end);
    if (endAt <= startAt) return [{ field: 'end', message: 'must be after the start', key: 'time.after' }];
  }
  if (endAt - startAt > MAX_DAYS * 86_400_000 + 3_600_000) {
    return [
      {
        field: 'end',
        message: `an event lasts at most ${MAX_DAYS} days`,
        key: 'time.maxDays',
        params: { n: MAX_DAYS },
      },
    ];
  }
  let rrule: string | null = null;
  if (input.rrule) {
    const r = normalizeRule(input.rrule, first, timeZone, input.allDay);
    if ('problem' in r) return [{ field: 'rrule', ...r.problem }];
    rrule = r.rule;
  }
  return { timeZone, allDay: input.allDay, startAt, endAt, start: first, rrule };
}

// The stored times as they are entered: local start, and end (the last day of all-day events).
export function localTimes(e: { timeZone: string; allDay: boolean; startAt: Date; endAt: Date }): {
  start: string;
  end: string;
} {
  if (e.allDay) {
    return {
      start: isoDate(utcToLocal(e.timeZone, e.startAt.getTime())),
      end: isoDate(addLocalDays(utcToLocal(e.timeZone, e.endAt.getTime()), -1)),
    };
  }
  return {
    start: isoLocal(utcToLocal(e.timeZone, e.startAt.getTime())),
    end: isoLocal(utcToLocal(e.timeZone, e.endAt.getTime())),
  };
}

// The end that keeps an event's length when only its start is moved.
export function endKeepingLength(
  start: string,
  e: { timeZone: string; allDay: boolean; startAt: Date; endAt: Date },
): string | undefined {
  const l = parseLocal(start);
  if (!l) return undefined;
  if (e.allDay) {
    const days = Math.max(1, Math.round((e.endAt.getTime() - e.startAt.getTime()) / 86_400_000));
    return isoDate(addLocalDays(l, days - 1));
  }
  return isoLocal(utcToLocal(e.timeZone, localToUtc(e.timeZone, l) + (e.endAt.getTime() - e.startAt.getTime())));
}

// The problems of a range asked for (?from=&to=): the calendar's and a room's free/busy.
export function rangeOrder(): FieldProblem {
  return { field: 'to', message: 'must not be before from', key: 'range.order' };
}

export function rangeTooLong(days: number): FieldProblem {
  return { field: 'to', message: `at most ${days} days at once`, key: 'range.maxDays', params: { n: days } };
}
