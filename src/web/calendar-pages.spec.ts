import { describe, expect, it } from 'vitest';
import { eventInputOf } from './calendar-pages.controller.js';

describe('eventInputOf', () => {
  it('takes the form fields the API takes and leaves out empty ones', () => {
    expect(
      eventInputOf({
        title: ' Plenum ',
        start: '2026-03-24T19:00',
        end: '2026-03-24T21:00',
        description: '',
        rrule: '  ',
        visibility: 'members',
        resourceIds: ['3', 'x', '-1', '4'],
        other: 'ignored',
      }),
    ).toEqual({
      title: 'Plenum',
      start: '2026-03-24T19:00',
      end: '2026-03-24T21:00',
      visibility: 'members',
      resourceIds: [3, 4],
    });
  });

  it('reads one checkbox as a list of one', () => {
    expect(eventInputOf({ resourceIds: '7' })).toEqual({ resourceIds: [7] });
  });
});
