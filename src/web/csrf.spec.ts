import { describe, expect, it } from 'vitest';
import { csrfMatches } from './csrf.js';
import { navFor } from './nav.js';

const token = 'A'.repeat(43);

describe('csrfMatches', () => {
  it('accepts only the cookie’s own well-formed token', () => {
    expect(csrfMatches(token, token)).toBe(true);
    expect(csrfMatches(token, 'B'.repeat(43))).toBe(false);
    expect(csrfMatches(token, token.slice(1))).toBe(false);
    expect(csrfMatches(undefined, token)).toBe(false);
    expect(csrfMatches(token, undefined)).toBe(false);
    expect(csrfMatches(token, [token])).toBe(false);
    expect(csrfMatches('short', 'short')).toBe(false);
  });
});

describe('navFor', () => {
  it('shows each role its links and marks the deepest match as current', () => {
    expect(navFor(null, '/').map((i) => i.href)).toEqual(['/', '/calendar', '/rooms']);
    expect(navFor('member', '/me/addresses').map((i) => [i.href, i.current])).toEqual([
      ['/', false],
      ['/calendar', false],
      ['/rooms', false],
      ['/me', true],
      ['/things', false],
    ]);
    expect(navFor(null, '/calendar').find((i) => i.current)?.href).toBe('/calendar');
    expect(navFor('member', '/things/5').find((i) => i.current)?.href).toBe('/things');
    expect(navFor('board', '/board').find((i) => i.current)?.href).toBe('/board');
    expect(navFor(null, '/rooms/3').find((i) => i.current)?.href).toBe('/rooms');
    expect(navFor('helper', '/board/rooms').find((i) => i.current)?.href).toBe('/board');
  });
});
