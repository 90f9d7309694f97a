// Benchmarks for allmende, run against the built CLI (dist/) exactly as an operator runs it.
//
//   npm run build && npm run bench -- <import|search|startup|memory|outbox|reset|all> [options]
//   npm run bench -- <name>   runs bench/<name>.bench.js where there is one (e.g. sync, inventory)
//
// Options (defaults are what the goals in bench/README.md are stated for):
//   --members N    members in the generated CSV (10000)
//   --requests N   search requests per concurrency level (2000)
//   --startups N   server starts in the startup benchmark (5)
//   --keep         keep the temporary folder (data folder, CSV) and print where it is
//   --cli FILE     benchmark another build's dist/cli/main.js (e.g. a patched copy) instead of ./dist
//
// Everything happens in a fresh folder under the system temp dir: the CSV, the data folder with
// the embedded PostgreSQL (started by the CLI itself on a free port), the servers' working dir.
// Nothing is written into the repository. All traffic goes to 127.0.0.1. Every loop is bounded
// in count and time; servers and PostgreSQL are stopped and the folder removed, also on failure.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOST, freePort, machine, pick, rng, table } from './lib.js';

const BUILT_CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
let CLI = BUILT_CLI;
const GOALS = { importMs: 10_000, searchP99Ms: 50, readyMs: 3_000 };
const CLI_TIMEOUT_MS = 180_000; // one CLI command (an import of 10k rows included)
const SERVER_READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const LOAD_PHASE_TIMEOUT_MS = 180_000; // one load phase (N requests at one concurrency)
const REQUEST_TIMEOUT_MS = 10_000;
const IDLE_MS = 10_000;
const OVERHEAD_RUNS = 5; // runs of the fixed-cost commands in the import benchmark (median taken)
const WARMUP = 500; // search requests before the measured ones (the server's JIT needs a few hundred)
const ADMIN = {
  firstName: 'Bench',
  lastName: 'Operator',
  email: 'bench.operator@example.org',
  password: 'Lindenblüte-Kaffeetasse-7491',
};

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { bench: undefined, members: 10_000, requests: 2_000, startups: 5, keep: false, cli: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name, min, max) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < min || v > max)
        throw new Error(`${name} must be an integer from ${min} to ${max}`);
      return v;
    };
    if (a === '--members') opts.members = num(a, 10, 200_000);
    else if (a === '--requests') opts.requests = num(a, 10, 100_000);
    else if (a === '--startups') opts.startups = num(a, 1, 50);
    else if (a === '--keep') opts.keep = true;
    else if (a === '--cli' && argv[i + 1]) opts.cli = argv[++i];
    else if (!a.startsWith('-') && opts.bench === undefined) opts.bench = a;
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

// ---------------------------------------------------------------- output

function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

function fmtMiB(kb) {
  return kb === undefined ? '–' : `${(kb / 1024).toFixed(1)} MiB`;
}

function note(s) {
  console.log(s);
}

// ---------------------------------------------------------------- processes and cleanup

const live = new Set(); // child processes still running
const cleanups = []; // async functions, run in reverse at the end

function childEnv(ctx, extra = {}) {
  const env = {};
  // No DATABASE_URL, no ALLMENDE_* from the caller's shell: the benchmark sets what it means.
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'DATABASE_URL' || k.startsWith('ALLMENDE_') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return {
    ...env,
    ALLMENDE_DATA_DIR: ctx.dataDir,
    ALLMENDE_EMBEDDED_PG_PORT: String(ctx.pgPort),
    ALLMENDE_HOST: HOST,
    ALLMENDE_LOG_LEVEL: 'info',
    ...extra,
  };
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function waitFor(pred, timeoutMs, stepMs = 50) {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (await pred()) return true;
    await sleep(stepMs);
  }
  return pred();
}

function waitExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function terminate(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (!(await waitExit(child, STOP_TIMEOUT_MS))) {
    child.kill('SIGKILL');
    await waitExit(child, 5000);
  }
}

function postmasterPid(dataDir) {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

// A PostgreSQL left running (a CLI killed on timeout): fast shutdown, then kill.
async function stopStrayPostgres(dataDir) {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) return;
  note(`(stopping a PostgreSQL left running, pid ${pid})`);
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  if (!(await waitFor(() => !isAlive(pid), 15_000))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

async function cleanupAll() {
  for (const child of [...live]) await terminate(child).catch(() => undefined);
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    await fn().catch((err) => console.error(`cleanup: ${err.message}`));
  }
}

// Runs one CLI command to its end; resolves with its exit, output and wall time.
function runCli(ctx, args, { input, env, timeoutMs = CLI_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ctx.tmp,
      env: childEnv(ctx, env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout = (stdout + d).slice(-200_000)));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-50_000)));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`\`allmende ${args.join(' ')}\` did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      live.delete(child);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr, ms });
    });
  });
}

function cliFailure(args, r) {
  const out = `${r.stdout}${r.stderr}`.trim();
  const shown = out.length > 3000 ? `${out.slice(0, 2000)}\n[…]\n${out.slice(-1000)}` : out;
  return new Error(`\`allmende ${args.join(' ')}\` exited with ${r.code ?? r.signal} after ${fmtMs(r.ms)}:\n${shown}`);
}

async function cliOk(ctx, args, opts) {
  const r = await runCli(ctx, args, opts);
  if (r.code !== 0) throw cliFailure(args, r);
  return r;
}

