// Pure: the password rules. The lifecycle issue adds the shipped list of common passwords.
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
  return problems;
}
