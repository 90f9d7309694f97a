import { describe, expect, it } from 'vitest';
import {
  busyByDay,
  dayRange,
  droppedOf,
  eventFormInput,
  isoWeekMonday,
  isoWeekOf,
  savedLocation,
  timeFieldOf,
  zonesWith,
} from './rooms-forms.js';

describe('ISO weeks', () => {
  it.each([
    ['2026-W01', '2025-12-29'], // week 1 holds January 4th, so it starts in the old year
    ['2026-W49', '2026-11-30'],
    ['2020-W53', '2020-12-28'], // 2020 has 53 weeks
  ])('%s starts on %s', (week, monday) => {
    expect(isoWeekMonday(week)).toBe(monday);
    expect(isoWeekOf(monday)).toBe(week);
  });

  it('refuses weeks that do not exist', () => {
    expect(isoWeekMonday('2025-W53')).toBeUndefined(); // 2025 has 52 weeks (2026 has 53)
    expect(isoWeekMonday('2026-W00')).toBeUndefined();
    expect(isoWeekMonday('next week')).toBeUndefined();
  });
});

describe('dayRange', () => {
  it('shows seven days from today by default, one day for ?date=, Monday to Sunday for ?week=', () => {
    expect(dayRange({}, '2026-12-30').days).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
      '2027-01-04',
      '2027-01-05',
    ]);
    expect(dayRange({ date: '2026-03-24' }, '2026-01-01')).toMatchObject({ days: ['2026-03-24'], week: '2026-W13' });
    const week = dayRange({ week: '2026-W13' }, '2026-01-01');
    expect(week.days[0]).toBe('2026-03-23');
    expect(week.days[6]).toBe('2026-03-29');
  });

  it('names the field of a bad value and falls back to the default', () => {
    const bad = dayRange({ date: '2026-02-30' }, '2026-01-01');
    expect(bad.problem?.field).toBe('date');
    expect(bad.days).toHaveLength(7);
    expect(dayRange({ week: 'W13' }, '2026-01-01').problem?.field).toBe('week');
  });
});

describe('busyByDay', () => {
  it('cuts a booking over midnight into both days, in local time', () => {
    // 2026-03-24 22:00 to 2026-03-25 02:00 in Berlin (UTC+1 then).
    const busy = [{ start: '2026-03-24T21:00:00.000Z', end: '2026-03-25T01:00:00.000Z', event: null }];
    expect(busyByDay(['2026-03-23', '2026-03-24', '2026-03-25'], busy, 'Europe/Berlin')).toEqual([
      { day: '2026-03-23', items: [] },
      { day: '2026-03-24', items: [{ from: '22:00', to: '24:00', event: null }] },
      { day: '2026-03-25', items: [{ from: '00:00', to: '02:00', event: null }] },
    ]);
  });

  it('shows an all-day booking as the whole day, not the next one', () => {
    const busy = [{ start: '2026-07-09T22:00:00.000Z', end: '2026-07-10T22:00:00.000Z', event: null }];
    expect(busyByDay(['2026-07-10', '2026-07-11'], busy, 'Europe/Berlin')).toEqual([
      { day: '2026-07-10', items: [{ from: '00:00', to: '24:00', event: null }] },
      { day: '2026-07-11', items: [] },
    ]);
  });
});

describe('eventFormInput', () => {
  it('takes the dates of an all-day event, and says "none" for unchecked rooms when editing', () => {
    const { input, values } = eventFormInput(
      {
        title: ' Camp ',
        allDay: 'on',
        start: '2026-07-10T10:00',
        startDate: '',
        endDate: '2026-07-12',
        description: '',
        rrule: '',
        version: '3',
        status: 'tentative',
      },
      { edit: true },
    );
    expect(input).toEqual({
      title: 'Camp',
      description: null,
      start: '2026-07-10',
      end: '2026-07-12',
      allDay: true,
      rrule: null,
      status: 'tentative',
      resourceIds: [],
      version: 3,
    });
    expect(values.allDay).toBe(true);
  });

  it('keeps an empty title for the schema to refuse, and leaves empty fields out when creating', () => {
    expect(eventFormInput({ title: '' }, { edit: true }).input.title).toBe('');
    expect(
      eventFormInput({ title: '', start: '2026-01-01T10:00', resourceIds: ['2', 'x'] }, { edit: false }).input,
    ).toEqual({
      start: '2026-01-01T10:00',
      allDay: false,
      resourceIds: [2],
    });
  });

  it('passes a typed slug when editing (empty for the schema to refuse), none when the field is missing', () => {
    expect(eventFormInput({ slug: ' Neu ' }, { edit: true }).input.slug).toBe('Neu');
    expect(eventFormInput({ slug: '' }, { edit: true }).input.slug).toBe('');
    expect(eventFormInput({}, { edit: true }).input).not.toHaveProperty('slug');
    expect(eventFormInput({ slug: 'neu' }, { edit: false }).input).not.toHaveProperty('slug');
  });
});

describe('dropped dates after a save', () => {
  const many = Array.from({ length: 25 }, (_, i) => `2026-05-${String(i + 1).padStart(2, '0')}`);

  it.each([
    [[], '/events/plenum?done=saved'],
    [['2026-05-05', '2026-05-19'], '/events/plenum?done=saved&dropped=2026-05-05,2026-05-19'],
    // At most 20 dates in the address; the rest are counted.
    [many, `/events/plenum?done=saved&dropped=${many.slice(0, 20).join(',')}&more=5`],
  ])('%j → %s', (dates, location) => {
    expect(savedLocation('plenum', dates)).toBe(location);
  });

  it.each([
    ['2026-05-05,2026-05-19', undefined, { dates: ['2026-05-05', '2026-05-19'], more: 0 }],
    ['2026-05-05', '5', { dates: ['2026-05-05'], more: 5 }],
    // Only real dates; a count without dates means nothing.
    ['<script>,2026-02-30,2026-05-05', 'x', { dates: ['2026-05-05'], more: 0 }],
    [undefined, '3', { dates: [], more: 0 }],
  ])('%s (more: %s) → %j', (dropped, more, shown) => {
    expect(droppedOf(dropped, more)).toEqual(shown);
  });
});

describe('helpers', () => {
  it('shows time problems of all-day events at the date fields', () => {
    expect(timeFieldOf('end', true)).toBe('endDate');
    expect(timeFieldOf('end', false)).toBe('end');
    expect(timeFieldOf('title', true)).toBe('title');
    expect(timeFieldOf('responsibleId', false)).toBe('responsible');
  });

  it("offers the event's and the club's zones first, once", () => {
    const zones = zonesWith('Asia/Kolkata', 'Europe/Berlin');
    expect(zones.slice(0, 2)).toEqual(['Asia/Kolkata', 'Europe/Berlin']);
    expect(zones.filter((z) => z === 'Europe/Berlin')).toHaveLength(1);
  });
});
