import { accessSync, constants } from 'node:fs';
import { describe } from 'vitest';

// Lab tests start the real programs from Debian's packages. A missing program fails the test
// with the command that installs it (there is no way to skip them: a lab test not run is a
// target not tested).
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
  if (missing.length > 0) {
    throw new Error(
      `lab ${lab}: missing ${missing.join(', ')}. Install the lab packages with \`sudo npm run lab:install\`.`,
    );
  }
  describe(`lab ${lab}`, body);
}
