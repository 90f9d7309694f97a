// What the benchmarks that start allmende share: the machine table, Markdown tables, timing
// helpers, a free port, a seeded random source, and the built CLI in child processes (migrate,
// serve, stop) on its embedded PostgreSQL in a temp folder that is removed at the end.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
export const HOST = '127.0.0.1';

// Markdown table with aligned columns; a header starting with '>' right-aligns its column.
export function table(title, headers, rows) {
  const right = headers.map((h) => h.startsWith('>'));
  const heads = headers.map((h) => h.replace(/^>/, ''));
  const cells = rows.map((r) => r.map((c) => (c === undefined || c === null ? '–' : String(c))));
  const width = heads.map((h, i) => Math.max(h.length, 3, ...cells.map((r) => [...(r[i] ?? '')].length)));
  const pad = (s, i) => {
    const fill = ' '.repeat(width[i] - [...s].length);
    return right[i] ? fill + s : s + fill;
  };
  const line = (r) => `| ${r.map((c, i) => pad(c, i)).join(' | ')} |`;
  const sep = `|${width.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  const out = [];
  if (title) out.push('', `### ${title}`, '');
  out.push(line(heads), sep, ...cells.map(line));
  console.log(out.join('\n'));
}

export const fmt = (ms) =>
  ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
export const goal = (value, limit) => (value <= limit ? `met (< ${fmt(limit)})` : `MISSED (< ${fmt(limit)})`);
export const pick = (r, list) => list[Math.floor(r() * list.length)];

export function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    /* not Linux */
  }
  return [
    ['cpu', cpu],
    ['cores', os.availableParallelism()],
    ['memory', `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`],
    ['load average (1 min) at start', os.loadavg()[0].toFixed(2)],
    ['node', process.version],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['date', new Date().toISOString().replace(/\.\d+Z$/, 'Z')],
  ];
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A seeded random source (mulberry32): the same data in every run.
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The CLI's child processes of one benchmark: every one is stopped at the end, also on failure.
export function cliProcesses({ stepTimeoutMs = 300_000, requestTimeoutMs = 60_000 } = {}) {
  const live = new Set();

  function env(ctx, extra = {}) {
    const out = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (k === 'DATABASE_URL' || k.startsWith('ALLMENDE_') || k === 'NODE_OPTIONS') continue;
      out[k] = v;
    }
    return {
      ...out,
      ALLMENDE_DATA_DIR: ctx.dataDir,
      ALLMENDE_EMBEDDED_PG_PORT: String(ctx.pgPort),
      ALLMENDE_HOST: HOST,
      ALLMENDE_LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  function runCli(ctx, args, input = '') {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: ctx.tmp,
        env: env(ctx),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      live.add(child);
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (out = (out + d).slice(-50_000)));
      child.stderr.setEncoding('utf8').on('data', (d) => (out = (out + d).slice(-50_000)));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
      const timer = setTimeout(() => child.kill('SIGKILL'), stepTimeoutMs);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        live.delete(child);
        if (code === 0) resolve(out);
        else reject(new Error(`allmende ${args.join(' ')} exited with ${code}:\n${out}`));
      });
    });
  }

  // `extra`: more environment for this server (a target's settings, a cache switched off).
  async function startServer(ctx, extra = {}) {
    const port = await freePort();
    const url = `http://${HOST}:${port}`;
    const child = spawn(process.execPath, [CLI, 'serve'], {
      cwd: ctx.tmp,
      env: env(ctx, { ALLMENDE_PORT: String(port), ALLMENDE_PUBLIC_URL: url, ...extra }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const until = performance.now() + 60_000;
    while (performance.now() < until) {
      const ok = await fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return { child, url };
      if (child.exitCode !== null) break;
      await sleep(200);
    }
    throw new Error('the server did not become ready within 60 s');
  }

  async function stop(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const exited = await Promise.race([
      new Promise((r) => child.once('exit', () => r(true))),
      sleep(20_000).then(() => false),
    ]);
    if (!exited) child.kill('SIGKILL');
  }

  // The server stops its PostgreSQL; wait until it is gone so the next start starts it afresh.
  async function stopServer(ctx, server) {
    await stop(server.child);
    const pidFile = join(ctx.dataDir, 'postgres', 'postmaster.pid');
    const until = performance.now() + 15_000;
    while (performance.now() < until) {
      try {
        readFileSync(pidFile);
      } catch {
        return;
      }
      await sleep(100);
    }
  }

  async function call(server, path, init = {}) {
    const res = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
    const buf = Buffer.from(await res.arrayBuffer());
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${buf.toString('utf8', 0, 300)}`);
    return { res, buf, json: () => JSON.parse(buf.toString('utf8')) };
  }

  // A migrated data folder with one admin, the server started and the admin logged in.
  async function adminServer(ctx, admin) {
    await runCli(ctx, ['migrate']);
    await runCli(
      ctx,
      ['admin', 'create', '--first-name', 'Bench', '--last-name', 'Admin', '--email', admin.email, '--password-stdin'],
      `${admin.password}\n`,
    );
    const server = await startServer(ctx);
    ctx.server = server;
    const login = await call(server, '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: admin.email, password: admin.password }),
    });
    const cookie = /allmende_session=[^;]+/.exec(login.res.headers.get('set-cookie') ?? '')?.[0];
    if (!cookie) throw new Error('no session cookie from the login');
    return { server, cookie };
  }

  // An API token of the logged-in admin with these scopes.
  async function apiToken(server, cookie, scopes) {
    const created = await call(server, '/api/auth/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: server.url },
      body: JSON.stringify({ name: 'bench', scopes }),
    });
    return created.json().token;
  }

  return { live, env, runCli, startServer, stopServer, stop, call, adminServer, apiToken };
}

// The benchmark's main: options, the machine table, a fresh temp folder with its ports, run,
// and the cleanup (children stopped, folder removed unless --keep), also on Ctrl-C.
export async function runBench({ usage, parseArgs, run, processes }) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${err.message}\nusage: ${usage}`);
    return 2;
  }
  table('machine', ['machine', 'value'], machine());
  const tmp = await mkdtemp(join(os.tmpdir(), 'allmende-bench-'));
  // As root the embedded PostgreSQL runs as the `postgres` user, which must enter this folder.
  await chmod(tmp, 0o711);
  const ctx = { opts, tmp, dataDir: join(tmp, 'data'), pgPort: await freePort() };
  const cleanup = async () => {
    for (const child of [...processes.live]) await processes.stop(child);
    if (opts.keep) console.log(`\nkept ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = performance.now();
  try {
    await run(ctx);
    console.log(`\ndone in ${fmt(performance.now() - t0)}`);
    return 0;
  } catch (err) {
    console.error(`\nbench failed: ${err.stack ?? err}`);
    return 1;
  } finally {
    await cleanup();
  }
}
