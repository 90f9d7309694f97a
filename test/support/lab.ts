import { accessSync, constants } from 'node:fs';
import { describe } from 'vitest';

// Lab tests start the real programs from Debian's packages. A missing program fails the test
// with the command that installs it; ALLMENDE_LAB=skip opts out explicitly (the skip is printed).
export function missingPrograms(paths: readonly string[]): string[] {
  return paths.filter((p) => {
    try {
      accessSync(p, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

// describe() for a lab suite: `lab` names it in the output, `programs` are absolute paths.
export function describeLab(lab: string, programs: readonly string[], body: () => void): void {
  const missing = missingPrograms(programs);
  if (missing.length > 0 && process.env.ALLMENDE_LAB === 'skip') {
    console.warn(`lab ${lab}: skipped (ALLMENDE_LAB=skip; missing ${missing.join(', ')})`);
    describe.skip(`lab ${lab} (skipped: ALLMENDE_LAB=skip, missing ${missing.join(', ')})`, body);
    return;
  }
  if (missing.length > 0) {
    throw new Error(
      `lab ${lab}: missing ${missing.join(', ')}. Install the lab packages with \`sudo npm run lab:install\` ` +
        '(or run with ALLMENDE_LAB=skip to leave the lab tests out).',
    );
  }
  describe(`lab ${lab}`, body);
}
