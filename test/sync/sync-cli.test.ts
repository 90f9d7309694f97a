import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { freshDatabase } from '../support/test-app.js';

// `allmende sync …` and `allmende wiki config` as a user runs them (the built CLI).

let work: string;
let databaseUrl: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, work, { DATABASE_URL: databaseUrl, ALLMENDE_DATA_DIR: work, ...env });
}

describe('sync CLI', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'allmende-sync-cli-'));
    databaseUrl = await freshDatabase();
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('wiki config prints the LocalSettings lines, and says what is missing without a wiki', async () => {
    const off = await cli(['wiki', 'config']);
    expect(off.code).toBe(1);
    expect(off.stderr).toContain('set ALLMENDE_WIKI_DATABASE_URL first');
    const on = await cli(['wiki', 'config'], { ALLMENDE_WIKI_DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/wiki' });
    expect(on.code).toBe(0);
    expect(on.stdout).toContain("$wgPasswordDefault = 'argon2';");
    expect(on.stdout).toContain("'memory_cost' => 19456,");
  });

  it('sync status says when no target is configured', async () => {
    const r = await cli(['sync', 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no sync targets configured');
  });

  it('sync plan, run and status against an unreachable Mailman: one clear line each, exit 1', async () => {
    const env = {
      ALLMENDE_MAILMAN_URL: 'http://127.0.0.1:9',
      ALLMENDE_MAILMAN_PASSWORD: 'x',
      ALLMENDE_MAILMAN_TIMEOUT_MS: '2000',
    };
    // Nothing configured yet: nothing to read, nothing to do.
    const empty = await cli(['sync', 'plan', 'mailman'], env);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('mailman: nothing to do');

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(
      `insert into mailing_list (address, source, address_kind, exclusive, created_at) values ('intern@example.org', 'active', 'preferred', false, now())`,
    );
    await db.end();

    const plan = await cli(['sync', 'plan', 'mailman'], env);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('allmende: mailman: cannot reach Mailman at http://127.0.0.1:9');
    const run = await cli(['sync', 'run', 'mailman'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/mailman: run #\d+ failed/);
    const status = await cli(['sync', 'status'], env);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('mailman (Mailman 3 list rosters): failing');
    const unknown = await cli(['sync', 'run', 'ldap'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('sync target "ldap" not found; configured: mailman');
  });
});
