import { describe, expect, it } from 'vitest';
import type { OverrideRow } from './occurrences.js';
import { remapOverrides } from './override-remap.js';
import { normalizeRule, type Schedule } from './recurrence.js';
import { exdateInstants } from './occurrences.js';
import { isoLocal, localToUtc, parseLocal, utcToLocal } from './time-zone.js';

const BERLIN = 'Europe/Berlin';
const HOUR = 3_600_000;

interface Series {
  start: string; // local first start (a date for all-day series)
  rule: string | null;
  zone?: string;
  hours?: number;
  exdates?: string[];
}

function schedule(s: Series): Schedule {
  const zone = s.zone ?? BERLIN;
  const allDay = !s.start.includes('T');
  const start = parseLocal(s.start)!;
  let rule: string | null = null;
  if (s.rule) {
    const r = normalizeRule(s.rule, start, zone, allDay);
    if ('problem' in r) throw new Error(r.problem.message);
    rule = r.rule;
  }
  return {
    start,
    zone,
    allDay,
    durationMs: allDay ? 86_400_000 : (s.hours ?? 2) * HOUR,
    days: allDay ? 1 : 0,
    rule,
    exdates: exdateInstants(zone, start, s.exdates ?? []),
  };
}

const at = (local: string, zone = BERLIN) => localToUtc(zone, parseLocal(local)!);
const local = (t: number, zone = BERLIN) => isoLocal(utcToLocal(zone, t)).slice(0, 16);

// An override as people see it: its original start, and "cancelled" or where it was moved to.
type Given = [original: string, change: 'cancelled' | [start: string, end: string]];
// A kept override as the new series has it: new key, cancelled, start, end (local, the new zone).
type Kept = [key: string, cancelled: boolean, start: string, end: string];

function rows(given: readonly Given[], zone = BERLIN): OverrideRow[] {
  return given.map(([original, change]) => {
    const rid = at(original, zone);
    return change === 'cancelled'
      ? { recurrenceId: rid, cancelled: true, start: rid, end: rid + 2 * HOUR }
      : { recurrenceId: rid, cancelled: false, start: at(change[0], zone), end: at(change[1], zone) };
  });
}

// Weekly on Tuesdays, 19:00–21:00 in Berlin, from 10 March 2026 (across the change to summer time).
const TUESDAYS: Series = { start: '2026-03-10T19:00', rule: 'FREQ=WEEKLY;BYDAY=TU' };
const MOVED: Given = ['2026-03-24T19:00', ['2026-03-25T18:00', '2026-03-25T20:00']];
const CANCELLED: Given = ['2026-04-07T19:00', 'cancelled'];

