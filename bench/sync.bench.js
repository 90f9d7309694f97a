// Sync benchmark against the real programs: Mailman 3 core and MariaDB + MediaWiki from Debian's
// packages, started on loopback in temporary folders (test/support/lab-services.js), and allmende's
// engine from dist/ on an embedded PostgreSQL in a temporary data folder.
//
//   npm run build && npm run bench -- sync [--members N] [--changes N] [--samples N]
//
// Figures (goals from issue 5):
//   - propagation: a change committed in PostgreSQL → visible in Mailman's roster / MediaWiki's
//     user table, through the trigger, LISTEN, debounce and a run (goal p50 < 2 s), with a small
//     register and again with N members;
//   - reconcile of N members with nothing to do (goal < 5 s per target), and with --changes changes;
//   - the engine's own overhead per run (lock, run record, health) with a target that does nothing.
// Needs root (the services run as their Debian users) and `npm run lab:install`.
import 'reflect-metadata';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { MailmanLab, MediaWikiLab, freePort, sleep } from '../test/support/lab-services.js';

import { fmt, machine, pct, table } from './lib.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { parseConfig } = await import(dist('config/config.js'));
const { resolveDatabase, openOrm, migrate } = await import(dist('database/database.js'));
const { createApp } = await import(dist('server.js'));
const { SyncEngine } = await import(dist('sync/sync-engine.service.js'));
const { SyncRegistry } = await import(dist('sync/sync-registry.js'));
const { SyncWorker } = await import(dist('sync/sync.worker.js'));
const { hashPassword } = await import(dist('core/crypto.util.js'));
const { wikiLocalSettings } = await import(dist('wiki-sync/wiki-config.js'));

