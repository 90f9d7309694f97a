// Start page benchmark: time to first byte of GET / for a guest and for a logged-in member, and the
// bytes of a whole page load (the HTML and the two stylesheets; the page has no scripts or images).
//
//   npm run build && npm run bench -- start [--requests N] [--keep]
//
// Like bench/run.js: the built CLI (dist/) in child processes, its embedded PostgreSQL on a free port
// in a fresh temp folder, HTTP over 127.0.0.1; every loop bounded in count and time; the server and
// PostgreSQL stopped and the folder removed at the end, also on failure or Ctrl-C. Output: Markdown.

import { gzipSync } from 'node:zlib';
import { cliProcesses, fmt, goal, pct, runBench, table } from './lib.js';

// TTFB goal as for the other pages of issue 9; a page load under 100 kB without photos.
const GOALS = { ttfbP99Ms: 50, pageBytes: 100 * 1024 };
const STEP_TIMEOUT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 10_000;
const processes = cliProcesses({ stepTimeoutMs: STEP_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
const { call } = processes;
const WARMUP = 200;
const THINGS = 200;
const ADMIN = { email: 'bench@example.org', password: 'Zwanzig Dinge im Regal, fünf Kisten 42!' };

function parseArgs(argv) {
  const opts = { requests: 1000, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') opts.keep = true;
    else if (a === '--requests') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 10 || n > 100_000) throw new Error(`${a} needs a whole number from 10 to 100000`);
      opts.requests = n;
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

// ---------------------------------------------------------------- the benchmark

// fetch() resolves when the status line and headers are in: that moment is the first byte.
async function ttfb(server, headers) {
  const s = performance.now();
  const res = await fetch(`${server.url}/`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const first = performance.now() - s;
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET /: HTTP ${res.status}`);
  return { first, total: performance.now() - s, bytes: body.length };
}

// What a browser fetches for one visit: the page, then the stylesheets it links (first visit, no cache).
async function pageLoad(server, headers) {
  const html = await call(server, '/', { headers });
  const sheets = [...html.buf.toString('utf8').matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
  const files = [['/', html.buf]];
  for (const href of sheets) files.push([href, (await call(server, href, { headers })).buf]);
  if (/<script|<img/i.test(html.buf.toString('utf8'))) throw new Error('the start page loads more than stylesheets');
  return files.map(([path, buf]) => ({ path, bytes: buf.length, gzip: gzipSync(buf).length }));
}

const kB = (n) => `${(n / 1024).toFixed(1)} kB`;

async function run(ctx) {
  const { server, cookie } = await processes.adminServer(ctx, ADMIN);
  const write = { 'content-type': 'application/json', cookie, origin: server.url };
  // What the member's page shows: things (5 of them), the state with a message, themself present.
  for (let i = 1; i <= THINGS; i++) {
    await call(server, '/api/things', { method: 'POST', headers: write, body: JSON.stringify({ name: `Ding ${i}` }) });
  }
  await call(server, '/api/space/state', {
    method: 'PUT',
    headers: write,
    body: JSON.stringify({ open: true, message: 'bis 22 Uhr' }),
  });
  const form = { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: server.url };
  const csrfPage = await fetch(`${server.url}/`, { headers: { cookie } });
  const csrf = /allmende_csrf=([^;]+)/.exec(csrfPage.headers.get('set-cookie') ?? '')?.[1];
  await csrfPage.arrayBuffer();
  const arrived = await fetch(`${server.url}/space/presence`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...form, cookie: `${cookie}; allmende_csrf=${csrf}` },
    body: `here=yes&_csrf=${csrf}`,
  });
  if (arrived.status !== 303) throw new Error(`POST /space/presence: HTTP ${arrived.status}`);

  const viewers = [
    ['guest', { accept: 'text/html', 'accept-language': 'de' }],
    ['member', { accept: 'text/html', 'accept-language': 'de', cookie }],
  ];
  const member = (await call(server, '/', { headers: viewers[1][1] })).buf.toString('utf8');
  if (!member.includes('Ding 200') || !member.includes('Bench Admin'))
    throw new Error('the member page lacks its parts');

  const ttfbRows = [];
  const p99 = {};
  for (const [who, headers] of viewers) {
    for (let i = 0; i < WARMUP; i++) await ttfb(server, headers);
    const firsts = [];
    const totals = [];
    let bytes = 0;
    const started = performance.now();
    for (let i = 0; i < ctx.opts.requests && performance.now() - started < STEP_TIMEOUT_MS; i++) {
      const r = await ttfb(server, headers);
      firsts.push(r.first);
      totals.push(r.total);
      bytes = r.bytes;
    }
    firsts.sort((a, b) => a - b);
    totals.sort((a, b) => a - b);
    p99[who] = pct(firsts, 0.99);
    ttfbRows.push([
      who,
      firsts.length,
      fmt(pct(firsts, 0.5)),
      fmt(pct(firsts, 0.95)),
      fmt(pct(firsts, 0.99)),
      fmt(firsts[firsts.length - 1]),
      fmt(pct(totals, 0.5)),
      kB(bytes),
    ]);
  }

  const loadRows = [];
  const totals = {};
  for (const [who, headers] of viewers) {
    const files = await pageLoad(server, headers);
    for (const f of files) loadRows.push([who, f.path, kB(f.bytes), kB(f.gzip)]);
    totals[who] = files.reduce((n, f) => n + f.bytes, 0);
    loadRows.push([who, '**total**', kB(totals[who]), kB(files.reduce((n, f) => n + f.gzip, 0))]);
  }

  table(
    `start page: GET / time to first byte (sequential, ${ctx.opts.requests} requests after ${WARMUP} warm-up)`,
    ['viewer', 'requests', 'p50', 'p95', 'p99', 'max', 'p50 whole answer', 'HTML'],
    ttfbRows,
  );
  table(
    'start page: one page load, first visit (as sent; gzip for a proxy that compresses)',
    ['viewer', 'file', 'bytes', 'gzip'],
    loadRows,
  );
  table(
    'goals',
    ['figure', 'value', 'goal'],
    [
      ['guest TTFB p99', fmt(p99.guest), goal(p99.guest, GOALS.ttfbP99Ms)],
      ['member TTFB p99', fmt(p99.member), goal(p99.member, GOALS.ttfbP99Ms)],
      [
        'member page load',
        kB(totals.member),
        totals.member <= GOALS.pageBytes ? 'met (< 100 kB)' : 'MISSED (< 100 kB)',
      ],
    ],
  );
}

process.exitCode = await runBench({
  usage: 'npm run bench -- start [--requests N] [--keep]',
  parseArgs,
  run,
  processes,
});
