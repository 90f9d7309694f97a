import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { freshDatabase } from '../support/test-app.js';

// `allmende calendar …` as an operator runs it (the built CLI).

let work: string;
let databaseUrl: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, work, { DATABASE_URL: databaseUrl, ALLMENDE_DATA_DIR: work, ...env });
}

describe('calendar CLI', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'allmende-calendar-cli-'));
    databaseUrl = await freshDatabase();
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('announce says what is missing without an address, and queues a mail with one', async () => {
    const none = await cli(['calendar', 'announce']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('ALLMENDE_CALENDAR_ANNOUNCE_TO');
    const empty = await cli(['calendar', 'announce', '--to', 'liste@example.org']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('nothing queued (no-events)');
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const soon = new Date(Date.now() + 2 * 86_400_000);
      await db.query(
        `insert into calendar_event (uid, slug, title, time_zone, start_at, end_at, series_end_at, created_at, updated_at)
         values ('x@test', 'plenum', 'Plenum', 'Europe/Berlin', $1, $2, $2, now(), now())`,
        [soon, new Date(soon.getTime() + 3_600_000)],
      );
    } finally {
      await db.end();
    }
    const queued = await cli(['calendar', 'announce', '--json'], {
      ALLMENDE_CALENDAR_ANNOUNCE_TO: 'liste@example.org',
    });
    expect(queued.code, queued.stderr).toBe(0);
    expect(JSON.parse(queued.stdout)).toEqual({ queued: true, to: 'liste@example.org', events: 1 });
    const extend = await cli(['calendar', 'extend']);
    expect(extend.code).toBe(0);
    expect(extend.stdout).toContain('0 events');
  });

  it('refuses an unknown time zone at start, naming the variable', async () => {
    const r = await cli(['calendar', 'extend'], { ALLMENDE_TIME_ZONE: 'Mars/Olympus_Mons' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ALLMENDE_TIME_ZONE');
  });
});
