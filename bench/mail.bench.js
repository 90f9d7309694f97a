// Mail benchmark: the real Dovecot and postmap (Debian's packages) on the views, through the files
// `allmende mail config` generates and the role `allmende mail role` makes.
//
//   npm run build && npm run bench -- mail [--members N] [--logins N] [--lookups N] [--keep]
//
// Measures, on an embedded PostgreSQL and the built app (dist/) in this process:
//   - activation → first working IMAP login (the sync engine's worker running as in the server);
//   - password change → the new password works over IMAP;
//   - postmap -q lookups per second on the three maps with N members;
//   - a reconcile of N members when nothing changed.
// Everything lives in a temp folder; Dovecot and PostgreSQL are stopped and the folder removed,
// also on failure. All traffic stays on 127.0.0.0/8.

import 'reflect-metadata';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';

import { machine, table } from './lib.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { parseConfig } = await import(dist('config/config.js'));
const { startEmbeddedPostgres } = await import(dist('database/embedded-postgres.js'));
const { migrate, openOrm } = await import(dist('database/database.js'));
const { createApp } = await import(dist('server.js'));
const { systemActor } = await import(dist('core/actor.js'));
const { AuthService } = await import(dist('auth/auth.service.js'));
const { MemberImportService } = await import(dist('members/member-import.service.js'));
const { MemberIntakeService } = await import(dist('members/member-intake.service.js'));
const { MembersService } = await import(dist('members/members.service.js'));
const { MailService } = await import(dist('mail/mail.service.js'));
const { MailReconciler } = await import(dist('mail/mail.reconciler.js'));
const { ensureMailRole } = await import(dist('mail/mail-role.js'));
const { DEFAULT_WIRING, dovecotFiles, postfixFiles } = await import(dist('mail/mail-config.js'));

const DOMAIN = 'example.org';
const PASSWORD = 'ein sehr langes Passwort';
const ROLE_PASSWORD = 'YmVuY2gtbWFpbC1yb2xlLXB3ZDEy';
const GOALS = { loginMs: 2000, reconcileMs: 1000 };
const POLL_MS = 20;
const LOGIN_TIMEOUT_MS = 15_000;
const VMAIL = { uid: 65534, gid: 65534 };

