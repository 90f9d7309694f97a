import { describe, expect, it } from 'vitest';
import { movedEventLocation } from './event-address.js';

describe('movedEventLocation', () => {
  it.each([
    // A former slug leads to the current one, the query kept.
    ['a', 'c', '/events/a?done=saved&x=1', '', '/events/c?done=saved&x=1'],
    ['b', 'c', '/events/b', '', '/events/c'],
    // The same page below the address (the edit form).
    ['a', 'c', '/events/a/edit?x', '/edit', '/events/c/edit?x'],
    // Case does not make an address old.
    ['Offener-Abend', 'offener-abend', '/events/Offener-Abend', '', undefined],
    ['c', 'c', '/events/c?done=saved', '', undefined],
    // An id is an address of its own, never moved.
    ['42', 'c', '/events/42', '', undefined],
    // Bytes a header cannot carry are percent-encoded.
    ['a', 'c', '/events/a?q=ä b', '', '/events/c?q=%C3%A4%20b'],
  ])('%s (now %s) at %s%s → %s', (ref, slug, url, page, expected) => {
    expect(movedEventLocation(ref, slug, url, page)).toBe(expected);
  });
});
