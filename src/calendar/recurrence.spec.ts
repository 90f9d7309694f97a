import { describe, expect, it } from 'vitest';
import { expand, normalizeRule, type Schedule } from './recurrence.js';
import { parseLocal, utcToLocal } from './time-zone.js';

const start = parseLocal('2026-03-10T19:00')!;

function weekly(rule: string, extra: Partial<Schedule> = {}): Schedule {
  const r = normalizeRule(rule, start, 'Europe/Berlin', false);
  if ('problem' in r) throw new Error(r.problem.message);
  return {
    start,
    zone: 'Europe/Berlin',
    allDay: false,
    durationMs: 3 * 3_600_000,
    days: 0,
    rule: r.rule,
    exdates: [],
    ...extra,
  };
}

describe('normalizeRule', () => {
  it.each([
    ['FREQ=WEEKLY;BYDAY=TU', 'FREQ=WEEKLY;BYDAY=TU'],
    ['rrule:freq=weekly;byday=tu', 'FREQ=WEEKLY;BYDAY=TU'],
    // UNTIL becomes UTC: a date means through that day in the event's zone.
    ['FREQ=WEEKLY;UNTIL=20261117', 'FREQ=WEEKLY;UNTIL=20261117T225959Z'],
    ['FREQ=WEEKLY;UNTIL=20261117T190000', 'FREQ=WEEKLY;UNTIL=20261117T180000Z'],
    ['FREQ=MONTHLY;BYDAY=-1FR;COUNT=12', 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=12'],
  ])('%s → %s', (input, rule) => {
    expect(normalizeRule(input, start, 'Europe/Berlin', false)).toEqual({ rule });
  });

  it.each([
    ['', 'must be an RRULE'],
    ['FREQ=SECONDLY', 'FREQ must be one of'],
    ['FREQ=HOURLY', 'FREQ must be one of'],
    ['BYDAY=TU', 'FREQ is missing'],
    ['FREQ=WEEKLY;BYDAY=XX', 'invalid BYDAY'],
    ['FREQ=WEEKLY;COUNT=0', 'COUNT must be'],
    ['FREQ=WEEKLY;COUNT=5000', 'COUNT must be'],
    ['FREQ=WEEKLY;INTERVAL=0', 'INTERVAL must be'],
    ['FREQ=WEEKLY;UNTIL=20250101', 'UNTIL is before the start'],
    ['FREQ=WEEKLY;UNTIL=gestern', 'UNTIL must be'],
    ['FREQ=WEEKLY;COUNT=3;UNTIL=20270101', 'exclude each other'],
    ['FREQ=WEEKLY;BYHOUR=10', 'not supported'],
    ['FREQ=WEEKLY;FREQ=DAILY', 'given twice'],
    ['FREQ=WEEKLY;;', 'is not KEY=VALUE'],
  ])('refuses %j (%s)', (input, problem) => {
    const r = normalizeRule(input, start, 'Europe/Berlin', false);
    expect('problem' in r && r.problem.message).toContain(problem);
  });
});

describe('expand', () => {
  it('keeps 19:00 local across the change to summer time', () => {
    const { items } = expand(weekly('FREQ=WEEKLY;COUNT=4'), -Infinity, Infinity);
    expect(items.map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-03-10T18:00:00.000Z',
      '2026-03-17T18:00:00.000Z',
      '2026-03-24T18:00:00.000Z',
      '2026-03-31T17:00:00.000Z',
    ]);
    expect(items.every((o) => o.end - o.start === 3 * 3_600_000)).toBe(true);
  });

  it('leaves out EXDATEs and stops at UNTIL', () => {
    const excluded = Date.parse('2026-03-17T18:00:00Z');
    const { items } = expand(weekly('FREQ=WEEKLY;UNTIL=20260331', { exdates: [excluded] }), -Infinity, Infinity);
    expect(items.map((o) => utcToLocal('Europe/Berlin', o.start).day)).toEqual([10, 24, 31]);
  });

  it('is bounded for a rule without end: only the window, quickly', () => {
    const from = Date.parse('2030-01-01T00:00:00Z');
    const { items, truncated } = expand(weekly('FREQ=DAILY'), from, from + 30 * 86_400_000);
    expect(items).toHaveLength(30);
    expect(truncated).toBe(true);
  });
});
