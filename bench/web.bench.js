// Web UI benchmark: time to first byte of the board's member list at 1,000 and 10,000 members,
// and the bytes of a page load (HTML + the stylesheets it links) for the main pages.
//
//   npm run build && npm run bench -- web [--requests N] [--keep]
//
// Like bench/run.js: the built CLI (dist/) in child processes, its embedded PostgreSQL on a free port
// in a fresh temp folder, HTTP over 127.0.0.1; every loop bounded in count and time; the server and
// PostgreSQL stopped and the folder removed at the end, also on failure or Ctrl-C. Output: Markdown.
//
// A page is measured as a browser without a cache loads it: the HTML, then every stylesheet,
// script and image it links (no photos on these pages). Add a page to PAGES with one line.

import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { cliProcesses, fmt, pct, pick, rng, runBench, table } from './lib.js';

// Issue 9 sets a goal for the page weight; the member list's TTFB is a figure without one.
const GOALS = { pageBytes: 100 * 1024 };
const STEP_TIMEOUT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 60_000;
const processes = cliProcesses({ stepTimeoutMs: STEP_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
const { call } = processes;
const SIZES = [1_000, 10_000];
const ADMIN = { email: 'bench@example.org', password: 'Tausend Mitglieder, zehntausend Zeilen 7!' };

// The pages whose page load is weighed. `login: false` pages are fetched without the session.
// `path` may be a function of what the setup made (ids), e.g. (s) => `/board/members/${s.memberId}`.
const PAGES = [
  { name: 'login', path: '/login', login: false },
  { name: 'start page, guest', path: '/', login: false },
  { name: 'start page, member', path: '/' },
  { name: 'my profile', path: '/me' },
  { name: 'things search', path: '/things?q=bohr' },
  { name: 'calendar', path: '/calendar' },
  { name: 'rooms and events', path: '/board/rooms' },
  { name: 'board dashboard', path: '/board' },
  { name: 'member list (page 1 of 10,000)', path: '/board/members' },
  { name: 'member list, search', path: '/board/members?q=schmidt' },
  { name: 'member page', path: (s) => `/board/members/${s.memberId}` },
  { name: 'intake form', path: '/board/intake' },
  { name: 'import form', path: '/board/import' },
  { name: 'groups', path: '/board/groups' },
  { name: 'things', path: '/board/things' },
  { name: 'places', path: '/board/locations' },
  { name: 'sync', path: '/board/sync' },
];

function parseArgs(argv) {
  const opts = { requests: 300, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') opts.keep = true;
    else if (a === '--requests') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} needs a positive whole number`);
      opts.requests = n;
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

// ---------------------------------------------------------------- processes

const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Emma',
  'Felix',
  'Greta',
  'Hannes',
  'Ida',
  'Jonas',
  'Käthe',
  'Lukas',
  'Mia',
  'Noah',
  'Olga',
  'Paul',
  'Rosa',
  'Sven',
  'Tara',
  'Uwe',
  'Vera',
  'Willi',
  'Yara',
  'Zoe',
];
const LAST = [
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
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Braun',
  'Zimmermann',
  'Krüger',
];

// Members `from`..`to` (numbers W-<n>) as the board's spreadsheet has them.
function memberCsv(from, to) {
  const r = rng(from);
  const lines = ['Mitgliedsnummer;Vorname;Nachname;E-Mail'];
  for (let i = from; i <= to; i++) {
    lines.push([`W-${i}`, pick(r, FIRST), pick(r, LAST), `m${i}@example.org`].join(';'));
  }
  return `${lines.join('\r\n')}\r\n`;
}

// One GET: the time until the first byte of the answer (the headers), and until its end.
function timed(url, cookie) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { headers: { cookie, accept: 'text/html' }, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const ttfb = performance.now() - t0;
      let bytes = 0;
      res.on('data', (d) => (bytes += d.length));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        else resolve({ ttfb, total: performance.now() - t0, bytes });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
  });
}

// A page load without a cache: the HTML and everything it links.
async function pageLoad(server, path, cookie) {
  const get = async (p) => {
    const res = await fetch(`${server.url}${p}`, {
      headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`GET ${p}: HTTP ${res.status}`);
    return buf;
  };
  const html = await get(path);
  const text = html.toString('utf8');
  const linked = [
    ...text.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g),
    ...text.matchAll(/<(?:script|img)[^>]+src="([^"]+)"/g),
  ].map((m) => m[1].replaceAll('&amp;', '&'));
  let assets = 0;
  let gz = gzipSync(html).length;
  for (const href of linked) {
    const buf = await get(href);
    assets += buf.length;
    gz += gzipSync(buf).length;
  }
  return { html: html.length, assets, files: 1 + linked.length, total: html.length + assets, gz };
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

async function run(ctx) {
  const { server, cookie } = await processes.adminServer(ctx, ADMIN);
  const token = await processes.apiToken(server, cookie, ['members:import', 'members:read']);
  const auth = { authorization: `Bearer ${token}` };

  const ttfbRows = [];
  let worstP95 = 0;
  let imported = 0;
  for (const size of SIZES) {
    // Grow the club to `size` members (plus the admin) with the member import.
    const report = (
      await call(server, '/api/members/import?dryRun=false', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/csv' },
        body: memberCsv(imported + 1, size),
      })
    ).json();
    if (!report.committed) throw new Error(`import failed: ${JSON.stringify(report.problems.slice(0, 5))}`);
    imported = size;
    const total = (await call(server, '/api/members?pageSize=1', { headers: auth })).json().total;
    const lists = [
      ['page 1', '/board/members'],
      ['search "schmidt"', '/board/members?q=schmidt'],
      ['search, no match', '/board/members?q=qxzvw'],
      ['last page', `/board/members?page=${Math.ceil(total / 50)}`],
    ];
    for (const [, path] of lists) for (let i = 0; i < 30; i++) await timed(`${server.url}${path}`, cookie); // warm-up
    for (const [label, path] of lists) {
      const ttfb = [];
      const whole = [];
      let bytes = 0;
      const started = performance.now();
      for (let i = 0; i < ctx.opts.requests && performance.now() - started < STEP_TIMEOUT_MS; i++) {
        const r = await timed(`${server.url}${path}`, cookie);
        ttfb.push(r.ttfb);
        whole.push(r.total);
        bytes = r.bytes;
      }
      ttfb.sort((a, b) => a - b);
      whole.sort((a, b) => a - b);
      if (label === 'page 1') worstP95 = Math.max(worstP95, pct(ttfb, 0.95));
      ttfbRows.push([
        total,
        label,
        ttfb.length,
        fmt(pct(ttfb, 0.5)),
        fmt(pct(ttfb, 0.95)),
        fmt(pct(ttfb, 0.99)),
        fmt(pct(whole, 0.5)),
        kb(bytes),
      ]);
    }
  }

  // The page weights, on the club of 10,000.
  const first = (await call(server, '/api/members?pageSize=1&q=schmidt', { headers: auth })).json().items[0];
  const setup = { memberId: first.id };
  const weightRows = [];
  let heaviest = 0;
  for (const page of PAGES) {
    const path = typeof page.path === 'function' ? page.path(setup) : page.path;
    const w = await pageLoad(server, path, page.login === false ? undefined : cookie);
    heaviest = Math.max(heaviest, w.total);
    weightRows.push([page.name, path, w.files, kb(w.html), kb(w.assets), kb(w.total), kb(w.gz)]);
  }

  table(
    `member list: time to first byte of GET /board/members (logged in as the admin, ${ctx.opts.requests} requests each, one at a time)`,
    ['members', 'request', 'requests', 'TTFB p50', 'TTFB p95', 'TTFB p99', 'whole page p50', 'HTML size'],
    ttfbRows,
  );
  table(
    'page load: HTML + linked stylesheets, no cache, no photos (gzip: what a compressing proxy would send)',
    ['page', 'path', 'files', 'HTML', 'CSS', 'total', 'gzip total'],
    weightRows,
  );
  table(
    'goals',
    ['figure', 'value', 'goal'],
    [
      ['member list page 1, TTFB p95 (worst size)', fmt(worstP95), 'none set (a figure)'],
      [
        'heaviest page load',
        kb(heaviest),
        heaviest <= GOALS.pageBytes ? `met (< ${kb(GOALS.pageBytes)})` : `MISSED (< ${kb(GOALS.pageBytes)})`,
      ],
    ],
  );
}

process.exitCode = await runBench({ usage: 'npm run bench -- web [--requests N] [--keep]', parseArgs, run, processes });
