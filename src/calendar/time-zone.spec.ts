import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, localToUtc, offsetMinutes, parseLocal, utcToLocal } from './time-zone.js';

const at = (s: string) => parseLocal(s)!;
const iso = (t: number) => new Date(t).toISOString();

describe('canonicalTimeZone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['UTC', 'UTC'],
    ['America/Sao_Paulo', 'America/Sao_Paulo'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });

  it.each(['Mars/Olympus_Mons', '+01:00', 'CET; DROP TABLE', '', 'Europe/Berlin/../x', 'x'.repeat(80)])(
    'refuses %j',
    (zone) => {
      expect(canonicalTimeZone(zone)).toBeUndefined();
    },
  );
});

describe('localToUtc in Europe/Berlin', () => {
  // 2026: summer time from 29 March 02:00 (→ 03:00) to 25 October 03:00 (→ 02:00).
  it.each([
    ['2026-03-24T19:00', '2026-03-24T18:00:00.000Z'],
    ['2026-03-31T19:00', '2026-03-31T17:00:00.000Z'],
    ['2026-10-27T19:00', '2026-10-27T18:00:00.000Z'],
    // The gap: 02:30 does not exist; it is read with the offset before (= 03:30 summer time).
    ['2026-03-29T02:30', '2026-03-29T01:30:00.000Z'],
    // Twice in autumn: the first (summer time) one.
    ['2026-10-25T02:30', '2026-10-25T00:30:00.000Z'],
  ])('%s → %s', (local, utc) => {
    expect(iso(localToUtc('Europe/Berlin', at(local)))).toBe(utc);
  });

  it('round-trips every hour of a year', () => {
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
      const local = utcToLocal('Europe/Berlin', t);
      const back = localToUtc('Europe/Berlin', local);
      // The repeated autumn hour maps to its first occurrence.
      expect(back === t || back === t - 3_600_000).toBe(true);
    }
  });

  it('knows the offsets', () => {
    expect(offsetMinutes('Europe/Berlin', Date.UTC(2026, 0, 1))).toBe(60);
    expect(offsetMinutes('Europe/Berlin', Date.UTC(2026, 6, 1))).toBe(120);
    expect(offsetMinutes('Asia/Kolkata', Date.UTC(2026, 6, 1))).toBe(330);
  });
});

describe('parseLocal', () => {
  it.each(['2026-02-30', '2026-13-01', '2026-01-01T24:00', '2026-01-01T12:60', 'gestern', '1800-01-01'])(
    'refuses %j',
    (v) => {
      expect(parseLocal(v)).toBeUndefined();
    },
  );
});
