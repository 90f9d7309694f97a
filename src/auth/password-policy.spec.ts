import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password-policy.js';

describe('passwordProblems', () => {
  it.each([
    ['kurz', ['at least 12 characters']],
    ['ein langes Passwort', []],
    ['karl.liebknecht-1871', ['must not contain your name or username']],
    ['Liebknecht!!2026', ['must not contain your name or username']], // case does not matter
    ['äöüäöüäöüäöü', []], // 12 characters, more bytes
  ])('%s', (pw, expected) => {
    expect(passwordProblems(pw, ['karl.liebknecht', 'Karl', 'Liebknecht'])).toEqual(expected);
  });
});
