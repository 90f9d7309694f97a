import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/test-app.js';

// `allmende mail role` and `allmende mail config`, run as an operator runs them (the built CLI).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const ROLE = `mail_cli_${Math.random().toString(36).slice(2, 8)}`;
const PASSWORD = 'Y2xpLXJvbGUtcGFzc3dvcmQtNDI=';

let work: string;
let url: string;

function cli(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ALLMENDE_') && k !== 'DATABASE_URL') env[k] = v;
  return new Promise((done) => {
    const child = execFile(
      NODE,
      [MAIN, ...args],
      { cwd: work, env: { ...env, DATABASE_URL: url, ALLMENDE_LOG_LEVEL: 'silent' }, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'allmende-mail-cli-'));
  url = await freshDatabase();
  await writeFile(join(work, 'pw'), `${PASSWORD}\n`);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('allmende mail role / mail config', () => {
  it('makes the role from a password on stdin; it reads the views and not the members', async () => {
    const r = await cli(['mail', 'role', '--name', ROLE, '--password-stdin'], `${PASSWORD}\n`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`created role ${ROLE}`);
    const u = new URL(url);
    u.username = ROLE;
    u.password = PASSWORD;
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    try {
      expect((await client.query('select count(*)::int as n from mail_dovecot_users')).rows).toEqual([{ n: 0 }]);
      await expect(client.query('select * from member')).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
    const again = await cli(['mail', 'role', '--name', ROLE, '--password-stdin'], PASSWORD);
    expect(again.stdout).toContain(`updated role ${ROLE}`);
  });

  it('refuses a password that cannot go into the config files, naming it', async () => {
    const r = await cli(['mail', 'role', '--password-stdin'], 'kurz und "gefährlich"');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/password: 16 to 128 characters/);
  });

  it('prints one Postfix map for the configured database', async () => {
    const r = await cli([
      'mail',
      'config',
      'postfix',
      '--db-password-file',
      join(work, 'pw'),
      '--file',
      'virtual_alias_maps',
    ]);
    expect(r.code).toBe(0);
    const u = new URL(url);
    expect(r.stdout).toContain(`hosts = inet:${u.hostname}:${u.port}\n`);
    expect(r.stdout).toContain(`dbname = ${u.pathname.slice(1)}\n`);
    expect(r.stdout).toContain(`password = ${PASSWORD}\n`);
    expect(r.stdout).toContain(`query = SELECT destination FROM mail_virtual_aliases WHERE source = '%s'\n`);
  });

  it('writes the Dovecot files into a folder, the one with the password readable by its group only', async () => {
    const out = join(work, 'dovecot');
    const r = await cli([
      'mail',
      'config',
      'dovecot',
      '--db-password-file',
      join(work, 'pw'),
      '--out-dir',
      out,
      '--lmtp',
      'inet:127.0.0.1:2424',
    ]);
    expect(r.code).toBe(0);
    expect((await stat(join(out, 'dovecot-sql.conf.ext'))).mode & 0o777).toBe(0o640);
    expect(await readFile(join(out, 'conf.d', '90-allmende.conf'), 'utf8')).toContain('    port = 2424\n');
  });

  it('names a bad option', async () => {
    const r = await cli(['mail', 'config', 'postfix', '--db-password-file', join(work, 'missing'), '--lmtp', 'tcp:x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--lmtp: must be unix:/path or inet:host:port');
    expect(r.stderr).toContain('--db-password-file: cannot read');
  });
});
