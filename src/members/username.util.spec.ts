import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESERVED_USERNAMES,
  deriveUsername,
  isValidUsername,
  reservedUsernames,
  transliterate,
  usernameBase,
} from './username.util.js';

describe('transliterate', () => {
  it.each([
    // German umlauts become two letters, keeping case of the first.
    ['Müller', 'Mueller'],
    ['Öztürk', 'Oeztuerk'],
    ['Ärger Übel', 'Aerger Uebel'],
    ['Straße', 'Strasse'],
    // Nordic and Polish letters that NFD cannot decompose.
    ['Ærø', 'Aeroe'],
    ['Ångström', 'Angstroem'],
    ['Œuvre', 'Oeuvre'],
    ['Łukasz Đorđe', 'Lukasz Dorde'],
    ['Þóra', 'Thora'],
    // Everything else: NFD + strip combining marks.
    ['José Ñúñez', 'Jose Nunez'],
    ['Dvořák Čapek', 'Dvorak Capek'],
    // Decomposed input (a + U+0308) is still an umlaut.
    ['Mu\u0308ller', 'Mueller'],
    ['plain', 'plain'],
  ])('%s → %s', (input, expected) => {
    expect(transliterate(input)).toBe(expected);
  });
});

describe('usernameBase', () => {
  it.each([
    ['José', 'Ñúñez', 'jose.nunez'],
    ['Karl', 'Liebknecht', 'karl.liebknecht'],
    // Spaces inside a part become '-'.
    ['Anna Lena', 'Müller', 'anna-lena.mueller'],
    // Apostrophes are dropped, typographic ones too.
    ['Sinéad', "O'Brien", 'sinead.obrien'],
    ['Sinéad', 'O’Brien', 'sinead.obrien'],
    // Underscores and runs of spaces/dashes collapse to one '-'.
    ['Hans__Peter', 'von  der -- Heide', 'hans-peter.von-der-heide'],
    // "St. John": the mixed ". " run keeps the '-'.
    ['Mary', 'St. John', 'mary.st-john'],
    // Leading/trailing separators per part are trimmed.
    [' -Eva- ', '.Braun.', 'eva.braun'],
    // Characters outside [a-z0-9.-] vanish; an empty part leaves the other alone.
    ['毛', 'Zedong', 'zedong'],
    ['Cher', '', 'cher'],
    ['', 'Cher', 'cher'],
    ['毛泽东', '!!!', 'member'],
    ['', '', 'member'],
  ])('%s + %s → %s', (first, last, expected) => {
    expect(usernameBase(first, last)).toBe(expected);
  });

  it('truncates to 48 characters without a trailing separator', () => {
    // 'a'.repeat(47) + '.' + 'b…' would end in '.' at 48 → the dot is cut: 47 chars.
    expect(usernameBase('a'.repeat(47), 'bbbb')).toBe('a'.repeat(47));
    // 40 + '.' + 7 = 48 exactly.
    expect(usernameBase('a'.repeat(40), 'b'.repeat(20))).toBe(`${'a'.repeat(40)}.${'b'.repeat(7)}`);
    expect(usernameBase('x'.repeat(10_000), 'y')).toHaveLength(48);
  });

  it('always yields a valid username', () => {
    const names = ['José', 'Anna Lena', "O'Brien", '-', '毛', 'Ærø', 'a.-.b', 'x'.repeat(200)];
    for (const first of names) {
      for (const last of names) expect(isValidUsername(usernameBase(first, last))).toBe(true);
    }
  });
});

describe('deriveUsername', () => {
  const none = (): boolean => false;

  it.each([
    // Nothing taken → the base itself.
    ['José', 'Ñúñez', [], 'jose.nunez'],
    // Base taken → suffix 2.
    ['Karl', 'Liebknecht', ['karl.liebknecht'], 'karl.liebknecht2'],
    // Base and 2 taken → 3.
    ['Karl', 'Liebknecht', ['karl.liebknecht', 'karl.liebknecht2'], 'karl.liebknecht3'],
    // A gap is reused: base and 3 taken, 2 free → 2.
    ['Karl', 'Liebknecht', ['karl.liebknecht', 'karl.liebknecht3'], 'karl.liebknecht2'],
  ])('%s %s with taken %j → %s', (first, last, taken, expected) => {
    const takenSet = new Set<string>(taken);
    expect(deriveUsername(first, last, (c) => takenSet.has(c), DEFAULT_RESERVED_USERNAMES)).toBe(expected);
  });

  it('skips reserved names', () => {
    // "Admin" with no last name → base 'admin' is reserved → 'admin2'.
    expect(deriveUsername('Admin', '', none, DEFAULT_RESERVED_USERNAMES)).toBe('admin2');
    // A configured reserved name works the same way.
    expect(deriveUsername('Vorstand', '', none, reservedUsernames(['Vorstand']))).toBe('vorstand2');
  });

  it('gives up instead of looping forever', () => {
    expect(() => deriveUsername('a', 'b', () => true, new Set())).toThrow(/no free username/);
  });
});

describe('reservedUsernames', () => {
  it('merges a trimmed, lower-cased list with the defaults', () => {
    const set = reservedUsernames(['  Vorstand ', 'KASSE', '', '   ']);
    expect(set.has('vorstand')).toBe(true);
    expect(set.has('kasse')).toBe(true);
    expect(set.has('postmaster')).toBe(true);
    // Blanks are not names: defaults + 2.
    expect(set.size).toBe(DEFAULT_RESERVED_USERNAMES.size + 2);
    expect(set.has('')).toBe(false);
  });

  it('does not change the defaults', () => {
    reservedUsernames(['extra']);
    expect(DEFAULT_RESERVED_USERNAMES.has('extra')).toBe(false);
    expect(DEFAULT_RESERVED_USERNAMES.size).toBe(18);
  });
});

describe('isValidUsername', () => {
  it.each([
    ['a', true],
    ['karl.liebknecht2', true],
    ['anna-lena.mueller', true],
    ['0', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['.karl', false],
    ['karl.', false],
    ['-karl', false],
    ['karl-', false],
    ['karl..l', false],
    ['Karl', false],
    ['karl_l', false],
    ['jürgen', false],
    ['karl l', false],
  ])('%s → %s', (input, expected) => {
    expect(isValidUsername(input)).toBe(expected);
  });
});
