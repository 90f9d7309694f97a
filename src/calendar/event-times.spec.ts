import { describe, expect, it } from 'vitest';
import { resolveTimes } from './event-times.js';

const base = { timeZone: 'Europe/Berlin', allDay: false };

describe('resolveTimes', () => {
  it('reads local times in the zone', () => {
    const t = resolveTimes({ ...base, start: '2026-07-01T19:00', end: '2026-07-01T21:30' });
    expect(Array.isArray(t)).toBe(false);
    if (Array.isArray(t)) return;
    expect(new Date(t.startAt).toISOString()).toBe('2026-07-01T17:00:00.000Z');
    expect(new Date(t.endAt).toISOString()).toBe('2026-07-01T19:30:00.000Z');
  });

  it('makes all-day events whole local days, the end day included', () => {
    const t = resolveTimes({ ...base, allDay: true, start: '2026-03-28', end: '2026-03-29' });
    if (Array.isArray(t)) throw new Error('refused');
    expect(new Date(t.startAt).toISOString()).toBe('2026-03-27T23:00:00.000Z');
    // Midnight after the last day, in summer time (the clocks changed on the 29th).
    expect(new Date(t.endAt).toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it.each([
    [{ start: '2026-07-01T19:00', end: '2026-07-01T18:00' }, 'end', 'must be after the start'],
    [{ start: '2026-07-01T19:00', end: '2026-07-01T19:00' }, 'end', 'must be after the start'],
    [{ start: '2026-07-01T19:00' }, 'end', 'needs a time'],
    [{ start: '2026-07-01', end: '2026-07-02' }, 'start', 'needs a time'],
    [{ start: '2026-02-30T19:00', end: '2026-03-01T19:00' }, 'start', 'not a real date'],
    [{ start: '2026-07-01T19:00', end: '2026-09-01T19:00' }, 'end', 'at most 31 days'],
    [
      { start: '2026-07-01T19:00', end: '2026-07-01T20:00', timeZone: 'Mars/Olympus_Mons' },
      'timeZone',
      'unknown time zone',
    ],
    [{ start: '2026-07-01T19:00', end: '2026-07-01T20:00', rrule: 'FREQ=WEEKLY;COUNT=0' }, 'rrule', 'COUNT'],
    [{ start: '2026-07-02', end: '2026-07-01', allDay: true }, 'end', 'before the first'],
  ])('refuses %j', (input, field, message) => {
    const t = resolveTimes({ ...base, ...input });
    expect(Array.isArray(t)).toBe(true);
    if (!Array.isArray(t)) return;
    expect(t[0]?.field).toBe(field);
    expect(t[0]?.message).toContain(message);
  });
});
