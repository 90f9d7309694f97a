import { describe, expect, it } from 'vitest';
import { changeStatus, dayBefore } from './membership-periods.js';

describe('changeStatus', () => {
  const open = { id: 7, status: 'applicant', begin: '2026-01-10', end: null };

  it.each([
    // no history yet: open the first period
    { periods: [], status: 'member', begin: '2026-02-01', kind: 'open' },
    // same status again: nothing to do
    { periods: [open], status: 'applicant', begin: '2026-02-01', kind: 'unchanged' },
    // a later day: close the current period the day before, open a new one
    { periods: [open], status: 'member', begin: '2026-02-01', kind: 'replace', closeEnd: '2026-01-31' },
    // the same day: correct the current period instead of making a one-day-long one
    { periods: [open], status: 'member', begin: '2026-01-10', kind: 'replace', replaceId: 7 },
    // before the current period began: refused, history is not rewritten silently
    { periods: [open], status: 'member', begin: '2025-12-31', kind: 'error' },
  ])('$status from $begin → $kind', ({ periods, status, begin, kind, closeEnd, replaceId }) => {
    const change = changeStatus(periods, status, begin);
    expect(change.kind).toBe(kind);
    if (change.kind === 'replace') {
      expect(change.closeEnd).toBe(closeEnd);
      expect(change.replaceId).toBe(replaceId);
      expect(change.open).toEqual({ status, begin, end: null });
    }
  });
});

describe('dayBefore', () => {
  it.each([
    ['2026-03-01', '2026-02-28'],
    ['2024-03-01', '2024-02-29'], // leap year
    ['2026-01-01', '2025-12-31'],
  ])('%s → %s', (d, expected) => expect(dayBefore(d)).toBe(expected));
});
