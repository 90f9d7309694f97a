import { expand, type Occurrence, type Schedule } from './recurrence.js';
import { localToUtc, parseLocal, utcToLocal } from './time-zone.js';

// PURE: the occurrences of an event in a window, with its moved and cancelled ones applied.

export interface OverrideRow {
  recurrenceId: number;
  cancelled: boolean;
  start: number;
  end: number;
}

export interface ShownOccurrence extends Occurrence {
  cancelled: boolean;
  moved: boolean;
}

export interface EventTimes {
  startAt: Date;
  endAt: Date;
  timeZone: string;
  allDay: boolean;
  rrule?: string | null;
  exdates?: readonly string[] | null;
}

export function scheduleOf(e: EventTimes): Schedule {
  const start = utcToLocal(e.timeZone, e.startAt.getTime());
  const days = e.allDay
    ? Math.max(
        1,
        Math.round(
          (Date.UTC(...ymd(utcToLocal(e.timeZone, e.endAt.getTime()))) - Date.UTC(...ymd(start))) / 86_400_000,
        ),
      )
    : 0;
  return {
    start,
    zone: e.timeZone,
    allDay: e.allDay,
    durationMs: e.endAt.getTime() - e.startAt.getTime(),
    days,
    rule: e.rrule ?? null,
    exdates: exdateInstants(e.timeZone, start, e.exdates ?? []),
  };
}

function ymd(l: { year: number; month: number; day: number }): [number, number, number] {
  return [l.year, l.month - 1, l.day];
}

// Local dates → the starts of the occurrences on those days.
export function exdateInstants(
  zone: string,
  first: { hour: number; minute: number; second: number },
  dates: readonly string[],
): number[] {
  return dates.flatMap((d) => {
    const day = parseLocal(d);
    return day ? [localToUtc(zone, { ...day, hour: first.hour, minute: first.minute, second: first.second })] : [];
  });
}

export function occurrencesIn(
  s: Schedule,
  overrides: readonly OverrideRow[],
  from: number,
  to: number,
  limit = 10_000,
): { items: ShownOccurrence[]; truncated: boolean } {
  const { items, truncated } = expand(s, from, to, limit);
  const byId = new Map(overrides.map((o) => [o.recurrenceId, o]));
  const out: ShownOccurrence[] = [];
  for (const o of items) {
    const moved = byId.get(o.recurrenceId);
    if (!moved) out.push({ ...o, cancelled: false, moved: false });
  }
  // Moved occurrences count where they are now, wherever they came from.
  for (const o of overrides) {
    if (o.end > from && o.start < to) {
      out.push({ recurrenceId: o.recurrenceId, start: o.start, end: o.end, cancelled: o.cancelled, moved: true });
    }
  }
  out.sort((a, b) => a.start - b.start || a.recurrenceId - b.recurrenceId);
  return { items: out, truncated };
}

// The end of the last occurrence, or null when the rule has no end (or too many to count).
export function seriesEnd(s: Schedule, end: number): number | null {
  if (!s.rule) return end;
  if (!/(?:^|;)(COUNT|UNTIL)=/.test(s.rule)) return null;
  const { items, truncated } = expand(s, -8.64e15, 8.64e15, 100_000);
  if (truncated) return null;
  return items[items.length - 1]?.end ?? end;
}

// Whether a series' own occurrences overlap (a 25-hour daily event): they could not all be booked.
export function selfOverlap(items: readonly Occurrence[]): Occurrence | undefined {
  const sorted = [...items].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev && cur && cur.start < prev.end) return cur;
  }
  return undefined;
}
