import type { FieldProblem, Problem } from '../core/app.errors.js';
import { commonPasswords, commonWords } from './common-passwords.js';

// Pure but for the shipped lists: the password rules.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

// Each problem in English with its key, so a page can say it in its language.
export function passwordProblems(password: string, personal: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    const params = { min: PASSWORD_MIN_LENGTH };
    problems.push({ message: `at least ${PASSWORD_MIN_LENGTH} characters`, key: 'password.tooShort', params });
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    const params = { max: PASSWORD_MAX_LENGTH };
    problems.push({ message: `at most ${PASSWORD_MAX_LENGTH} characters`, key: 'field.maxChars', params });
  }
  const lower = password.toLowerCase();
  for (const word of personal) {
    const w = word.trim().toLowerCase();
    if (w.length >= 3 && lower.includes(w)) {
      problems.push({ message: 'must not contain your name or username', key: 'password.personal' });
      break;
    }
  }
  if (isCommon(lower)) {
    const message = 'is a common password (found in lists of leaked passwords); choose another';
    problems.push({ message, key: 'password.common' });
  }
  return problems;
}

// The problems of a password typed into `field`.
export function passwordFieldProblems(field: string, password: string, personal: readonly string[]): FieldProblem[] {
  return passwordProblems(password, personal).map((p) => ({ field, ...p }));
}

// A listed password as it is, or a listed password or common word with digits and symbols
// around it ("Passwort123!", "!sommer2024"): the first thing an attacker tries.
export function isCommon(lower: string): boolean {
  if (commonPasswords().has(lower)) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length < 4 || /[^\p{L}]/u.test(core)) return false;
  return commonPasswords().has(core) || commonWords().has(core);
}