// Starts `allmende serve`; resolves once the "ready" line is logged.
async function startServer(ctx, { port, env } = {}) {
  const httpPort = port ?? (await freePort());
  const url = `http://${HOST}:${httpPort}`;
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd: ctx.tmp,
    env: childEnv(ctx, { ALLMENDE_PORT: String(httpPort), ALLMENDE_PUBLIC_URL: url, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const lines = []; // { at: ms since spawn, entry }
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-20_000)));
  const server = {
    child,
    pid: child.pid,
    url,
    port: httpPort,
    started,
    lines,
    readyWallMs: undefined,
    readyMs: undefined,
  };
  await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => fail(new Error(`server not ready within ${SERVER_READY_TIMEOUT_MS / 1000} s`)),
      SERVER_READY_TIMEOUT_MS,
    );
    const fail = (err) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${err.message}\n--- server output ---\n${lines.map((l) => JSON.stringify(l.entry)).join('\n')}\n${stderr}`.slice(
            -4000,
          ),
        ),
      );
    };
    // The pipe is read to the end, always: a full pipe would block the server's logging.
    child.stdout.setEncoding('utf8').on('data', (d) => {
      const at = performance.now() - started;
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let entry;
        try {
          entry = JSON.parse(text);
        } catch {
          entry = { msg: text };
        }
        if (lines.length < 1000) lines.push({ at, entry });
        server.onEntry?.(entry);
        if (
          server.readyWallMs === undefined &&
          typeof entry.msg === 'string' &&
          entry.msg.startsWith('allmende is ready at')
        ) {
          server.readyWallMs = at;
          server.readyMs = entry.readyMs;
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      if (server.readyWallMs === undefined) fail(new Error(`server exited with ${code ?? signal} before it was ready`));
    });
  });
  return server;
}

async function stopServer(ctx, server) {
  const t0 = performance.now();
  server.child.kill('SIGTERM');
  const exited = await waitExit(server.child, STOP_TIMEOUT_MS);
  if (!exited) {
    server.child.kill('SIGKILL');
    await waitExit(server.child, 5000);
  }
  const exitMs = performance.now() - t0;
  // The server stops its PostgreSQL; wait until it is gone so the next start starts it afresh.
  await waitFor(() => postmasterPid(ctx.dataDir) === undefined, 15_000);
  await stopStrayPostgres(ctx.dataDir);
  return { exitMs, graceful: exited, code: server.child.exitCode, signal: server.child.signalCode };
}

// ---------------------------------------------------------------- memory

function procStatusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function pssKb(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function processTable() {
  const procs = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      procs.push({ pid: Number(name), ppid, comm });
    } catch {
      /* exited meanwhile */
    }
  }
  return procs;
}

// RSS of the Node server, and of the PostgreSQL processes below it (postmaster and its children).
function memorySnapshot(server) {
  const procs = processTable();
  const below = new Set([server.pid]);
  let grew = true;
  for (let round = 0; grew && round < 10; round++) {
    grew = false;
    for (const p of procs) {
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  below.delete(server.pid);
  const pg = procs.filter((p) => below.has(p.pid) && p.comm.startsWith('postgres'));
  let pgRss = 0;
  let pgPss = 0;
  for (const p of pg) {
    pgRss += procStatusKb(p.pid, 'VmRSS') ?? 0;
    pgPss += pssKb(p.pid) ?? 0;
  }
  return {
    nodeRss: procStatusKb(server.pid, 'VmRSS'),
    nodeHwm: procStatusKb(server.pid, 'VmHWM'),
    nodePss: pssKb(server.pid),
    pgCount: pg.length,
    pgRss,
    pgPss,
  };
}

// CPU time (ms) used so far by the Node server, by the PostgreSQL processes below it, and by this
// process (the load generator), to tell where a request's time goes on a machine this small.
const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
})();

// utime + stime; with children, also cutime + cstime: the CPU of children already reaped.
function cpuMs(pid, withChildren = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
    return (ticks * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

function cpuSnapshot(server) {
  const procs = processTable();
  const below = new Set([server.pid]);
  for (let round = 0; round < 10; round++) {
    const size = below.size;
    for (const p of procs) if (below.has(p.ppid)) below.add(p.pid);
    if (below.size === size) break;
  }
  // The postmaster (a child of the server) counts with the backends it has reaped, so backends that
  // come and go between two snapshots are not lost; live backends count on their own.
  let pg = 0;
  for (const p of procs) {
    if (p.pid === server.pid || !below.has(p.pid) || !p.comm.startsWith('postgres')) continue;
    pg += cpuMs(p.pid, p.ppid === server.pid);
  }
  const self = process.cpuUsage();
  return { node: cpuMs(server.pid), pg, client: (self.user + self.system) / 1000 };
}

// A direct connection to the embedded cluster (credentials from the data folder), for planner
// statistics only: the benchmark reads pg_stat_user_tables and runs ANALYZE, nothing else.
async function withDb(ctx, fn) {
  const { default: pg } = await import('pg');
  const { password } = JSON.parse(await readFile(join(ctx.dataDir, 'postgres.json'), 'utf8'));
  const client = new pg.Client({
    host: HOST,
    port: ctx.pgPort,
    user: 'postgres',
    password,
    database: 'allmende',
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function memberStatsState(ctx) {
  return withDb(ctx, async (c) => {
    const r = await c.query(`select coalesce(greatest(last_analyze, last_autoanalyze)::text, 'never') as analyzed
                               from pg_stat_user_tables where relname = 'member'`);
    return r.rows[0]?.analyzed ?? 'unknown';
  });
}

// V8 heap from the server's own Prometheus endpoint (open when ALLMENDE_METRICS_TOKEN is unset).
async function heapFigures(server) {
  try {
    const res = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    const get = (name) => {
      const m = new RegExp(`^allmende_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) / 1024 : undefined; // kB
    };
    return {
      heapUsed: get('nodejs_heap_size_used_bytes'),
      heapTotal: get('nodejs_heap_size_total_bytes'),
      external: get('nodejs_external_memory_bytes'),
    };
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------- CSV generation

// Deterministic PRNG (mulberry32), so every run imports the same members.
const FIRST_NAMES = [
  'Jürgen',
  'Jörg',
  'Björn',
  'Sönke',
  'Bärbel',
  'Käthe',
  'Günther',
  'Dörte',
  'Jürgen',
  'Özlem',
  'Ömer',
  'Götz',
  'Hänsel',
  'Lüder',
  'Mareike',
  'Anna',
  'Lena',
  'Sophie',
  'Marie',
  'Hannah',
  'Emma',
  'Mia',
  'Lea',
  'Johanna',
  'Charlotte',
  'Greta',
  'Frieda',
  'Ida',
  'Klara',
  'Luise',
  'Mathilde',
  'Ursula',
  'Renate',
  'Brigitte',
  'Gisela',
  'Monika',
  'Sabine',
  'Petra',
  'Claudia',
  'Susanne',
  'Andrea',
  'Stefanie',
  'Katrin',
  'Anja',
  'Nicole',
  'Julia',
  'Franziska',
  'Maximilian',
  'Alexander',
  'Paul',
  'Leon',
  'Lukas',
  'Felix',
  'Jonas',
  'Elias',
  'Noah',
  'Ben',
  'Finn',
  'Emil',
  'Moritz',
  'Jakob',
  'Karl',
  'Friedrich',
  'Wilhelm',
  'Heinrich',
  'Hans',
  'Klaus',
  'Peter',
  'Wolfgang',
  'Dieter',
  'Uwe',
  'Rainer',
  'Bernd',
  'Frank',
  'Thomas',
  'Michael',
  'Andreas',
  'Stefan',
  'Matthias',
  'Christian',
  'Tobias',
  'Sebastian',
  'Florian',
  'Dominik',
  'Jan-Hendrik',
  'Hans-Jürgen',
  'Anne-Kathrin',
  'Marie-Luise',
  'Zoë',
  'René',
  'André',
  'Chloé',
  'Agnès',
  'Mehmet',
  'Ayşe',
  'Fatma',
  'Murat',
  'Łukasz',
  'Małgorzata',
  'Piotr',
  'Dragan',
];

