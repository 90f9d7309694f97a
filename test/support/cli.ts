import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The built CLI as a user runs it: the project's Node (24, from node_modules) on dist/cli/main.js,
// with none of the test process's ALLMENDE_* variables or DATABASE_URL, only those given.
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');
export const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('ALLMENDE_') && k !== 'DATABASE_URL'),
  );
  return new Promise((done) => {
    execFile(NODE, [MAIN, ...args], { cwd, env: { ...clean, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