function parseArgs(argv) {
  const o = { members: 10_000, logins: 10, lookups: 10_000, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (min, max) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${a} must be an integer ${min}-${max}`);
      return v;
    };
    if (a === '--members') o.members = num(10, 200_000);
    else if (a === '--logins') o.logins = num(1, 100);
    else if (a === '--lookups') o.lookups = num(10, 1_000_000);
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------- output

const fmtMs = (ms) =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);

// ---------------------------------------------------------------- helpers

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd, args, { input, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin.on('error', () => undefined); // a program that reads no input closes it early
    child.stdin.end(input ?? '');
  });
}

// One IMAP LOGIN. Each attempt comes from its own loopback address, so Dovecot's penalty for the
// failed attempts before (per client address) does not slow down the next one.
let source = 0;
function imapLogin(port, user, password) {
  source = (source % 250) + 1;
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.${Math.floor(source / 250) + 1}.${source}` });
    let buf = '';
    let sent = false;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`IMAP: no answer (${buf})`));
    }, 10_000);
    s.setEncoding('utf8');
    s.on('data', (d) => {
      buf += d;
      if (!sent && /^\* OK/m.test(buf)) {
        sent = true;
        s.write(`a LOGIN "${user}" "${password}"\r\n`);
      }
      const m = /^a (OK|NO|BAD)/m.exec(buf);
      if (m) {
        clearTimeout(timer);
        s.destroy();
        resolve(m[1] === 'OK');
      }
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function untilLogin(port, user, password) {
  const t0 = performance.now();
  let attempts = 0;
  while (performance.now() - t0 < LOGIN_TIMEOUT_MS) {
    attempts++;
    if (await imapLogin(port, user, password)) return { ms: performance.now() - t0, attempts };
    await sleep(POLL_MS);
  }
  throw new Error(`no IMAP login for ${user} within ${LOGIN_TIMEOUT_MS / 1000} s`);
}

async function startDovecot(dir, db) {
  const etc = join(dir, 'dovecot');
  const mailRoot = join(dir, 'vmail');
  mkdirSync(mailRoot, { recursive: true });
  chownSync(mailRoot, VMAIL.uid, VMAIL.gid);
  const imapPort = await freePort();
  const lmtpPort = await freePort();
  const files = dovecotFiles({
    ...DEFAULT_WIRING,
    db,
    mailRoot,
    vmail: VMAIL,
    dovecotDir: etc,
    lmtp: { kind: 'inet', host: '127.0.0.1', port: lmtpPort },
  });
  for (const f of files) {
    mkdirSync(join(f.path, '..'), { recursive: true });
    writeFileSync(f.path, f.content, { mode: f.mode });
  }
  const conf = join(etc, 'dovecot.conf');
  writeFileSync(
    conf,
    [
      `base_dir = ${join(dir, 'dovecot-run')}`,
      `state_dir = ${join(dir, 'dovecot-state')}`,
      `log_path = ${join(dir, 'dovecot.log')}`,
      'protocols = imap lmtp',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_failure_delay = 0',
      'default_internal_user = dovecot',
      'default_login_user = dovenull',
      `service imap-login {\n  inet_listener imap {\n    address = *\n    port = ${imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      `!include ${join(etc, 'conf.d', '90-allmende.conf')}`,
      '',
    ].join('\n'),
  );
  // Dovecot forks into the background; its stdio must not be our pipes, or we wait on them.
  const code = await new Promise((resolve) => {
    const child = spawn('/usr/sbin/dovecot', ['-c', conf], { stdio: 'ignore' });
    child.once('error', () => resolve(-1));
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`dovecot did not start (exit ${code}); see ${join(dir, 'dovecot.log')}`);
  // Ready when the IMAP port takes a connection.
  for (let i = 0; i < 200; i++) {
    const up = await new Promise((resolve) => {
      const c = connect(imapPort, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (up && existsSync(join(dir, 'dovecot-run', 'master.pid'))) break;
    await sleep(50);
  }
  const pid = Number(readFileSync(join(dir, 'dovecot-run', 'master.pid'), 'utf8').trim());
  return { imapPort, stop: () => process.kill(pid, 'SIGTERM') };
}

function memberCsv(n) {
  const first = ['Rosa', 'Karl', 'Clara', 'August', 'Käthe', 'Ernst', 'Emine', 'Jan', 'Luise', 'Ömer'];
  const letters = (i) => {
    let s = '';
    do {
      s = String.fromCharCode(97 + (i % 26)) + s;
      i = Math.floor(i / 26);
    } while (i > 0);
    return s;
  };
  const rows = ['Mitgliedsnummer;Vorname;Nachname;E-Mail'];
  for (let i = 0; i < n; i++)
    rows.push(`${10001 + i};${first[i % first.length]};Bench${letters(i)};m${i}@private.test`);
  return Buffer.from(`${rows.join('\r\n')}\r\n`, 'utf8');
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const p of ['/usr/sbin/dovecot', '/usr/sbin/postmap'])
    if (!existsSync(p)) throw new Error(`${p} is missing: sudo npm run lab:install`);
  table(undefined, ['machine', 'value'], [...machine(), ['benchmark', 'mail']]);

  const dir = mkdtempSync(join(os.tmpdir(), 'allmende-bench-mail-'));
  chmodSync(dir, 0o711);
  const cleanups = [];
  const t0 = performance.now();
  const phase = (name) => console.error(`[${fmtMs(performance.now() - t0)}] ${name}`);
  try {
    const pgPort = await freePort();
    const pgDb = await startEmbeddedPostgres(join(dir, 'data'), pgPort, () => undefined, { role: 'server' });
    cleanups.push(() => pgDb.stop());
    const config = parseConfig({
      DATABASE_URL: pgDb.url,
      ALLMENDE_DATA_DIR: join(dir, 'data'),
      ALLMENDE_MAIL_DOMAIN: DOMAIN,
      ALLMENDE_LOG_LEVEL: 'silent',
    });
    const orm = await openOrm(pgDb.url, config);
    cleanups.push(() => orm.close());
    await migrate(orm, pgDb.url, config, () => undefined);
    const app = await createApp(config, orm, pino({ level: 'silent' }));
    await app.init();
    cleanups.push(() => app.close());
    const actor = systemActor('bench');
    const q = (sql, params = []) => orm.em.fork().execute(sql, params);

    phase('app ready');
    // N members, all active with a password and a named address, a third forwarding.
    const s0 = performance.now();
    const report = await app.get(MemberImportService).import(actor, memberCsv(opts.members), { dryRun: false });
    if (report.created !== opts.members) throw new Error(`import created ${report.created}`);
    const { hash } = await import('@node-rs/argon2');
    const phc = await hash(PASSWORD);
    await q(
      `update member set state = 'active', password_hash = ?, wants_named_address = true, forward_to_private = (id % 3 = 0)`,
      [phc],
    );
    const reconciler = app.get(MailReconciler);
    const first = await reconciler.run('bench');
    const setupMs = performance.now() - s0;
    const unchanged = [];
    for (let i = 0; i < 7; i++) {
      const r = await reconciler.run('bench');
      if (Object.keys(r.counts).length > 0) throw new Error(`an unchanged run changed ${JSON.stringify(r.counts)}`);
      unchanged.push(r.ms);
    }
    const [counts] = await q(
      `select (select count(*) from mail_virtual_mailboxes)::int as mailboxes, (select count(*) from mail_virtual_aliases)::int as aliases, (select count(*) from mail_dovecot_users)::int as users`,
    );

    phase('members and reconcile done');
    // The role and the generated config, as an operator wires them.
    await ensureMailRole(orm.em.fork(), 'allmende_mail', ROLE_PASSWORD);
    phase('role made');
    const u = new URL(pgDb.url);
    const db = {
      host: '127.0.0.1',
      port: Number(u.port),
      dbname: u.pathname.slice(1),
      user: 'allmende_mail',
      password: ROLE_PASSWORD,
      tls: 'off',
    };
    const dovecot = await startDovecot(dir, db);
    cleanups.push(async () => dovecot.stop());

    phase('dovecot ready');
    // Activation and password change → working IMAP login.
    const intake = app.get(MemberIntakeService);
    const members = app.get(MembersService);
    const auth = app.get(AuthService);
    const activation = [];
    const change = [];
    for (let i = 0; i < opts.logins; i++) {
      const m = await intake.intake(actor, {
        firstName: 'Paula',
        lastName: `Mitglied${String.fromCharCode(97 + (i % 26))}${i}`,
      });
      await orm.em
        .fork()
        .transactional(async (em) => auth.setPassword(em, actor, await members.requireMember(em, m.id), PASSWORD));
      await app.get(MailService).setChoices(actor, m.id, { namedAddress: true });
      // Everything before has been reconciled; the activation then wakes the mail target via NOTIFY.
      await sleep(2000 + Math.random() * 2000);
      const a0 = performance.now();
      await members.changeState(actor, m.id, 'active');
      const a = await untilLogin(dovecot.imapPort, m.username, PASSWORD);
      activation.push({ ms: performance.now() - a0, attempts: a.attempts });
      const fresh = `frisches Kennwort Nummer ${i} für die Bank`;
      const c0 = performance.now();
      await orm.em
        .fork()
        .transactional(async (em) => auth.setPassword(em, actor, await members.requireMember(em, m.id), fresh));
      const c = await untilLogin(dovecot.imapPort, m.username, fresh);
      change.push({ ms: performance.now() - c0, attempts: c.attempts });
      if (await imapLogin(dovecot.imapPort, m.username, PASSWORD)) throw new Error('the old password still works');
    }

    phase('logins done');
    // postmap: one process per lookup (as a shell script does), and one process for all (as a
    // long-running Postfix daemon does: one connection, many queries).
    const pfEtc = join(dir, 'postfix');
    mkdirSync(pfEtc, { recursive: true });
    writeFileSync(join(pfEtc, 'main.cf'), 'compatibility_level = 3.6\n');
    const maps = Object.fromEntries(
      postfixFiles({ ...DEFAULT_WIRING, db, postfixDir: pfEtc, proxy: false })
        .filter((f) => f.name !== 'main.cf')
        .map((f) => {
          writeFileSync(f.path, f.content, { mode: f.mode });
          return [f.name, `pgsql:${f.path}`];
        }),
    );
    const addresses = (
      await q(`select address from mail_virtual_mailboxes order by random() limit ?`, [opts.lookups])
    ).map((r) => r.address);
    const sources = (
      await q(`select distinct source from mail_virtual_aliases order by 1 limit ?`, [opts.lookups])
    ).map((r) => r.source);
    const lookups = [];
    // One untimed lookup first: the first connection of the role pays one-time costs (~2 s here).
    await run('/usr/sbin/postmap', ['-c', pfEtc, '-q', DOMAIN, maps.virtual_mailbox_domains]);
    for (const [name, keys] of [
      ['virtual_mailbox_maps', addresses],
      ['virtual_alias_maps', sources],
      ['virtual_mailbox_domains', Array.from({ length: opts.lookups }, (_, i) => (i % 2 ? DOMAIN : `other${i}.org`))],
    ]) {
      const b0 = performance.now();
      const r = await run('/usr/sbin/postmap', ['-c', pfEtc, '-q', '-', maps[name]], { input: `${keys.join('\n')}\n` });
      const ms = performance.now() - b0;
      const found = r.stdout.split('\n').filter(Boolean).length;
      if (r.code !== 0 && found === 0) throw new Error(`postmap ${name}: ${r.stderr}`);
      lookups.push([
        `${name}: ${keys.length} keys, one process`,
        `${found} found`,
        `${Math.round(keys.length / (ms / 1000))}/s`,
      ]);
    }
    const single = addresses.slice(0, 200);
    const p0 = performance.now();
    for (const key of single) {
      const r = await run('/usr/sbin/postmap', ['-c', pfEtc, '-q', key, maps.virtual_mailbox_maps]);
      if (r.code !== 0) throw new Error(`postmap -q ${key}: ${r.code} ${r.stderr}`);
    }
    const pms = performance.now() - p0;
    lookups.push([
      `virtual_mailbox_maps: ${single.length} × postmap -q KEY`,
      `${fmtMs(pms / single.length)} each`,
      `${Math.round(single.length / (pms / 1000))}/s`,
    ]);

    phase('postmap done');
    table(
      `mail: ${opts.members} members (${counts.mailboxes} mailboxes, ${counts.aliases} alias rows, ${counts.users} Dovecot user rows)`,
      ['figure', 'median', 'max', 'goal', 'result'],
      [
        [
          'setup: import + first reconcile (creates everything)',
          fmtMs(setupMs),
          '',
          '',
          `first run ${fmtMs(first.ms)}`,
        ],
        [
          `reconcile, nothing changed (${unchanged.length} runs)`,
          fmtMs(median(unchanged)),
          fmtMs(max(unchanged)),
          '< 1 s',
          max(unchanged) < GOALS.reconcileMs ? 'met' : 'MISSED',
        ],
        [
          `activation → IMAP login (${activation.length} members)`,
          fmtMs(median(activation.map((a) => a.ms))),
          fmtMs(max(activation.map((a) => a.ms))),
          '< 2 s',
          max(activation.map((a) => a.ms)) < GOALS.loginMs ? 'met' : 'MISSED',
        ],
        [
          `password change → IMAP login with the new one`,
          fmtMs(median(change.map((a) => a.ms))),
          fmtMs(max(change.map((a) => a.ms))),
          '< 2 s',
          max(change.map((a) => a.ms)) < GOALS.loginMs ? 'met' : 'MISSED',
        ],
        [
          '  IMAP attempts until OK (activation / change), median',
          `${median(activation.map((a) => a.attempts))} / ${median(change.map((a) => a.attempts))}`,
          '',
          '',
          '',
        ],
      ],
    );
    table(
      'postmap -q on the generated pgsql maps (Debian postfix-pgsql, read-only role)',
      ['lookup', 'answer', 'lookups/s'],
      lookups,
    );
    console.log(`\ndone in ${fmtMs(performance.now() - t0)}`);
  } finally {
    for (const fn of cleanups.reverse())
      await Promise.resolve()
        .then(fn)
        .catch((err) => console.error(`cleanup: ${err.message}`));
    if (opts.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  console.error(`\nbench failed: ${err.stack ?? err}`);
  process.exitCode = 1;
}