const LAST_NAMES = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Bauer',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Hartmann',
  'Lange',
  'Schmitt',
  'Werner',
  'Schmitz',
  'Krause',
  'Meier',
  'Lehmann',
  'Schmid',
  'Schulze',
  'Maier',
  'Köhler',
  'Herrmann',
  'König',
  'Walter',
  'Mayer',
  'Huber',
  'Kaiser',
  'Fuchs',
  'Peters',
  'Lang',
  'Scholz',
  'Möller',
  'Weiß',
  'Jung',
  'Hahn',
  'Schubert',
  'Vogel',
  'Friedrich',
  'Keller',
  'Günther',
  'Frank',
  'Berger',
  'Winkler',
  'Roth',
  'Beck',
  'Lorenz',
  'Baumann',
  'Franke',
  'Albrecht',
  'Schuster',
  'Simon',
  'Ludwig',
  'Böhm',
  'Winter',
  'Kraus',
  'Martin',
  'Schumacher',
  'Krämer',
  'Vogt',
  'Stein',
  'Jäger',
  'Otto',
  'Sommer',
  'Groß',
  'Seidel',
  'Heinrich',
  'Brandt',
  'Haas',
  'Schreiber',
  'Graf',
  'Schulte',
  'Dietrich',
  'Ziegler',
  'Kuhn',
  'Kühn',
  'Pohl',
  'Engel',
  'Horn',
  'Busch',
  'Bergmann',
  'Thomas',
  'Voigt',
  'Sauer',
  'Arnold',
  'Wolff',
  'Pfeiffer',
  'Hübner',
  'Lüdtke',
  'Dürr',
  'Bäcker',
  'Völker',
  'Förster',
  'Gärtner',
  'Nüßlein',
  'Blümel',
  'Späth',
  'Rößler',
  'Süß',
  'Müller-Lüdenscheidt',
  'Schulze-Hövelmann',
  'von der Heydt',
  'zu Löwenstein',
  'Ołowski',
  'Yılmaz',
  'Öztürk',
  'Çelik',
  'Nguyen',
  'Kowalski',
  'Đorđević',
  "O'Brien",
  'de la Cruz',
];

const DOMAINS = [
  'gmx.de',
  'web.de',
  't-online.de',
  'posteo.de',
  'mailbox.org',
  'gmail.com',
  'freenet.de',
  'outlook.de',
  'icloud.com',
  'example.org',
];

function asciiFold(s) {
  const map = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ı: 'i' };
  return s
    .replace(/[äöüÄÖÜßłŁđĐı]/g, (c) => map[c])
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function generateMembers(count, seed = 20_260_101) {
  const r = rng(seed);
  const emails = new Set();
  const members = [];
  for (let i = 0; i < count; i++) {
    const first = pick(r, FIRST_NAMES);
    const last = pick(r, LAST_NAMES);
    const base = `${asciiFold(first)}.${asciiFold(last)}`.replace(/-/g, r() < 0.5 ? '-' : '');
    const domain = pick(r, DOMAINS);
    let email = `${base}@${domain}`;
    for (let n = 2; emails.has(email); n++) email = `${base}${n}@${domain}`;
    emails.add(email);
    const x = r();
    const status = x < 0.82 ? 'member' : x < 0.92 ? 'supporter' : x < 0.96 ? 'applicant' : 'former';
    const year = 1975 + Math.floor(r() * 51);
    const month = 1 + Math.floor(r() * 12);
    const day = 1 + Math.floor(r() * 28);
    const since = `${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.${year}`;
    const l = r();
    const language = l < 0.6 ? 'de' : l < 0.75 ? 'Deutsch' : l < 0.88 ? 'en' : l < 0.92 ? 'Englisch' : '';
    members.push({ number: String(10_001 + i), first, last, email, status, since, language });
  }
  return members;
}

