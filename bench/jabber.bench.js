// Jabber benchmark: extauth verifications per second end to end (ejabberd's program → HTTP →
// allmende → Argon2) against the raw Argon2 verify rate of this machine, measured in the same run;
// repeated logins with the verify cache; and the time from a password change to a working login.
//
//   npm run build && npm run bench -- jabber [--seconds N] [--keep]
//
// Like bench/run.js: the built CLI (dist/) in child processes, its embedded PostgreSQL on a free port
// in a fresh temp folder, HTTP over 127.0.0.1; every loop bounded in count and time; servers,
// programs, ejabberd and PostgreSQL stopped and the folder removed at the end. Output: Markdown.
// With Debian's ejabberd installed (`npm run lab:install`), the propagation is also measured as a
// real XMPP login through ejabberd; without it, through the extauth program alone.

import { execFile, spawn } from 'node:child_process';
import { accessSync, chownSync, constants, readFileSync, readdirSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { hash, verify } from '@node-rs/argon2';
import { CLI, cliProcesses, fmt, freePort, runBench, table } from './lib.js';

const DOMAIN = 'bench.allmende.test';
const GOAL_SHARE = 0.8; // extauth rate ≥ 80 % of the raw Argon2 rate
const STEP_TIMEOUT_MS = 180_000;
const EJABBERDCTL = '/usr/sbin/ejabberdctl';
// The parameters allmende hashes with (src/core/crypto.util.ts).
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };
const ADMIN = { email: 'jabber.bench@example.org', password: 'Sprechstunde:im:Hackspace 2026' };
const NEW_PASSWORD = 'Ganz neues Passwort: 1871 Paris';

function parseArgs(argv) {
  const opts = { seconds: 5, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') opts.keep = true;
    else if (a === '--seconds') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 120) throw new Error('--seconds needs a whole number from 1 to 120');
      opts.seconds = n;
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

const rate = (n) => `${n.toFixed(1)}/s`;
const { live, env, runCli, startServer, stopServer, stop, call } = cliProcesses({
  stepTimeoutMs: STEP_TIMEOUT_MS,
  requestTimeoutMs: 30_000,
});

// ---------------------------------------------------------------- the extauth program, driven

function frame(text) {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

// One `allmende jabber extauth` as ejabberd runs it; ask() sends one request and waits for its answer.
function startExtauth(ctx, server) {
  const child = spawn(
    process.execPath,
    [CLI, 'jabber', 'extauth', '--url', server.url, '--token-file', ctx.tokenFile],
    { cwd: ctx.tmp, env: env(ctx), stdio: ['pipe', 'pipe', 'pipe'] },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-5000)));
  let buffer = Buffer.alloc(0);
  let waiting;
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4 && waiting) {
      const yes = buffer[3] === 1;
      buffer = buffer.subarray(4);
      const w = waiting;
      waiting = undefined;
      w(yes);
    }
  });
  return {
    child,
    ask(text) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`extauth gave no answer in 30 s:\n${stderr}`)), 30_000);
        waiting = (yes) => {
          clearTimeout(timer);
          resolve(yes);
        };
        child.stdin.write(frame(text));
      });
    },
    stop: () => stop(child),
  };
}

