import { describe, expect, it } from 'vitest';
import { isCommon, passwordProblems } from './password-policy.js';

const COMMON = 'is a common password (found in lists of leaked passwords); choose another';

describe('passwordProblems', () => {
  it.each([
    ['kurz', ['at least 12 characters', COMMON]], // also a common German word
    ['elf Zeichen', ['at least 12 characters']], // 11 characters
    ['ein langes Passwort', []],
    ['karl.liebknecht-1871', ['must not contain your name or username']],
    ['Liebknecht!!2026', ['must not contain your name or username']], // case does not matter
    ['äöüäöüäöüäöü', []], // 12 characters, more bytes
    ['Passwort123!', [COMMON]], // a common German word dressed up
    ['password1234', [COMMON]],
    ['1q2w3e4r5t6y', [COMMON]], // listed as it is
    ['qwertzuiopü!', []],
  ])('%s', (pw, expected) => {
    expect(passwordProblems(pw, ['karl.liebknecht', 'Karl', 'Liebknecht']).map((p) => p.message)).toEqual(expected);
  });
});

describe('isCommon', () => {
  it.each([
    ['passwort', true],
    ['!!sommer2024', true],
    ['schalke04', true],
    ['dreiwortesatz', false], // not a word of the list
    ['grün-blau-gelb', false], // letters on both sides of a symbol are no dressed-up word
  ])('%s → %s', (pw, expected) => expect(isCommon(pw)).toBe(expected));
});