// As German Excel writes it: UTF-8 with BOM, ';', CRLF.
function toCsv(members) {
  const rows = ['Mitgliedsnummer;Vorname;Nachname;E-Mail;Status;Seit;Sprache'];
  for (const m of members) rows.push([m.number, m.first, m.last, m.email, m.status, m.since, m.language].join(';'));
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

function importCounts(stdout) {
  const get = (k) => Number(new RegExp(`^\\s+${k}\\s+(\\d+)`, 'm').exec(stdout)?.[1] ?? NaN);
  return {
    create: get('create'),
    update: get('update'),
    unchanged: get('unchanged'),
    committed: /^committed\.$/m.test(stdout),
  };
}

// ---------------------------------------------------------------- benchmarks

async function prepareFolder(ctx) {
  if (ctx.prepared) return;
  ctx.members = generateMembers(ctx.opts.members);
  const t0 = performance.now();
  await writeFile(ctx.csv, toCsv(ctx.members));
  ctx.generateMs = performance.now() - t0;
  await writeFile(ctx.emptyCsv, '\uFEFFMitgliedsnummer;Vorname;Nachname;E-Mail;Status;Seit;Sprache\r\n');
  // First use of the data folder: initdb, then the migrations.
  const init = await cliOk(ctx, ['migrate']);
  ctx.initMs = init.ms;
  ctx.prepared = true;
}

async function benchImport(ctx) {
  await prepareFolder(ctx);
  const n = ctx.opts.members;
  const bytes = (await readFile(ctx.csv)).length;
  note(
    `\nimport: ${n} members, ${(bytes / 1024).toFixed(0)} KiB CSV (UTF-8 with BOM, ';'); data folder initialised in ${fmtMs(ctx.initMs)} (initdb + migrations, not counted below)`,
  );

  // Fixed cost of any CLI command: Node start, module loading, PostgreSQL start and stop.
  const overhead = [];
  for (let i = 0; i < OVERHEAD_RUNS; i++) overhead.push((await cliOk(ctx, ['migrate', '--status'])).ms);
  // Fixed cost of the import command itself: the above plus the Nest application context.
  const empty = [];
  for (let i = 0; i < OVERHEAD_RUNS; i++) empty.push((await cliOk(ctx, ['members', 'import', ctx.emptyCsv])).ms);
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const range = (a) => `${fmtMs(Math.min(...a))}–${fmtMs(Math.max(...a))}`;
  const statusMs = med(overhead);
  const emptyMs = med(empty);

  const steps = [
    { name: 'import --dry-run', args: ['members', 'import', '--dry-run', ctx.csv], expect: (c) => c.create === n },
    { name: 'import (real)', args: ['members', 'import', ctx.csv], expect: (c) => c.create === n && c.committed },
    {
      name: 'import again (idempotent)',
      args: ['members', 'import', ctx.csv],
      expect: (c) => c.unchanged === n && c.create === 0 && c.update === 0,
    },
  ];
  const rows = [
    [
      `migrate --status (CLI overhead; median of ${OVERHEAD_RUNS}, ${range(overhead)})`,
      fmtMs(statusMs),
      '',
      '',
      '',
      '',
      '',
    ],
    [
      `import of a header-only CSV (import overhead; median of ${OVERHEAD_RUNS}, ${range(empty)})`,
      fmtMs(emptyMs),
      '',
      '',
      '',
      '',
      '',
    ],
  ];
  ctx.results.import = [];
  for (const step of steps) {
    const r = await runCli(ctx, step.args);
    const counts = importCounts(r.stdout);
    if (r.code !== 0 || !step.expect(counts)) throw cliFailure(step.args, r);
    const net = r.ms - emptyMs;
    ctx.results.import.push({ name: step.name, wallMs: r.ms, netMs: net, vsStatusMs: r.ms - statusMs, counts });
    rows.push([
      step.name,
      fmtMs(r.ms),
      fmtMs(r.ms - statusMs),
      fmtMs(net),
      `${counts.create}/${counts.update}/${counts.unchanged}`,
      '< 10 s',
      r.ms < GOALS.importMs ? 'met' : 'MISSED',
    ]);
  }
  ctx.imported = true;
  ctx.results.importOverhead = { statusMs, emptyMs };
  table(
    `import: ${n} members, wall-clock per CLI process`,
    [
      'step',
      '>wall',
      '>wall − migrate --status',
      '>wall − empty import',
      'create/update/unchanged',
      'goal (wall)',
      'result',
    ],
    rows,
  );
}

async function ensureImported(ctx) {
  if (ctx.imported) return;
  await prepareFolder(ctx);
  note(`\n(setting up: importing ${ctx.opts.members} members)`);
  const args = ['members', 'import', ctx.csv];
  const r = await runCli(ctx, args);
  if (r.code !== 0 || importCounts(r.stdout).create !== ctx.opts.members) throw cliFailure(args, r);
  ctx.imported = true;
}

async function ensureAdmin(ctx) {
  if (ctx.adminLogin) return;
  const r = await cliOk(
    ctx,
    [
      'admin',
      'create',
      '--first-name',
      ADMIN.firstName,
      '--last-name',
      ADMIN.lastName,
      '--email',
      ADMIN.email,
      '--password-stdin',
    ],
    {
      input: `${ADMIN.password}\n`,
    },
  );
  ctx.adminUsername = /created admin (\S+)/.exec(r.stdout)?.[1];
  ctx.adminLogin = ADMIN.email;
}

async function http(server, path, init = {}) {
  const res = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return { res, body };
}

async function apiToken(server) {
  const login = await http(server, '/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: ADMIN.email, password: ADMIN.password }),
  });
  const cookie = /allmende_session=[^;]+/.exec(login.res.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) throw new Error('login set no allmende_session cookie');
  const created = await http(server, '/api/auth/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: server.url },
    body: JSON.stringify({ name: `bench ${Date.now()}`, scopes: ['members:read'] }),
  });
  if (typeof created.body.token !== 'string') throw new Error('no token in the answer');
  return created.body.token;
}