const cases: { name: string; before: Series; after: Series; given: Given[]; kept: Kept[]; dropped: string[] }[] = [
  {
    name: 'nothing changed: both stay as they are',
    before: TUESDAYS,
    after: TUESDAYS,
    given: [MOVED, CANCELLED],
    kept: [
      ['2026-03-24T19:00', false, '2026-03-25T18:00', '2026-03-25T20:00'],
      ['2026-04-07T19:00', true, '2026-04-07T19:00', '2026-04-07T21:00'],
    ],
    dropped: [],
  },
  {
    // 19:00 → 20:00: the keys follow to 20:00 on the same dates; the moved one keeps its chosen
    // times, the cancelled one takes the new occurrence's (20:00–22:00).
    name: 'a new time of day re-keys both to the same dates',
    before: TUESDAYS,
    after: { ...TUESDAYS, start: '2026-03-10T20:00' },
    given: [MOVED, CANCELLED],
    kept: [
      ['2026-03-24T20:00', false, '2026-03-25T18:00', '2026-03-25T20:00'],
      ['2026-04-07T20:00', true, '2026-04-07T20:00', '2026-04-07T22:00'],
    ],
    dropped: [],
  },
  {
    name: 'a longer event: the cancelled one takes the new length',
    before: TUESDAYS,
    after: { ...TUESDAYS, hours: 3 },
    given: [CANCELLED],
    kept: [['2026-04-07T19:00', true, '2026-04-07T19:00', '2026-04-07T22:00']],
    dropped: [],
  },
  {
    name: 'every other Tuesday: the date no longer in the rule is dropped',
    before: TUESDAYS,
    after: { ...TUESDAYS, rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU' },
    // 10 March, 24 March, 7 April … stay; 17 and 31 March go.
    given: [MOVED, ['2026-03-17T19:00', 'cancelled'], ['2026-03-31T19:00', ['2026-03-31T18:00', '2026-03-31T20:00']]],
    kept: [['2026-03-24T19:00', false, '2026-03-25T18:00', '2026-03-25T20:00']],
    dropped: ['2026-03-17', '2026-03-31'],
  },
  {
    name: 'Wednesdays instead of Tuesdays: all dropped, reported by their original dates',
    before: TUESDAYS,
    after: { start: '2026-03-11T19:00', rule: 'FREQ=WEEKLY;BYDAY=WE' },
    given: [MOVED, CANCELLED],
    kept: [],
    dropped: ['2026-03-24', '2026-04-07'],
  },
  {
    name: 'a shorter series (COUNT): what is past its end is dropped',
    before: TUESDAYS,
    after: { ...TUESDAYS, rule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3' },
    given: [MOVED, CANCELLED],
    kept: [['2026-03-24T19:00', false, '2026-03-25T18:00', '2026-03-25T20:00']],
    dropped: ['2026-04-07'],
  },
  {
    name: 'a later first date: overrides before it are dropped',
    before: TUESDAYS,
    after: { ...TUESDAYS, start: '2026-03-31T19:00' },
    given: [MOVED, CANCELLED],
    kept: [['2026-04-07T19:00', true, '2026-04-07T19:00', '2026-04-07T21:00']],
    dropped: ['2026-03-24'],
  },
  {
    name: 'a date now left out (exdate) is dropped',
    before: TUESDAYS,
    after: { ...TUESDAYS, exdates: ['2026-04-07'] },
    given: [MOVED, CANCELLED],
    kept: [['2026-03-24T19:00', false, '2026-03-25T18:00', '2026-03-25T20:00']],
    dropped: ['2026-04-07'],
  },
  {
    name: 'no longer recurring: everything is dropped',
    before: TUESDAYS,
    after: { ...TUESDAYS, rule: null },
    given: [MOVED, CANCELLED],
    kept: [],
    dropped: ['2026-03-24', '2026-04-07'],
  },
  {
    name: 'a daily rule still has every Tuesday',
    before: TUESDAYS,
    after: { ...TUESDAYS, rule: 'FREQ=DAILY' },
    given: [MOVED, CANCELLED],
    kept: [
      ['2026-03-24T19:00', false, '2026-03-25T18:00', '2026-03-25T20:00'],
      ['2026-04-07T19:00', true, '2026-04-07T19:00', '2026-04-07T21:00'],
    ],
    dropped: [],
  },
];

describe('remapOverrides', () => {
  it.each(cases)('$name', ({ before, after, given, kept, dropped }) => {
    const zone = after.zone ?? BERLIN;
    const result = remapOverrides(schedule(before), schedule(after), rows(given, before.zone ?? BERLIN));
    expect(
      result.kept.map((k) => [local(k.recurrenceId, zone), k.cancelled, local(k.start, zone), local(k.end, zone)]),
    ).toEqual(kept);
    expect(result.dropped.map((d) => d.date)).toEqual(dropped);
  });

  it('re-keys to the same wall-clock time on the same date in a new zone', () => {
    const london = { ...TUESDAYS, zone: 'Europe/London' };
    const result = remapOverrides(schedule(TUESDAYS), schedule(london), rows([CANCELLED]));
    // 19:00 in London is 18:00Z in April (BST); in Berlin it was 17:00Z.
    expect(result.kept.map((k) => new Date(k.recurrenceId).toISOString())).toEqual(['2026-04-07T18:00:00.000Z']);
  });

  it('keeps cancelled dates and drops moved times on a switch to all-day', () => {
    const allDay = { start: '2026-03-10', rule: 'FREQ=WEEKLY;BYDAY=TU' };
    const result = remapOverrides(schedule(TUESDAYS), schedule(allDay), rows([MOVED, CANCELLED]));
    expect(result.kept).toEqual([
      {
        recurrenceId: at('2026-04-07T00:00'),
        cancelled: true,
        start: at('2026-04-07T00:00'),
        end: at('2026-04-08T00:00'),
      },
    ]);
    expect(result.dropped).toEqual([{ recurrenceId: at('2026-03-24T19:00'), date: '2026-03-24', cancelled: false }]);
  });

  it('reports the date in the zone the series had, also for a late evening', () => {
    // 23:30 in Berlin on 24 March is 22:30Z: the date is the 24th, not a UTC date.
    const late = { start: '2026-03-10T23:30', rule: 'FREQ=WEEKLY;BYDAY=TU' };
    const result = remapOverrides(
      schedule(late),
      schedule({ ...late, rule: 'FREQ=WEEKLY;BYDAY=WE' }),
      rows([['2026-03-24T23:30', 'cancelled']]),
    );
    expect(result.dropped.map((d) => d.date)).toEqual(['2026-03-24']);
  });
});