// Verifications per second: `workers` loops, each awaiting one verification at a time, for `seconds`.
// once(worker) gets the loop's number, so each loop can keep to its own program.
async function measure(seconds, workers, once) {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < until) {
        if (!(await once(worker))) throw new Error('a verification that should succeed failed');
        done++;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

// ---------------------------------------------------------------- ejabberd (optional)

function hasEjabberd() {
  try {
    accessSync(EJABBERDCTL, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function chownEjabberd(path) {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ejabberd:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid !== undefined) chownSync(path, Number(uid), Number(gid));
}

async function startEjabberd(ctx, server) {
  const dir = join(ctx.tmp, 'ejabberd');
  await mkdir(dir, { mode: 0o755 });
  await chmod(ctx.tmp, 0o755);
  const [c2sPort, distPort] = [await freePort(), await freePort()];
  const spool = join(dir, 'spool');
  const logs = join(dir, 'logs');
  for (const d of [spool, logs]) {
    await mkdir(d);
    chownEjabberd(d);
  }
  await chmod(ctx.tokenFile, 0o644);
  const program = `${process.execPath} ${CLI} jabber extauth --url ${server.url} --token-file ${ctx.tokenFile}`;
  // The fragment `allmende jabber config ejabberd` prints, plus a loopback listener.
  const generated = await runCli(ctx, ['jabber', 'config', 'ejabberd', '--domain', DOMAIN, '--program', program]);
  const yml = join(dir, 'ejabberd.yml');
  await writeFile(
    yml,
    `${generated}\nloglevel: warning\nlisten:\n  - port: ${c2sPort}\n    ip: "127.0.0.1"\n    module: ejabberd_c2s\n`,
    { mode: 0o644 },
  );
  const ctl = join(dir, 'ejabberdctl.cfg');
  await writeFile(
    ctl,
    `ERLANG_NODE=allmende-bench-${process.pid}@localhost\nERL_EPMD_ADDRESS=127.0.0.1\nERL_DIST_PORT=${distPort}\n` +
      `INET_DIST_INTERFACE=127.0.0.1\nEJABBERD_CONFIG_PATH=${yml}\nEJABBERD_PID_PATH=${join(spool, 'ejabberd.pid')}\n`,
    { mode: 0o644 },
  );
  const args = ['--ctl-config', ctl, '--config', yml, '--spool', spool, '--logs', logs];
  const ctlRun = (...cmd) => promisify(execFile)(EJABBERDCTL, [...args, ...cmd], { timeout: 90_000 });
  await ctlRun('start');
  await ctlRun('started');
  return {
    c2sPort,
    stop: async () => {
      await ctlRun('stop').catch(() => undefined);
      await ctlRun('stopped').catch(() => undefined);
      try {
        process.kill(Number(readFileSync(join(spool, 'ejabberd.pid'), 'utf8').trim()), 'SIGKILL');
      } catch {
        /* gone */
      }
    },
  };
}

async function xmppLogin(c2sPort, username, password) {
  const { client } = await import('@xmpp/client');
  const xmpp = client({
    service: `xmpp://127.0.0.1:${c2sPort}`,
    domain: DOMAIN,
    resource: 'bench',
    // PLAIN without TLS (loopback sandbox), and the UTF-8 bytes (the library base64s as Latin-1).
    credentials: (authenticate) =>
      authenticate({ username, password: Buffer.from(password, 'utf8').toString('latin1') }, 'PLAIN'),
  });
  xmpp.on('error', () => undefined);
  try {
    await xmpp.start();
    return true;
  } catch (err) {
    if (err?.condition === 'not-authorized') return false;
    throw err;
  } finally {
    await xmpp.stop().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- the benchmark

async function tokenFor(ctx, server) {
  const login = await call(server, '/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: ADMIN.email, password: ADMIN.password }),
  });
  const cookie = String(login.res.headers.get('set-cookie')).split(';')[0];
  const created = await call(server, '/api/auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: server.url },
    body: JSON.stringify({ name: 'ejabberd', scopes: ['jabber:auth'] }),
  });
  return created.json().token;
}

// A password reset through the mailed link: the mail lands as .eml in the data folder.
async function changePassword(ctx, server, username, password) {
  const outbox = join(ctx.dataDir, 'outbox');
  const before = new Set(
    (() => {
      try {
        return readdirSync(outbox);
      } catch {
        return [];
      }
    })(),
  );
  await call(server, '/api/auth/reset', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: username }),
  });
  let link;
  const until = performance.now() + 30_000;
  while (!link && performance.now() < until) {
    await sleep(100);
    let files = [];
    try {
      files = readdirSync(outbox).filter((f) => !before.has(f));
    } catch {
      /* not yet */
    }
    for (const f of files) {
      const text = readFileSync(join(outbox, f), 'utf8').replace(/=\r?\n/g, '');
      const m = /\/reset\/(\d+)\/([A-Za-z0-9_-]+)/.exec(text);
      if (m) link = { memberId: Number(m[1]), key: m[2] };
    }
  }
  if (!link) throw new Error('no reset mail within 30 s');
  await call(server, '/api/auth/reset/confirm', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...link, password }),
  });
}