// The request mix: what a board member types into the search box, plus plain paging.
async function searchMix(ctx, server, token, count) {
  const r = rng(4242);
  const auth = { authorization: `Bearer ${token}` };
  // Real usernames as the server derived them (with their numeric suffixes): a few pages.
  const usernames = [];
  for (const page of [1, 7, 13, 19]) {
    const { body } = await http(server, `/api/members?pageSize=500&page=${page}`, { headers: auth });
    for (const m of body.items ?? []) if (m.username && m.username !== ctx.adminUsername) usernames.push(m.username);
  }
  if (usernames.length === 0) throw new Error('no members listed: the import did not arrive?');
  const surnames = [...new Set(ctx.members.map((m) => m.last))];
  const fragment = (s, min, max) => {
    const len = Math.min(s.length, min + Math.floor(r() * (max - min + 1)));
    const start = Math.floor(r() * (s.length - len + 1));
    return s.slice(start, start + len);
  };
  const kinds = [
    ['surname fragment', 0.25, () => fragment(pick(r, surnames).toLowerCase(), 3, 5)],
    ['full surname', 0.1, () => pick(r, surnames)],
    ['username', 0.15, () => pick(r, usernames)],
    ['member number', 0.15, () => pick(r, ctx.members).number],
    [
      'e-mail fragment',
      0.1,
      () => {
        const e = pick(r, ctx.members).email;
        return r() < 0.3 ? e.slice(e.indexOf('@')) : fragment(e.slice(0, e.indexOf('@')), 5, 10);
      },
    ],
    ['no match', 0.1, () => pick(r, ['qxzvw', 'zzzzzz', 'nichtvorhanden', 'ÿÿÿ', 'x9x9x9', '00000000'])],
    ['no term, pageSize=50', 0.15, () => undefined],
  ];
  const list = [];
  for (let i = 0; i < count; i++) {
    let x = r();
    let kind = kinds[kinds.length - 1];
    for (const k of kinds) {
      if (x < k[1]) {
        kind = k;
        break;
      }
      x -= k[1];
    }
    const q = kind[2]();
    const path = q === undefined ? '/api/members?pageSize=50' : `/api/members?q=${encodeURIComponent(q)}`;
    list.push({ kind: kind[0], q, path });
  }
  return list;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function stats(latencies) {
  const s = Float64Array.from(latencies).sort();
  return {
    n: s.length,
    p50: percentile(s, 0.5),
    p90: percentile(s, 0.9),
    p99: percentile(s, 0.99),
    max: s[s.length - 1],
  };
}

async function load(server, token, requests, concurrency) {
  const headers = { authorization: `Bearer ${token}` };
  const done = [];
  const serverMs = []; // the server's own figure per request, from its access log (whole ms)
  server.onEntry = (e) => {
    if (
      e.msg === 'request' &&
      typeof e.url === 'string' &&
      e.url.startsWith('/api/members') &&
      typeof e.ms === 'number'
    )
      serverMs.push(e.ms);
  };
  let next = 0;
  let errors = 0;
  let firstError;
  const cpu0 = cpuSnapshot(server);
  const t0 = performance.now();
  const worker = async () => {
    while (next < requests.length && performance.now() - t0 < LOAD_PHASE_TIMEOUT_MS) {
      const req = requests[next++];
      const s = performance.now();
      try {
        const res = await fetch(`${server.url}${req.path}`, {
          headers,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const body = await res.json();
        const ms = performance.now() - s;
        if (res.status !== 200) throw new Error(`HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
        done.push({ kind: req.kind, ms, total: body.total });
      } catch (err) {
        errors++;
        firstError ??= `${req.path}: ${err.message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu1 = cpuSnapshot(server);
  await sleep(300); // the last access-log lines
  server.onEntry = undefined;
  const cpu = { node: cpu1.node - cpu0.node, pg: cpu1.pg - cpu0.pg, client: cpu1.client - cpu0.client };
  return { concurrency, done, errors, firstError, wallMs, truncated: next < requests.length, serverMs, cpu };
}

async function benchSearch(ctx) {
  await ensureImported(ctx);
  await ensureAdmin(ctx);
  const server = await startServer(ctx);
  try {
    // Idle first: this is also the memory benchmark's "idle" reading.
    await sleep(IDLE_MS);
    const idle = { ...memorySnapshot(server), ...(await heapFigures(server)) };
    const token = await apiToken(server);
    const n = ctx.opts.requests;
    const mix = await searchMix(ctx, server, token, n + WARMUP);
    const warm = mix.slice(0, WARMUP);
    const requests = mix.slice(WARMUP);
    await load(server, token, warm, 4); // warm-up: JIT, pool connections, PostgreSQL caches; not counted

    // Pass 1 right after the import, as an operator meets it; pass 2 once the planner has statistics
    // for the new rows (autovacuum's ANALYZE comes about a minute after the import, while a server runs).
    const passes = [];
    const statsBefore = await memberStatsState(ctx);
    const asImported = [];
    for (const c of [1, 8]) asImported.push(await load(server, token, requests, c));
    const statsAfter = await memberStatsState(ctx);
    passes.push({
      name: 'as imported',
      runs: asImported,
      note: `member table last analyzed: ${statsBefore} before, ${statsAfter} after this pass`,
    });
    const t0 = performance.now();
    await withDb(ctx, (c) => c.query('analyze'));
    const analyzeMs = performance.now() - t0;
    const analyzed = [];
    for (const c of [1, 8]) analyzed.push(await load(server, token, requests, c));
    passes.push({
      name: 'after ANALYZE',
      runs: analyzed,
      note: `ANALYZE of the whole database took ${fmtMs(analyzeMs)}`,
    });

    const after = { ...memorySnapshot(server), ...(await heapFigures(server)) };
    ctx.results.memory = { idle, after, requests: 2 * 2 * n + WARMUP + 4 };

    const rows = [];
    const cpuRows = [];
    for (const pass of passes) {
      for (const run of pass.runs) {
        const s = stats(run.done.map((d) => d.ms));
        const sv = stats(run.serverMs);
        const met = s.p99 < GOALS.searchP99Ms && run.errors === 0 && !run.truncated;
        rows.push([
          pass.name,
          run.concurrency,
          s.n,
          run.errors,
          fmtMs(s.p50),
          fmtMs(s.p90),
          fmtMs(s.p99),
          fmtMs(s.max),
          (s.n / (run.wallMs / 1000)).toFixed(0),
          `${sv.p50} / ${sv.p99} ms`,
          '< 50 ms',
          met ? 'met' : 'MISSED',
        ]);
        const per = (ms) => (s.n > 0 ? (ms / s.n).toFixed(2) : '–');
        const total = run.cpu.node + run.cpu.pg + run.cpu.client;
        const cores = machine().cores;
        cpuRows.push([
          pass.name,
          run.concurrency,
          per(run.cpu.node),
          per(run.cpu.pg),
          per(run.cpu.client),
          per(total),
          `${((100 * total) / (run.wallMs * cores)).toFixed(0)} %`,
        ]);
      }
    }
    ctx.results.search = passes.map((pass) => ({
      pass: pass.name,
      runs: pass.runs.map((run) => ({
        concurrency: run.concurrency,
        ...stats(run.done.map((d) => d.ms)),
        errors: run.errors,
      })),
    }));
    table(
      `search: GET /api/members over loopback with an API token, ${ctx.opts.members} members, ${n} requests per level (after ${WARMUP} warm-up requests)`,
      [
        'pass',
        'concurrency',
        '>requests',
        '>errors',
        '>p50',
        '>p90',
        '>p99',
        '>max',
        '>req/s',
        '>server p50 / p99',
        'goal (p99)',
        'result',
      ],
      rows,
    );
    note(
      '  latency: client-side, fetch until the body is read; "server": the access log\'s own ms (whole ms, from request to response sent).',
    );
    for (const pass of passes) {
      note(`  ${pass.name}: ${pass.note}`);
      for (const run of pass.runs) {
        if (run.errors > 0)
          note(`  ${pass.name}, concurrency ${run.concurrency}: ${run.errors} errors; first: ${run.firstError}`);
        if (run.truncated)
          note(
            `  ${pass.name}, concurrency ${run.concurrency}: stopped at the ${LOAD_PHASE_TIMEOUT_MS / 1000} s time bound`,
          );
      }
    }
    table(
      'search: CPU time per request (ms; /proc utime+stime), and how busy the machine was',
      ['pass', 'concurrency', '>Node server', '>PostgreSQL', '>load generator', '>total', '>CPU busy (all cores)'],
      cpuRows,
    );

    // Where the time goes: the same requests by kind of term.
    for (const pass of passes) {
      const kinds = [...new Set(requests.map((r) => r.kind))];
      const kindRows = [];
      for (const kind of kinds) {
        const row = [kind];
        let hits;
        for (const run of pass.runs) {
          const sel = run.done.filter((d) => d.kind === kind);
          const s = stats(sel.map((d) => d.ms));
          row.push(s.n, fmtMs(s.p50), fmtMs(s.p99));
          hits ??= sel.length ? Math.round(sel.reduce((a, d) => a + (d.total ?? 0), 0) / sel.length) : undefined;
        }
        row.splice(1, 0, hits);
        kindRows.push(row);
      }
      table(
        `search by kind of term (${pass.name})`,
        ['term', '>avg matches', '>n (c=1)', '>p50 (c=1)', '>p99 (c=1)', '>n (c=8)', '>p50 (c=8)', '>p99 (c=8)'],
        kindRows,
      );
    }
  } finally {
    await stopServer(ctx, server);
  }
}

async function benchStartup(ctx) {
  await ensureImported(ctx);
  const rows = [];
  const walls = [];
  const own = [];
  ctx.results.startup = [];
  for (let i = 1; i <= ctx.opts.startups; i++) {
    const server = await startServer(ctx);
    let stop;
    try {
      // One request answered, so "ready" means ready.
      await http(server, '/health/ready');
    } finally {
      stop = await stopServer(ctx, server);
    }
    const pgLine = server.lines.find((l) => l.entry.msg === 'using the embedded PostgreSQL');
    walls.push(server.readyWallMs);
    own.push(server.readyMs);
    ctx.results.startup.push({ wallMs: server.readyWallMs, readyMs: server.readyMs, stopMs: stop.exitMs });
    rows.push([
      i,
      fmtMs(server.readyWallMs),
      fmtMs(server.readyMs),
      fmtMs(server.readyWallMs - server.readyMs),
      pgLine ? fmtMs(pgLine.at) : '–',
      `${fmtMs(stop.exitMs)}${stop.graceful ? '' : ' (killed)'} exit ${stop.code ?? stop.signal}`,
      '< 3 s',
      server.readyWallMs < GOALS.readyMs ? 'met' : 'MISSED',
    ]);
  }
  const sw = [...walls].sort((a, b) => a - b);
  const so = [...own].sort((a, b) => a - b);
  rows.push([
    'median',
    fmtMs(sw[Math.floor(sw.length / 2)]),
    fmtMs(so[Math.floor(so.length / 2)]),
    '',
    '',
    '',
    '< 3 s',
    sw[sw.length - 1] < GOALS.readyMs ? 'met (all)' : 'MISSED',
  ]);
  table(
    `startup: \`allmende serve\` on the initialised data folder (${ctx.opts.members} members), PostgreSQL stopped before each start`,
    [
      'run',
      '>spawn → ready line',
      '>readyMs (own)',
      '>before serve() (boot, module load)',
      '>PostgreSQL up (log line)',
      'SIGTERM → exit',
      'goal',
      'result',
    ],
    rows,
  );
}

async function benchMemory(ctx) {
  if (!ctx.results.memory) {
    note('\n(memory: starting a server, 10 s idle, then the search load)');
    await benchSearch(ctx);
  }
  const { idle, after, requests } = ctx.results.memory;
  const row = (label, m) => [
    label,
    fmtMiB(m.nodeRss),
    fmtMiB(m.nodeHwm),
    fmtMiB(m.heapUsed),
    fmtMiB(m.heapTotal),
    m.pgCount,
    fmtMiB(m.pgRss),
    fmtMiB(m.pgPss),
  ];
  table(
    `memory: \`allmende serve\` with ${ctx.opts.members} members (VmRSS from /proc; PostgreSQL = postmaster and its children)`,
    [
      'when',
      '>Node RSS',
      '>Node peak RSS',
      '>V8 heap used',
      '>V8 heap total',
      '>postgres procs',
      '>postgres RSS sum',
      '>postgres PSS sum',
    ],
    [
      row(`idle ${IDLE_MS / 1000} s after ready`, idle),
      row(`after the search benchmark (${requests} requests)`, after),
    ],
  );
  note('  RSS sums over-count PostgreSQL: every backend maps the shared buffers; PSS shares such pages out fairly.');
}

// ---------------------------------------------------------------- outbox

const OUTBOX_MAILS = 2_000;
const OUTAGE_MAILS = 200;
const OUTAGE_MS = 5_000;
const OUTBOX_PHASE_TIMEOUT_MS = 120_000; // one phase: all mails delivered, or the benchmark fails

// A real SMTP server (smtp-server, a dev dependency) on a loopback port. It counts deliveries per
// Message-ID and their times; during an outage it answers 421 to new connections and 451 to MAIL
// FROM on open ones, as a relay that is restarting or overloaded does.
async function startSmtpSink() {
  const { SMTPServer } = await import('smtp-server');
  const sink = { deliveries: new Map(), times: [], refusing: false, refusals: 0, port: 0, server: undefined };
  const refuse = (cb, code, text) => {
    sink.refusals++;
    cb(Object.assign(new Error(text), { responseCode: code }));
  };
  sink.server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 2000,
    disableReverseLookup: true, // no DNS on loopback: the sink must not slow the figures down
    onConnect: (_session, cb) => (sink.refusing ? refuse(cb, 421, 'service not available') : cb()),
    onMailFrom: (_address, _session, cb) => (sink.refusing ? refuse(cb, 451, '4.3.0 try again later') : cb()),
    onData: (stream, _session, cb) => {
      let head = '';
      stream.on('data', (chunk) => {
        if (head.length < 16_384) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? '(none)';
        sink.deliveries.set(id, (sink.deliveries.get(id) ?? 0) + 1);
        sink.times.push(performance.now());
        cb();
      });
    },
  });
  await new Promise((resolve, reject) => {
    sink.server.once('error', reject);
    sink.server.listen(0, HOST, resolve);
  });
  sink.port = sink.server.server.address().port;
  sink.close = () => new Promise((resolve) => sink.server.close(resolve));
  return sink;
}

// Mails as OutboxService.enqueue leaves them, committed in one transaction (as an import would).
async function enqueueMails(ctx, count, tag) {
  await withDb(ctx, (c) =>
    c.query(
      `insert into outbox_mail (to_address, template, language, data, subject, state, attempts, next_attempt_at,
                                message_id, created_at)
       select 'member' || n || '@example.org', 'welcome', 'de',
              jsonb_build_object('displayName', 'Mitglied ' || n,
                                 'registrationUrl', 'https://allmende.example/register?key=' || md5(n::text),
                                 'expiresAt', '2026-12-07T13:00:00.000Z'),
              'Willkommen bei allmende', 'queued', 0, now(), '<' || $2 || '-' || n || '@localhost>', now()
         from generate_series(1, $1::int) n`,
      [count, tag],
    ),
  );
  return performance.now();
}

async function outboxStates(ctx, tag) {
  return withDb(ctx, async (c) => {
    const r = await c.query(
      `select state, attempts, count(*)::int as n from outbox_mail where message_id like $1 group by 1, 2 order by 1, 2`,
      [`<${tag}-%`],
    );
    return r.rows;
  });
}

function deliveredOf(sink, tag) {
  let unique = 0;
  let total = 0;
  for (const [id, n] of sink.deliveries) {
    if (!id.startsWith(`<${tag}-`)) continue;
    unique++;
    total += n;
  }
  return { unique, total };
}

async function benchOutbox(ctx) {
  await prepareFolder(ctx);
  const sink = await startSmtpSink();
  cleanups.push(() => sink.close());
  const server = await startServer(ctx, {
    env: { ALLMENDE_SMTP_HOST: HOST, ALLMENDE_SMTP_PORT: String(sink.port), ALLMENDE_SMTP_TLS: 'none' },
  });
  const rows = [];
  try {
    // The worker's first look comes a second after start; from then on it polls every second.
    await sleep(1500);
    // Throughput: 2,000 mails committed at once, then the worker drains them.
    const tag = `bench${Date.now()}`;
    const cpu0 = cpuSnapshot(server);
    const t0 = await enqueueMails(ctx, OUTBOX_MAILS, tag);
    const firstIndex = sink.times.length;
    const drained = await waitFor(() => deliveredOf(sink, tag).unique >= OUTBOX_MAILS, OUTBOX_PHASE_TIMEOUT_MS, 20);
    const t1 = performance.now();
    const cpu1 = cpuSnapshot(server);
    if (!drained) throw new Error(`only ${deliveredOf(sink, tag).unique} of ${OUTBOX_MAILS} mails arrived`);
    await sleep(500); // the last rows are marked sent
    const { unique, total } = deliveredOf(sink, tag);
    const firstAt = sink.times[firstIndex];
    const wallS = (t1 - t0) / 1000;
    const rate = OUTBOX_MAILS / wallS;
    const steady = (OUTBOX_MAILS - 1) / ((t1 - firstAt) / 1000);
    const states = await outboxStates(ctx, tag);
    const allSent = states.length === 1 && states[0].state === 'sent' && states[0].n === OUTBOX_MAILS;
    ctx.results.outbox = { mails: OUTBOX_MAILS, wallMs: t1 - t0, rate, steady, duplicates: total - unique };
    const per = (ms) => (ms / OUTBOX_MAILS).toFixed(2);
    rows.push(
      [`${OUTBOX_MAILS} mails: commit → last delivered`, fmtMs(t1 - t0), '', ''],
      [
        '  throughput, commit → last delivered',
        `${rate.toFixed(0)} mails/s`,
        '≥ 100 mails/s',
        rate >= 100 ? 'met' : 'MISSED',
      ],
      ['  commit → first delivered (the worker polls every second)', fmtMs(firstAt - t0), '', ''],
      ['  throughput, first → last delivered', `${steady.toFixed(0)} mails/s`, '', ''],
      [
        '  deliveries / distinct mails / duplicates',
        `${total} / ${unique} / ${total - unique}`,
        '0 duplicates',
        total === unique ? 'met' : 'MISSED',
      ],
      ['  rows `sent` afterwards', allSent ? `${OUTBOX_MAILS} (all)` : JSON.stringify(states), '', ''],
      [
        '  CPU per mail: Node / PostgreSQL / load generator + SMTP sink',
        `${per(cpu1.node - cpu0.node)} / ${per(cpu1.pg - cpu0.pg)} / ${per(cpu1.client - cpu0.client)} ms`,
        '',
        '',
      ],
    );

    // Recovery: the relay refuses for OUTAGE_MS while mails are queued, then accepts again.
    const otag = `outage${Date.now()}`;
    sink.refusing = true;
    const refusals0 = sink.refusals;
    const o0 = await enqueueMails(ctx, OUTAGE_MAILS, otag);
    await sleep(OUTAGE_MS);
    sink.refusing = false;
    const back = performance.now();
    const refused = sink.refusals - refusals0;
    const recovered = await waitFor(() => deliveredOf(sink, otag).unique >= OUTAGE_MAILS, OUTBOX_PHASE_TIMEOUT_MS, 20);
    const o1 = performance.now();
    if (!recovered)
      throw new Error(`after the outage only ${deliveredOf(sink, otag).unique} of ${OUTAGE_MAILS} arrived`);
    await sleep(500);
    const o = deliveredOf(sink, otag);
    const ostates = await outboxStates(ctx, otag);
    const deliveredAfter = sink.times.filter((t) => t >= back);
    ctx.results.outboxOutage = { outageMs: back - o0, recoveryMs: o1 - back };
    rows.push(
      [`outage: ${OUTAGE_MAILS} mails queued while the relay refuses for ${fmtMs(back - o0)}`, '', '', ''],
      ['  refusals answered by the relay during the outage', String(refused), '', ''],
      ['  relay back → first delivered', fmtMs((deliveredAfter[0] ?? NaN) - back), '', ''],
      ['  relay back → last delivered (recovery)', fmtMs(o1 - back), '', ''],
      [
        '  deliveries / distinct mails / duplicates',
        `${o.total} / ${o.unique} / ${o.total - o.unique}`,
        '0 duplicates',
        o.total === o.unique ? 'met' : 'MISSED',
      ],
      [
        '  rows by state and attempts afterwards',
        ostates.map((r) => `${r.state}×${r.n} (${r.attempts} attempts)`).join(', '),
        '',
        '',
      ],
    );
  } finally {
    await stopServer(ctx, server);
  }
  table(
    `outbox: mails to a local SMTP server (smtp-server on ${HOST}), sent by \`allmende serve\``,
    ['figure', '>measured', 'goal', 'result'],
    rows,
  );
  note(
    '  mails are inserted into outbox_mail as OutboxService.enqueue writes them; times are the SMTP server receiving the message.',
  );
}

// ---------------------------------------------------------------- main

// ---------------------------------------------------------------- password reset
const RESET_REQUESTS = 200; // per kind (existing / missing account)
const RESET_WARMUP = 50;
const RESET_PAUSE_MS = 50; // between requests, so the work done after an answer does not spill into the next

async function benchReset(ctx) {
  await prepareFolder(ctx);
  await ensureAdmin(ctx);
  const sink = await startSmtpSink();
  cleanups.push(() => sink.close());
  const server = await startServer(ctx, {
    env: {
      ALLMENDE_SMTP_HOST: HOST,
      ALLMENDE_SMTP_PORT: String(sink.port),
      ALLMENDE_SMTP_TLS: 'none',
      // Every request for the existing account does the whole work (key, mail): the worst case.
      ALLMENDE_RESET_INTERVAL_MINUTES: '0',
      ALLMENDE_RESET_MAX_PER_ADDRESS: '100000',
    },
  });
  try {
    const existing = ctx.adminUsername;
    if (!existing) throw new Error('admin create printed no username');
    const ask = async (login) => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/auth/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 202) throw new Error(`reset for ${login}: HTTP ${res.status} ${body.slice(0, 200)}`);
      await sleep(RESET_PAUSE_MS);
      return { ms, body };
    };
    // Both kinds in one shuffled sequence, so drift (JIT, caches, vacuum) hits both alike.
    const r = rng(20_261_202);
    const order = [...Array(RESET_REQUESTS).fill(true), ...Array(RESET_REQUESTS).fill(false)];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let i = 0; i < RESET_WARMUP; i++) await ask(i % 2 ? existing : `warmup.${i}`);
    const mails0 = sink.times.length;
    const times = { existing: [], missing: [] };
    const bodies = new Set();
    let n = 0;
    for (const isExisting of order) {
      const { ms, body } = await ask(isExisting ? existing : `niemand.${n++}`);
      times[isExisting ? 'existing' : 'missing'].push(ms);
      bodies.add(body);
    }
    // Every request for the existing account made a mail; wait for the worker to send them.
    await waitFor(() => sink.times.length - mails0 >= RESET_REQUESTS, 60_000, 50);
    const mails = sink.times.length - mails0;
    const e = stats(times.existing);
    const m = stats(times.missing);
    // The noise floor: the same statistic between two halves of the missing-account requests.
    const half = (xs, k) => stats(xs.filter((_, i) => i % 2 === k)).p50;
    const aa = Math.abs(half(times.missing, 0) - half(times.missing, 1));
    const diff = e.p50 - m.p50;
    ctx.results.reset = { existingP50: e.p50, missingP50: m.p50, diff, aa, mails };
    table(
      `password reset: ${RESET_REQUESTS} requests each for an existing and a missing account, shuffled, one at a time`,
      ['figure', 'existing', 'missing', 'difference'],
      [
        ['median', fmtMs(e.p50), fmtMs(m.p50), `${diff >= 0 ? '+' : ''}${(diff * 1000).toFixed(0)} µs`],
        ['p90', fmtMs(e.p90), fmtMs(m.p90), `${((e.p90 - m.p90) * 1000).toFixed(0)} µs`],
        ['p99', fmtMs(e.p99), fmtMs(m.p99), ''],
        ['noise: median of one half of the missing vs the other', '', '', `${(aa * 1000).toFixed(0)} µs`],
        ['distinct answer bodies', '', '', String(bodies.size)],
        ['reset mails delivered (one per existing request)', String(mails), '0', ''],
      ],
    );
    note(
      Math.abs(diff) <= Math.max(aa * 2, 0.2)
        ? 'goal (no difference beyond noise): met'
        : `goal (no difference beyond noise): MISSED (difference ${(diff * 1000).toFixed(0)} µs, noise ${(aa * 1000).toFixed(0)} µs)`,
    );
  } finally {
    await stopServer(ctx, server);
  }
}

const BENCHES = {
  import: [benchImport],
  search: [benchSearch],
  startup: [benchStartup],
  memory: [benchMemory],
  outbox: [benchOutbox],
  reset: [benchReset],
  all: [benchImport, benchSearch, benchStartup, benchMemory, benchOutbox, benchReset],
};

async function main() {
  // A benchmark of its own file (bench/<name>.bench.js) runs as its own process with the same options.
  const name = process.argv[2] ?? '';
  const own = fileURLToPath(new URL(`./${name}.bench.js`, import.meta.url));
  if (/^[a-z-]+$/.test(name) && existsSync(own)) {
    const r = spawnSync(process.execPath, [own, ...process.argv.slice(3)], { stdio: 'inherit' });
    return r.status ?? 1;
  }
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${err.message}`);
    return 2;
  }
  if (!opts.bench || !BENCHES[opts.bench]) {
    console.error(
      `usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--members N] [--requests N] [--startups N] [--keep]`,
    );
    return 2;
  }
  if (opts.cli) CLI = resolve(opts.cli);
  if (!existsSync(CLI)) {
    console.error(`bench: ${CLI} is missing; run \`npm run build\` first`);
    return 2;
  }
  table(
    undefined,
    ['machine', 'value'],
    [...machine(), ['benchmark', opts.bench], ['cli', CLI === BUILT_CLI ? 'dist/cli/main.js (this build)' : CLI]],
  );

  const tmp = await mkdtemp(join(os.tmpdir(), 'allmende-bench-'));
  // As root the embedded PostgreSQL runs as the `postgres` user, which must enter this folder.
  await chmod(tmp, 0o711);
  const ctx = {
    opts,
    tmp,
    dataDir: join(tmp, 'data'),
    csv: join(tmp, 'members.csv'),
    emptyCsv: join(tmp, 'empty.csv'),
    pgPort: await freePort(),
    results: {},
  };
  cleanups.push(async () => {
    if (opts.keep) note(`\nkept ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
  });
  cleanups.push(() => stopStrayPostgres(ctx.dataDir));

  let interrupted = false;
  const onSignal = (sig) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nbench: ${sig}, cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const t0 = performance.now();
  try {
    for (const bench of BENCHES[opts.bench]) await bench(ctx);
    note(`\ndone in ${fmtMs(performance.now() - t0)}`);
    return 0;
  } catch (err) {
    console.error(`\nbench failed: ${err.stack ?? err}`);
    return 1;
  } finally {
    await cleanupAll();
  }
}

process.exitCode = await main();
