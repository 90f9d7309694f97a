import { commonPasswords, commonWords } from './common-passwords.js';

// Pure but for the shipped lists: the password rules.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

export function passwordProblems(password: string, personal: readonly string[]): string[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) problems.push(`at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  for (const word of personal) {
    const w = word.trim().toLowerCase();
    if (w.length >= 3 && lower.includes(w)) {
      problems.push('must not contain your name or username');
      break;
    }
  }
  if (isCommon(lower)) problems.push('is a common password (found in lists of leaked passwords); choose another');
  return problems;
}

// A listed password as it is, or a listed password or common word with digits and symbols
// around it ("Passwort123!", "!sommer2024"): the first thing an attacker tries.
export function isCommon(lower: string): boolean {
  if (commonPasswords().has(lower)) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length < 4 || /[^\p{L}]/u.test(core)) return false;
  return commonPasswords().has(core) || commonWords().has(core);
}
