import type { OverrideRow } from './occurrences.js';
import { expand, type Occurrence, type Schedule } from './recurrence.js';
import { addLocalDays, isoDate, localToUtc, utcToLocal } from './time-zone.js';

// PURE: what becomes of a series' moved and cancelled occurrences when its times, zone, rule or
// left-out days change. An override is keyed by its original start (its RECURRENCE-ID); it is
// matched to the new series by the local date of that start:
//  - the new series has an occurrence on that date (in its zone): the override is kept and
//    re-keyed to that occurrence's start, so a new time of day or zone carries it along;
//    a cancelled one takes the new occurrence's times (it still does not take place), a moved
//    one keeps the times it was moved to (somebody chose them);
//  - a moved one is dropped on a switch between all-day and timed: its times are in the other form;
//  - otherwise (the date is no longer in the rule, is left out, or the event no longer recurs)
//    it is dropped and reported by that date.

export interface DroppedOverride {
  // The original start, and its local date in the zone the series had.
  recurrenceId: number;
  date: string;
  cancelled: boolean;
}

export interface OverrideRemap {
  kept: OverrideRow[];
  dropped: DroppedOverride[];
}

// Expansions of one window stop here; at most one occurrence a day makes this 270 years.
const LIMIT = 100_000;

export function remapOverrides(before: Schedule, after: Schedule, overrides: readonly OverrideRow[]): OverrideRemap {
  const dated = [...overrides]
    .sort((a, b) => a.recurrenceId - b.recurrenceId)
    .map((o) => ({ o, date: isoDate(utcToLocal(before.zone, o.recurrenceId)) }));
  const byDate = after.rule ? occurrencesByDate(after, dated.map((d) => d.date).sort()) : new Map<string, Occurrence>();
  const switched = before.allDay !== after.allDay;
  const kept: OverrideRow[] = [];
  const dropped: DroppedOverride[] = [];
  const taken = new Set<number>();
  for (const { o, date } of dated) {
    const target = byDate.get(date);
    if (!target || taken.has(target.recurrenceId) || (switched && !o.cancelled)) {
      dropped.push({ recurrenceId: o.recurrenceId, date, cancelled: o.cancelled });
      continue;
    }
    taken.add(target.recurrenceId);
    kept.push(
      o.cancelled
        ? { recurrenceId: target.recurrenceId, cancelled: true, start: target.start, end: target.end }
        : { ...o, recurrenceId: target.recurrenceId },
    );
  }
  return { kept, dropped };
}

// The new series' occurrences between the first and the last of the days, by local start date.
function occurrencesByDate(s: Schedule, days: readonly string[]): Map<string, Occurrence> {
  const out = new Map<string, Occurrence>();
  const first = days[0];
  const last = days[days.length - 1];
  if (first === undefined || last === undefined) return out;
  const midnight = (day: string) => {
    const [y, m, d] = day.split('-').map(Number);
    return { year: y ?? 1970, month: m ?? 1, day: d ?? 1, hour: 0, minute: 0, second: 0 };
  };
  const from = localToUtc(s.zone, midnight(first));
  const to = localToUtc(s.zone, addLocalDays(midnight(last), 1));
  for (const o of expand(s, from, to, LIMIT).items) {
    const date = isoDate(utcToLocal(s.zone, o.start));
    if (!out.has(date)) out.set(date, o);
  }
  return out;
}