function parseArgs(argv) {
  const opts = { members: 10_000, changes: 1_000, samples: 10 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]?.replace(/^--/, '');
    if (key && key in opts) opts[key] = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

// The p-th percentile (0–100) of unsorted figures.
const pctOf = (xs, p) =>
  pct(
    [...xs].sort((a, b) => a - b),
    p / 100,
  );
const log = (m) => process.stderr.write(`${m}\n`);

async function until(check, timeoutMs = 120_000, everyMs = 20) {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error('timed out');
}

const opts = parseArgs(process.argv.slice(2));
const rows = [];
const dir = mkdtempSync(join(os.tmpdir(), 'allmende-bench-sync-'));
// As root, the embedded PostgreSQL runs as an unprivileged user that must reach its folder.
chmodSync(dir, 0o755);
let mailman;
let wiki;
let app;
let orm;
let db;
try {
  log('starting Mailman, MariaDB + MediaWiki …');
  [mailman, wiki] = await Promise.all([
    MailmanLab.create().then(async (m) => (await m.start(), m)),
    MediaWikiLab.create(wikiLocalSettings({ clubName: 'Bench', wiki: { groups: [['board', 'sysop']] } })),
  ]);
  await mailman.createList('intern@example.org');
  await mailman.createList('vorstand@example.org');
  const config = parseConfig({
    ALLMENDE_DATA_DIR: join(dir, 'data'),
    ALLMENDE_EMBEDDED_PG_PORT: String(await freePort()),
    ALLMENDE_LOG_LEVEL: 'warn',
    ALLMENDE_MAILMAN_URL: mailman.url,
    ALLMENDE_MAILMAN_USER: mailman.user,
    ALLMENDE_MAILMAN_PASSWORD: mailman.password,
    ALLMENDE_WIKI_DATABASE_URL: wiki.databaseUrl,
    ALLMENDE_WIKI_GROUPS: 'board=sysop',
  });
  db = await resolveDatabase(config, () => undefined);
  orm = await openOrm(db.url, config);
  await migrate(orm, db.url, config, () => undefined);
  const exec = (sql, params = []) => orm.em.fork().execute(sql, params);
  const [board] = await exec(`select id from member_group where slug = 'board'`);
  await exec(
    `insert into mailing_list (address, source, address_kind, exclusive, created_at) values ('intern@example.org', 'active', 'private', false, now())`,
  );
  await exec(
    `insert into mailing_list (address, source, group_id, address_kind, exclusive, created_at) values ('vorstand@example.org', 'group', ?, 'private', false, now())`,
    [board.id],
  );
  // Argon2 costs ~15 ms a hash: a handful, shared by the generated members.
  const hashes = await Promise.all(Array.from({ length: 4 }, (_, i) => hashPassword(`bench password ${i}`)));
  let next = 1;
  const addMembers = async (n) => {
    for (let done = 0; done < n; done += 1000) {
      const k = Math.min(1000, n - done);
      const values = [];
      const params = [];
      for (let i = 0; i < k; i++, next++) {
        values.push(`(?, ?, ?, ?, ?, ?, 'active', now(), now())`);
        params.push(
          `Vorname${next}`,
          `Nachname${next}`,
          `Vorname${next} Nachname${next}`,
          `bench${next}`,
          `bench${next}@example.net`,
          hashes[0],
        );
      }
      await exec(
        `insert into member (first_name, last_name, display_name, username, private_email, password_hash, state, created_at, updated_at) values ${values.join(', ')}`,
        params,
      );
    }
  };

  app = await createApp(config, orm, pino({ level: 'warn' }));
  await app.init();
  const engine = app.get(SyncEngine);
  const worker = app.get(SyncWorker);
  const mysql = (await import('mysql2/promise')).default;
  const wikiDb = mysql.createPool({ uri: wiki.databaseUrl, connectionLimit: 2 });
  const wikiPassword = async (name) => {
    const [r] = await wikiDb.query('select user_password from user where user_name = ?', [name]);
    return r[0] ? Buffer.from(r[0].user_password).toString() : null;
  };

  // Propagation: one change at a time, committed, then polled in the target.
  async function propagation(w) {
    const [{ n }] = await exec(`select count(*)::int as n from member`);
    const mm = [];
    const mw = [];
    for (let i = 0; i < opts.samples; i++) {
      await w.idle();
      const [m] = await exec(
        `select id, private_email, display_name from member where state = 'active' and id not in (select member_id from group_membership) order by id limit 1`,
      );
      let t0 = performance.now();
      await exec(`insert into group_membership (group_id, member_id, since) values (?, ?, now())`, [board.id, m.id]);
      await until(async () => (await mailman.emails('vorstand@example.org')).includes(m.private_email));
      mm.push(performance.now() - t0);
      await w.idle();
      const hash = hashes[1 + (i % 3)];
      const [{ wiki_name: wikiName }] = await exec(`select wiki_name from wiki_account where member_id = ?`, [m.id]);
      t0 = performance.now();
      await exec(`update member set password_hash = ? where id = ?`, [hash, m.id]);
      await until(async () => (await wikiPassword(wikiName)) === `:argon2:${hash}`);
      mw.push(performance.now() - t0);
    }
    rows.push([
      `propagation → Mailman, ${n} members`,
      `p50 ${fmt(pctOf(mm, 50))}, max ${fmt(Math.max(...mm))} (n=${mm.length})`,
      'p50 < 2 s',
    ]);
    rows.push([
      `propagation → MediaWiki, ${n} members`,
      `p50 ${fmt(pctOf(mw, 50))}, max ${fmt(Math.max(...mw))} (n=${mw.length})`,
      'p50 < 2 s',
    ]);
  }

  async function timedRun(target) {
    await worker.idle();
    const t0 = performance.now();
    const r = await engine.run(target, 'manual');
    const ms = performance.now() - t0;
    if (r.status === 'failed') throw new Error(`${target}: ${r.error}`);
    return { ms, r };
  }
  const counts = (r) =>
    Object.entries(r.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'nothing to do';

  log('small register: 50 members …');
  await addMembers(50);
  await until(async () => (await mailman.emails('intern@example.org')).length === 50);
  await worker.idle();
  await propagation(worker);

  log(`growing to ${opts.members} members (initial sync) …`);
  await addMembers(opts.members - 50);
  await worker.idle(); // the trigger starts both targets at once; wait until they are done
  for (const target of ['mailman', 'mediawiki']) {
    const { ms, r } = await timedRun(target);
    if (Object.keys(r.counts).length > 0) rows.push([`${target}: catch-up run`, `${fmt(ms)} (${counts(r)})`, '']);
  }
  const [{ subs }] = await exec(`select count(*)::int as subs from mailing_list_subscription`);
  const [{ users }] = await exec(`select count(*)::int as users from wiki_account`);
  log(`initial sync done: ${subs} subscriptions, ${users} wiki users`);

  for (const target of ['mailman', 'mediawiki']) {
    const times = [];
    for (let i = 0; i < 3; i++) times.push((await timedRun(target)).ms);
    rows.push([
      `${target}: reconcile ${opts.members} members, nothing to do`,
      `${fmt(pctOf(times, 50))} (median of 3)`,
      '< 5 s',
    ]);
  }

  log(`${opts.changes} changes …`);
  // Hold the triggers back: the change must wait for the timed run, not be taken by the worker.
  await app.close();
  app = undefined;
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import(dist('app.module.js'));
  const ctx = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, orm, pino({ level: 'warn' }), { runWorkers: false }),
    { logger: false },
  );
  app = ctx;
  const quietEngine = ctx.get(SyncEngine);
  await exec(
    `update member set display_name = display_name || ' (neu)' where id in (select id from member order by id limit ?)`,
    [opts.changes],
  );
  for (const target of ['mailman', 'mediawiki']) {
    const t0 = performance.now();
    const r = await quietEngine.run(target, 'manual');
    rows.push([
      `${target}: reconcile ${opts.members} members, ${opts.changes} changed`,
      `${fmt(performance.now() - t0)} (${counts(r)}${r.errorCount ? `, ${r.errorCount} errors` : ''})`,
      '',
    ]);
  }

  // The engine's own cost: a target with nothing to read and nothing to do.
  ctx.get(SyncRegistry).register({
    name: 'noop',
    description: 'nothing',
    watches: [],
    cron: '0 0 * * *',
    concurrency: 1,
    desired: async () => null,
    actual: async () => null,
    plan: () => ({ actions: [], problems: [] }),
    apply: async () => undefined,
    describe: () => '',
    isTargetDown: () => false,
  });
  const overhead = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await quietEngine.run('noop', 'manual');
    overhead.push(performance.now() - t0);
  }
  rows.push([
    'engine overhead per run (lock, record, health)',
    `p50 ${fmt(pctOf(overhead, 50))}, p95 ${fmt(pctOf(overhead, 95))} (n=50)`,
    '',
  ]);

  await ctx.close();
  app = await createApp(config, orm, pino({ level: 'warn' }));
  await app.init();
  log('propagation with the full register …');
  await propagation(app.get(SyncWorker));
  await wikiDb.end();

  table('machine', ['machine', 'value'], machine());
  table('sync benchmark', ['figure', 'measured', 'goal'], rows);
} finally {
  await app?.close().catch(() => undefined);
  await orm?.close().catch(() => undefined);
  await db?.stop().catch(() => undefined);
  await mailman?.destroy().catch(() => undefined);
  await wiki?.destroy().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