async function run(ctx) {
  const { seconds } = ctx.opts;
  const cores = os.availableParallelism();
  // 1: one program (latency-bound); cores and 2 × cores: ejabberd's pool (extauth_pool_size)
  // large enough that HTTP and database waits overlap with Argon2 runs.
  const levels = [...new Set([1, cores, 2 * cores])];
  await runCli(ctx, ['migrate']);
  const created = await runCli(
    ctx,
    ['admin', 'create', '--first-name', 'Jabber', '--last-name', 'Bench', '--email', ADMIN.email, '--password-stdin'],
    `${ADMIN.password}\n`,
  );
  const username = /created admin (\S+)/.exec(created)?.[1];
  if (!username) throw new Error(`admin create printed no username:\n${created}`);
  const request = `auth:${username}:${DOMAIN}:${ADMIN.password}`;
  const serverEnv = { ALLMENDE_JABBER_DOMAIN: DOMAIN, ALLMENDE_RESET_INTERVAL_MINUTES: '0' };

  // 1. Every login a full Argon2 run (cache off), against the raw rate, at each concurrency.
  let server = await startServer(ctx, { ...serverEnv, ALLMENDE_JABBER_VERIFY_CACHE_SECONDS: '0' });
  ctx.tokenFile = join(ctx.tmp, 'jabber.token');
  await writeFile(ctx.tokenFile, await tokenFor(ctx, server), { mode: 0o600 });
  const phc = await hash(ADMIN.password, ARGON2);
  const rows = [];
  const shares = [];
  for (const c of levels) {
    const programs = Array.from({ length: c }, () => startExtauth(ctx, server));
    for (const p of programs) for (let i = 0; i < 3; i++) await p.ask(request); // warm up
    const raw = await measure(seconds, c, () => verify(phc, ADMIN.password));
    const viaExtauth = await measure(seconds, c, (w) => programs[w].ask(request));
    const rawAfter = await measure(seconds, c, () => verify(phc, ADMIN.password));
    for (const p of programs) await p.stop();
    const rawMean = (raw + rawAfter) / 2;
    shares.push({ via: viaExtauth, raw: rawMean });
    rows.push([
      String(c),
      `${rate(raw)} / ${rate(rawAfter)}`,
      rate(viaExtauth),
      `${((100 * viaExtauth) / rawMean).toFixed(0)} %`,
    ]);
  }
  await stopServer(ctx, server);

  // 2. Repeated logins of one member with the verify cache (the default).
  server = await startServer(ctx, serverEnv);
  const cachedRows = [];
  for (const c of levels) {
    const programs = Array.from({ length: c }, () => startExtauth(ctx, server));
    for (const p of programs) for (let i = 0; i < 3; i++) await p.ask(request);
    cachedRows.push([String(c), rate(await measure(seconds, c, (w) => programs[w].ask(request)))]);
    for (const p of programs) await p.stop();
  }

  // 3. Propagation: password changed (reset link confirmed) → first working login with the new one.
  const propagation = [];
  const program = startExtauth(ctx, server);
  {
    await changePassword(ctx, server, username, NEW_PASSWORD);
    const t0 = performance.now();
    let tries = 0;
    while (!(await program.ask(`auth:${username}:${DOMAIN}:${NEW_PASSWORD}`)) && tries++ < 100) await sleep(10);
    const ms = performance.now() - t0;
    const old = await program.ask(`auth:${username}:${DOMAIN}:${ADMIN.password}`);
    propagation.push(['extauth program', fmt(ms), String(tries + 1), old ? 'ACCEPTED' : 'refused']);
  }
  await program.stop();
  if (hasEjabberd()) {
    const ejabberd = await startEjabberd(ctx, server);
    try {
      const newer = 'Und noch ein neues Passwort 1919';
      await changePassword(ctx, server, username, newer);
      const t0 = performance.now();
      let tries = 0;
      while (!(await xmppLogin(ejabberd.c2sPort, username, newer)) && tries++ < 100) await sleep(10);
      const ms = performance.now() - t0;
      const old = await xmppLogin(ejabberd.c2sPort, username, NEW_PASSWORD);
      propagation.push(['XMPP login through ejabberd 23.01', fmt(ms), String(tries + 1), old ? 'ACCEPTED' : 'refused']);
    } finally {
      await ejabberd.stop();
    }
  } else {
    propagation.push(['XMPP login through ejabberd', '– (not installed: npm run lab:install)', '–', '–']);
  }
  await stopServer(ctx, server);

  table(
    `verifications per second, every login a full Argon2 run (m=19456, t=2, p=1), ${seconds} s each`,
    ['concurrency', 'raw @node-rs/argon2 verify (before / after)', 'extauth → HTTP → allmende → Argon2', 'share'],
    rows,
  );
  table('repeated logins of one member, verify cache on (the default)', ['concurrency', 'extauth'], cachedRows);
  table(
    'propagation: password changed (reset confirmed) → first login with the new password',
    ['through', 'time to first success', 'attempts', 'old password'],
    propagation,
  );
  // The Argon2 limit is the machine's: the best rate through extauth against the best raw rate.
  const best = Math.max(...shares.map((x) => x.via)) / Math.max(...shares.map((x) => x.raw));
  table(
    'goals',
    ['figure', 'value', 'goal'],
    [
      [
        'best extauth rate / best raw Argon2 rate',
        `${(100 * best).toFixed(0)} %`,
        best >= GOAL_SHARE ? 'met (≥ 80 %)' : 'MISSED (≥ 80 %)',
      ],
      ['propagation', propagation.map((p) => p[1]).join(' / '), 'immediate (first attempt)'],
    ],
  );
}

process.exitCode = await runBench({
  usage: 'npm run bench -- jabber [--seconds N] [--keep]',
  parseArgs,
  run,
  processes: { live, stop },
});
