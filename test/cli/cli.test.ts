import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenQuoteCsv, goodMemberCsv, memberCsv } from '../support/csv-fixtures.js';
import { freshDatabase, PASSWORD } from '../support/test-app.js';

// The built CLI, run as a user runs it: a child process with its configuration in the environment.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let work: string; // working directory of every child: no ./.env, no ./var of the repository
let databaseUrl: string;
const children = new Set<ChildProcess>();

// The environment without anything allmende reads, so only what a test sets counts.
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('ALLMENDE_') || key === 'DATABASE_URL') delete env[key];
  return env;
}

function start(args: readonly string[], env: Record<string, string>): ChildProcess {
  const child = spawn(NODE, [MAIN, ...args], {
    cwd: work,
    env: { ...baseEnv(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function finish(child: ChildProcess, timeoutMs: number): Promise<Result> {
  return new Promise((done, fail) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

// Runs `allmende <args>` against the test database unless env says otherwise.
function cli(
  args: readonly string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<Result> {
  const child = start(args, { DATABASE_URL: databaseUrl, ALLMENDE_LOG_LEVEL: 'silent', ...opts.env });
  const result = finish(child, opts.timeoutMs ?? 30_000);
  child.stdin?.end(opts.input ?? '');
  return result;
}

async function file(name: string, bytes: Buffer): Promise<string> {
  const path = join(work, name);
  await writeFile(path, bytes);
  return path;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function exportedRfc4180(): Promise<string> {
  const res = await cli(['members', 'export', '--format', 'rfc4180']);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout;
}

beforeAll(async () => {
  // Build once, so the test runs what `npm start` runs.
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  work = await mkdtemp(join(tmpdir(), 'allmende-cli-'));
  databaseUrl = await freshDatabase();
}, 150_000);

afterAll(async () => {
  // Never leave a process behind: ask politely, then insist.
  for (const child of children) child.kill('SIGTERM');
  for (let i = 0; i < 100 && children.size > 0; i++) await new Promise((r) => setTimeout(r, 100));
  for (const child of children) child.kill('SIGKILL');
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

describe('--help', () => {
  it.each([
    [[], 'Usage: allmende [options] [command]'],
    [['serve'], 'Usage: allmende serve'],
    [['migrate'], 'Usage: allmende migrate'],
    [['admin', 'create'], 'Usage: allmende admin create'],
    [['members', 'import'], 'Usage: allmende members import [options] <file>'],
    [['members', 'export'], 'Usage: allmende members export'],
    [['openapi'], 'Usage: allmende openapi'],
  ])('allmende %j --help prints its usage and exits 0', async (command, usage) => {
    // No database needed for help: point at nothing to be sure none is touched.
    const res = await cli([...command, '--help'], { env: { DATABASE_URL: 'postgres://x:y@127.0.0.1:1/db' } });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(usage);
  });

  it('documents the import columns and the all-or-nothing rule', async () => {
    const res = await cli(['members', 'import', '--help']);
    expect(res.stdout).toMatch(/--dry-run/);
    expect(res.stdout).toMatch(/Mitgliedsnummer, Vorname, Nachname/);
    expect(res.stdout).toMatch(/all rows or none/);
  });
});

describe('members import and export', () => {
  it('a dry run of a good file exits 0, shows what it would do and writes nothing', async () => {
    const path = await file('good.csv', goodMemberCsv('DRY'));
    const res = await cli(['members', 'import', path, '--dry-run']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('encoding utf-8, separator ";", 3 data rows');
    expect(res.stdout).toMatch(/create\s+3/);
    expect(res.stdout).toContain('line 2: create Jürgen Müller');
    expect(res.stdout).toContain('dry run: nothing written');
    expect(await exportedRfc4180()).not.toContain('DRY-1');
  });

  it('a file with a broken quote on line 7 and no first name on line 9 exits 1 naming both lines', async () => {
    const path = await file('broken.csv', brokenQuoteCsv('BRK'));
    for (const args of [['--dry-run'], []]) {
      const res = await cli(['members', 'import', path, ...args]);
      expect(res.code).toBe(1);
      expect(res.stdout).toContain('2 problems:');
      expect(res.stdout).toMatch(/line 7: .*quote/);
      expect(res.stdout).toMatch(/line 9: firstName: first name is missing/);
    }
    // Not even the good rows were written.
    expect(await exportedRfc4180()).not.toContain('BRK-');
  });

  it('imports for real, then exports the imported names', async () => {
    const path = await file('real.csv', goodMemberCsv('REAL', { encoding: 'windows-1252' }));
    const res = await cli(['members', 'import', path]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('encoding windows-1252');
    expect(res.stdout).toContain('committed.');

    const csv = await exportedRfc4180();
    expect(csv.startsWith('Mitgliedsnummer,Vorname,Nachname,')).toBe(true);
    expect(csv).toContain('REAL-1,Jürgen,Müller,Jürgen Müller,juergen.mueller,real.juergen@example.org,member,');
    expect(csv).toContain('REAL-2,Käthe,Kollwitz,Käthe Kollwitz,kaethe.kollwitz,real.kaethe@example.org,supporter,');
    expect(csv).toContain('REAL-3,Grete,Straßmann,Grete Straßmann,grete.strassmann,,member,2020-03-01,invited,de,');

    // The same file again: nothing to create or update.
    const again = await cli(['members', 'import', path]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/create\s+0\n\s+update\s+0\n\s+unchanged 3/);
  });

  it('exports the excel flavor to a file with --out', async () => {
    const out = join(work, 'export.csv');
    const res = await cli(['members', 'export', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('');
    const bytes = await readFile(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('Mitgliedsnummer;Vorname;Nachname;');
    // And it imports back without changes.
    const back = await cli(['members', 'import', out, '--dry-run']);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/create\s+0\n\s+update\s+0\n/);
  });

  it('exits 1 with the reason for a file that does not exist', async () => {
    const res = await cli(['members', 'import', join(work, 'missing.csv')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('cannot read');
  });

  it('reports an unknown status with its line', async () => {
    const path = await file(
      'status.csv',
      memberCsv([
        { memberNumber: 'ST-1', firstName: 'Ernst', lastName: 'Thälmann', status: 'member' },
        { memberNumber: 'ST-2', firstName: 'Rudolf', lastName: 'Breitscheid', status: 'Ehrenmitglied' },
      ]),
    );
    const res = await cli(['members', 'import', path]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/line 3: status: unknown status 'ehrenmitglied'/);
  });
});

describe('admin create', () => {
  it('creates an active admin with the password from stdin', async () => {
    const res = await cli(
      [
        'admin',
        'create',
        '--first-name',
        'Ada',
        '--last-name',
        'Lovelace',
        '--email',
        'ada@example.org',
        '--password-stdin',
      ],
      { input: `${PASSWORD}\n` },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^created admin ada\.lovelace \(id \d+\)/);
    const csv = await exportedRfc4180();
    expect(csv).toMatch(/^,Ada,Lovelace,Ada Lovelace,ada\.lovelace,ada@example\.org,member,[\d-]+,active,,admins\r$/m);
  });

  it('refuses a too-short password and creates no member', async () => {
    const res = await cli(
      [
        'admin',
        'create',
        '--first-name',
        'Grace',
        '--last-name',
        'Hopper',
        '--email',
        'grace@example.org',
        '--password-stdin',
      ],
      { input: 'kurz\n' },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('password');
    expect(res.stderr).toContain('at least 12 characters');
    const csv = await exportedRfc4180();
    expect(csv).not.toContain('grace');
    expect(csv).not.toContain('Hopper');
  });
});

describe('serve', () => {
  it('exits non-zero naming the database when PostgreSQL cannot be reached', async () => {
    const res = await cli(['serve'], { env: { DATABASE_URL: 'postgres://x:y@127.0.0.1:1/db' } });
    expect(res.code).not.toBe(0);
    expect(res.code).not.toBeNull();
    expect(res.stderr).toContain('cannot reach PostgreSQL');
    expect(res.stderr).toContain('127.0.0.1:1');
    // The password is not printed.
    expect(res.stderr).not.toContain('x:y@');
  });

  it('exits 2 naming the variable for a bad configuration', async () => {
    const res = await cli(['serve'], { env: { ALLMENDE_PORT: 'abc' } });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('ALLMENDE_PORT');
    expect(res.stderr).toContain('"abc"');
  });

  it('refuses a second server on the same data folder, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'allmende-serve-'));
    try {
      const env = {
        ALLMENDE_DATA_DIR: dataDir,
        ALLMENDE_EMBEDDED_PG_PORT: String(await freePort()),
        ALLMENDE_PORT: String(await freePort()),
        ALLMENDE_LOG_LEVEL: 'info',
      };
      // No DATABASE_URL: the server starts its own embedded PostgreSQL in the data folder.
      const first = start(['serve'], env);
      const firstResult = finish(first, 170_000);
      first.stdin?.end();
      await new Promise<void>((ready, fail) => {
        let out = '';
        const onData = (c: Buffer) => {
          out += c.toString('utf8');
          if (out.includes('allmende is ready')) {
            first.stdout?.off('data', onData);
            ready();
          }
        };
        first.stdout?.on('data', onData);
        first.once('exit', (code) => fail(new Error(`the first server exited with ${code} before it was ready`)));
      });
      expect(existsSync(join(dataDir, 'allmende.pid'))).toBe(true);

      const second = await cli(['serve'], {
        env: { ...env, DATABASE_URL: '', ALLMENDE_PORT: String(await freePort()) },
      });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('already running');
      expect(second.stderr).toContain(dataDir);
      // The refused start left the running server's lock alone.
      expect(existsSync(join(dataDir, 'allmende.pid'))).toBe(true);

      first.kill('SIGTERM');
      const stopped = await firstResult;
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stdout).toContain('stopped');
      expect(existsSync(join(dataDir, 'allmende.pid'))).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
