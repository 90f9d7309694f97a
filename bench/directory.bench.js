// Directory benchmark against Debian's real slapd, started from the slapd.conf and base LDIF that
// `allmende directory config` generates (test/support/slapd-lab.js), and allmende's engine from
// dist/ on an embedded PostgreSQL in a temporary data folder.
//
//   npm run build && npm run bench -- directory [--members N] [--samples N]
//
// Figures (goals from issue 6):
//   - push of N members into an empty slapd, one run (goal < 10 s for 10,000);
//   - reconcile of N members with nothing to do (goal < 3 s);
//   - propagation: a password change committed in PostgreSQL → a working LDAP bind with the new
//     password (ldapwhoami), through the trigger, LISTEN, debounce and a run (goal < 2 s).
// Needs root (slapd runs as the openldap user) and `npm run lab:install`.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { freePort, sleep } from '../test/support/lab-services.js';
import { SlapdLab } from '../test/support/slapd-lab.js';

import { fmt, machine, pct, table } from './lib.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { parseConfig } = await import(dist('config/config.js'));
const { resolveDatabase, openOrm, migrate } = await import(dist('database/database.js'));
const { createApp } = await import(dist('server.js'));
const { AppModule } = await import(dist('app.module.js'));
const { SyncEngine } = await import(dist('sync/sync-engine.service.js'));
const { SyncWorker } = await import(dist('sync/sync.worker.js'));
const { hashPassword } = await import(dist('core/crypto.util.js'));
const { slapdConf, baseLdif } = await import(dist('directory/slapd-config.js'));
const { NestFactory } = await import('@nestjs/core');

function parseArgs(argv) {
  const opts = { members: 10_000, samples: 10 };
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
const counts = (r) =>
  Object.entries(r.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'nothing to do';

const BASE = 'dc=bench,dc=example';
const WRITER = { dn: `cn=allmende,${BASE}`, password: 'bench writer password' };

const opts = parseArgs(process.argv.slice(2));
const rows = [];
const dir = mkdtempSync(join(os.tmpdir(), 'allmende-bench-directory-'));
chmodSync(dir, 0o755);
let slapd;
let app;
let orm;
let db;
try {
  log('starting slapd from the generated config …');
  const paths = SlapdLab.paths();
  slapd = await SlapdLab.create(
    paths,
    slapdConf({
      base: BASE,
      writerDn: WRITER.dn,
      readerDn: `cn=reader,${BASE}`,
      dataDir: paths.dataDir,
      runDir: paths.runDir,
    }),
    baseLdif({
      base: BASE,
      organization: 'Bench',
      writerDn: WRITER.dn,
      writerPassword: `{ARGON2}${await hashPassword(WRITER.password)}`,
      readerDn: `cn=reader,${BASE}`,
      readerPassword: `{ARGON2}${await hashPassword('bench reader password')}`,
    }),
  );
  const config = parseConfig({
    ALLMENDE_DATA_DIR: join(dir, 'data'),
    ALLMENDE_EMBEDDED_PG_PORT: String(await freePort()),
    ALLMENDE_LOG_LEVEL: 'warn',
    ALLMENDE_LDAP_URL: slapd.url,
    ALLMENDE_LDAP_BASE: BASE,
    ALLMENDE_LDAP_BIND_PASSWORD: WRITER.password,
  });
  db = await resolveDatabase(config, () => undefined);
  orm = await openOrm(db.url, config);
  await migrate(orm, db.url, config, () => undefined);
  const exec = (sql, params = []) => orm.em.fork().execute(sql, params);
  const passwords = Array.from({ length: 4 }, (_, i) => `bench password ${i}`);
  const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));

  log(`${opts.members} members in PostgreSQL …`);
  for (let next = 1; next <= opts.members; next += 1000) {
    const values = [];
    const params = [];
    for (let i = next; i < Math.min(next + 1000, opts.members + 1); i++) {
      values.push(`(?, ?, ?, ?, ?, ?, 'active', now(), now())`);
      params.push(
        `Vorname${i}`,
        `Nachname${i}`,
        `Vorname${i} Nachname${i}`,
        `bench${i}`,
        `bench${i}@example.net`,
        hashes[0],
      );
    }
    await exec(
      `insert into member (first_name, last_name, display_name, username, private_email, password_hash, state, created_at, updated_at) values ${values.join(', ')}`,
      params,
    );
  }
  const [board] = await exec(`select id from member_group where slug = 'board'`);
  await exec(
    `insert into group_membership (group_id, member_id, since) select ?, id, now() from member order by id limit 100`,
    [board.id],
  );

  // Push and reconcile without the worker, so that nothing else runs meanwhile.
  const ctx = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, orm, pino({ level: 'warn' }), { runWorkers: false }),
    { logger: false },
  );
  const engine = ctx.get(SyncEngine);
  log('push into the empty directory …');
  let t0 = performance.now();
  const push = await engine.run('directory', 'manual');
  const pushMs = performance.now() - t0;
  if (push.status !== 'ok') throw new Error(`push: ${push.status} ${push.error ?? JSON.stringify(push.errors[0])}`);
  rows.push([`push ${opts.members} members into an empty slapd`, `${fmt(pushMs)} (${counts(push)})`, '< 10 s']);
  const found = slapd.search(WRITER, `ou=people,${BASE}`, '(objectClass=inetOrgPerson)', ['1.1']);
  const entries = (found.out.match(/^dn: /gm) ?? []).length;
  if (entries !== opts.members) throw new Error(`expected ${opts.members} entries, found ${entries}`);

  const times = [];
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    const r = await engine.run('directory', 'manual');
    times.push(performance.now() - t0);
    if (Object.keys(r.counts).length > 0 || r.status !== 'ok') throw new Error(`not idle: ${counts(r)} ${r.status}`);
  }
  rows.push([`reconcile ${opts.members} members, nothing to do`, `${fmt(pctOf(times, 50))} (median of 3)`, '< 3 s']);
  await ctx.close();

  log('propagation of password changes …');
  app = await createApp(config, orm, pino({ level: 'warn' }));
  await app.init();
  const worker = app.get(SyncWorker);
  // Asynchronous: the worker runs in this process and must not wait for the poll.
  const binds = (uid, password) =>
    new Promise((done) =>
      execFile(
        '/usr/bin/ldapwhoami',
        ['-x', '-H', slapd.url, '-D', `uid=${uid},ou=people,${BASE}`, '-w', password],
        (err) => done(!err),
      ),
    );
  const samples = [];
  for (let i = 0; i < opts.samples; i++) {
    await worker.idle();
    const k = 1 + (i % 3);
    const uid = `bench${1 + i * 7}`;
    t0 = performance.now();
    await exec(`update member set password_hash = ? where username = ?`, [hashes[k], uid]);
    const end = performance.now() + 30_000;
    while (!(await binds(uid, passwords[k]))) {
      if (performance.now() > end) throw new Error(`${uid}: the new password does not bind after 30 s`);
      await sleep(10);
    }
    samples.push(performance.now() - t0);
  }
  rows.push([
    `password change → LDAP bind, ${opts.members} members`,
    `p50 ${fmt(pctOf(samples, 50))}, max ${fmt(Math.max(...samples))} (n=${samples.length})`,
    '< 2 s',
  ]);

  table('machine', ['machine', 'value'], machine());
  table('directory benchmark', ['figure', 'measured', 'goal'], rows);
} finally {
  await app?.close().catch(() => undefined);
  await orm?.close().catch(() => undefined);
  await db?.stop().catch(() => undefined);
  await slapd?.destroy().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
