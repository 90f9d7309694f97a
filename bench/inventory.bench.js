// Inventory benchmark: search with 20,000 things, a label sheet of 500 things, photo upload and resize.
//
//   npm run build && npm run bench -- inventory [--things N] [--requests N] [--keep]
//
// Like bench/run.js: the built CLI (dist/) in child processes, its embedded PostgreSQL on a free port
// in a fresh temp folder, HTTP over 127.0.0.1; every loop bounded in count and time; the server and
// PostgreSQL stopped and the folder removed at the end, also on failure or Ctrl-C. Output: Markdown.

import { URLSearchParams } from 'node:url';
import sharp from 'sharp';
import { cliProcesses, fmt, goal, pct, pick, rng, runBench, table } from './lib.js';

const GOALS = { searchP99Ms: 50, sheetMs: 5_000, photoMs: 2_000 };
const STEP_TIMEOUT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 60_000;
const processes = cliProcesses({ stepTimeoutMs: STEP_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
const { call } = processes;
const SHEET_THINGS = 500;
const SHEET_RUNS = 5;
const PHOTO_RUNS = 10;
const ADMIN = { email: 'bench@example.org', password: 'Zwanzig Dinge im Regal, fünf Kisten 42!' };

function parseArgs(argv) {
  const opts = { things: 20_000, requests: 2000, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') opts.keep = true;
    else if (a === '--things' || a === '--requests') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} needs a positive whole number`);
      opts[a.slice(2)] = n;
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

const KINDS = [
  'Akkuschrauber',
  'Lötstation',
  'Multimeter',
  'Oszilloskop',
  'Stichsäge',
  'Bohrmaschine',
  'Schleifer',
  'Netzteil',
  'Beamer',
  'Kabeltrommel',
  'Heißklebepistole',
  'Raspberry Pi',
  'Arduino',
  'Nähmaschine',
  'Lasercutter',
  'Schraubstock',
  'Zange',
  'Hammer',
  'Wasserwaage',
  'Leiter',
  'Kamera',
  'Mikrofon',
  'Lautsprecher',
  'Router',
  'Monitor',
];
const BRANDS = [
  'Makita',
  'Bosch',
  'Weller',
  'Fluke',
  'Rigol',
  'Festool',
  'Metabo',
  'Ersa',
  'Epson',
  'Brennenstuhl',
  'Pfaff',
  'Knipex',
  'Wera',
  'Sony',
  'Rode',
  'Dell',
];
const TAGS = ['werkzeug', 'elektronik', 'holz', 'metall', 'textil', 'video', 'audio', 'netzwerk', 'messen', 'akku'];
const ROOMS = [
  'Werkstatt',
  'Elektroniklabor',
  'Holzwerkstatt',
  'Lager',
  'Vortragsraum',
  'Küche',
  'Keller',
  'Büro',
  'Textilecke',
  'Fablab',
];
const LENDERS = ['Nachbarverein e. V.', 'Stadtbibliothek', 'Oma Erna', 'Chaostreff Nord', 'Jugendzentrum'];

function csvCell(v) {
  return /[;"\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

// 20,000 things in 10 rooms × 10 shelves × 5 boxes, plus SHEET_THINGS in one box for the label sheet.
function generateCsv(count) {
  const r = rng(20_261_202);
  const lines = ['Name;Kurzname;Ort;Schlagworte;Eigentum;Eigentümer;Leihgabe bis;Beschreibung'];
  for (let i = 1; i <= count; i++) {
    const name = `${pick(r, KINDS)} ${pick(r, BRANDS)} ${1 + Math.floor(r() * 99)}`;
    const place = `${pick(r, ROOMS)} / Regal ${1 + Math.floor(r() * 10)} / Kiste ${1 + Math.floor(r() * 5)}`;
    const tags = [pick(r, TAGS), pick(r, TAGS)].join(', ');
    const lent = r() < 0.05;
    lines.push(
      [
        name,
        `ding-${i}`,
        place,
        tags,
        lent ? 'lent-to-club' : 'club',
        lent ? pick(r, LENDERS) : '',
        lent ? '31.12.2030' : '',
        `Gekauft ${2010 + Math.floor(r() * 16)}, ${pick(r, ['gut', 'gebraucht', 'neu'])}`,
      ]
        .map(csvCell)
        .join(';'),
    );
  }
  for (let i = 1; i <= SHEET_THINGS; i++) {
    lines.push(
      [`Etikett ${i} ${pick(r, KINDS)}`, `etikett-${i}`, 'Etikettenlager / Regal 1', 'etikett', 'club', '', '', '']
        .map(csvCell)
        .join(';'),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------- processes

// ---------------------------------------------------------------- the benchmark

async function run(ctx) {
  const { server, cookie } = await processes.adminServer(ctx, ADMIN);
  const token = await processes.apiToken(server, cookie, ['inventory:read', 'inventory:write']);
  const auth = { authorization: `Bearer ${token}` };

  // Setup: the things, through the CSV import (timed, as a side figure).
  const csv = generateCsv(ctx.opts.things);
  let t0 = performance.now();
  const report = (
    await call(server, '/api/inventory/import?dryRun=false', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csv,
    })
  ).json();
  const importMs = performance.now() - t0;
  if (!report.committed) throw new Error(`import failed: ${JSON.stringify(report.problems.slice(0, 5))}`);
  const total = report.created;

  // Search: what people type, with a fixed seed.
  const r = rng(4242);
  const kinds = [
    [
      'word prefix',
      0.3,
      () =>
        pick(r, KINDS)
          .toLowerCase()
          .slice(0, 3 + Math.floor(r() * 3)),
    ],
    ['two words', 0.15, () => `${pick(r, KINDS)} ${pick(r, BRANDS)}`],
    ['slug', 0.1, () => `ding-${1 + Math.floor(r() * ctx.opts.things)}`],
    ['place', 0.1, () => `${pick(r, ROOMS)} kiste`],
    ['lender', 0.05, () => pick(r, LENDERS).split(' ')[0]],
    ['no match', 0.1, () => pick(r, ['qxzvw', 'nichtvorhanden', 'zzzz'])],
    ['tag filter', 0.1, () => ({ tag: pick(r, TAGS) })],
    ['no term, page 1', 0.1, () => ({})],
  ];
  const requests = [];
  for (let i = 0; i < ctx.opts.requests; i++) {
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
    const query = typeof q === 'string' ? `q=${encodeURIComponent(q)}` : new URLSearchParams(q).toString();
    requests.push({ kind: kind[0], path: `/api/things?pageSize=50&${query}` });
  }
  for (const req of requests.slice(0, 300)) await call(server, req.path, { headers: auth }); // warm-up
  const searchRows = [];
  const kindRows = [];
  let p99At1 = Infinity;
  for (const concurrency of [1, 4]) {
    const ms = [];
    const byKind = new Map();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length && performance.now() - started < STEP_TIMEOUT_MS) {
          const req = requests[next++];
          const s = performance.now();
          await call(server, req.path, { headers: auth });
          ms.push(performance.now() - s);
          byKind.set(req.kind, [...(byKind.get(req.kind) ?? []), performance.now() - s]);
        }
      }),
    );
    const wall = performance.now() - started;
    ms.sort((a, b) => a - b);
    if (concurrency === 1) {
      p99At1 = pct(ms, 0.99);
      for (const [kind, list] of byKind) {
        list.sort((a, b) => a - b);
        kindRows.push([kind, list.length, fmt(pct(list, 0.5)), fmt(pct(list, 0.99)), fmt(list[list.length - 1])]);
      }
    }
    searchRows.push([
      concurrency,
      ms.length,
      fmt(pct(ms, 0.5)),
      fmt(pct(ms, 0.95)),
      fmt(pct(ms, 0.99)),
      fmt(ms[ms.length - 1]),
      `${((ms.length / wall) * 1000).toFixed(0)}/s`,
    ]);
  }

  // Label sheet: every thing of the one box, as PDF.
  const places = (await call(server, '/api/locations', { headers: auth })).json();
  const labelPlace = places.find((p) => p.path.join(' / ') === 'Etikettenlager / Regal 1');
  const sheetMs = [];
  let sheet;
  for (let i = 0; i < SHEET_RUNS; i++) {
    t0 = performance.now();
    sheet = await call(server, `/api/locations/${labelPlace.id}/labels`, { headers: auth });
    sheetMs.push(performance.now() - t0);
  }
  sheetMs.sort((a, b) => a - b);
  const pages = (sheet.buf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

  // Photos: a 12-megapixel camera JPEG with EXIF, and a 3-megapixel phone photo.
  const photoRows = [];
  let photoMedian12 = Infinity;
  for (const [label, w, h] of [
    ['12 MP JPEG (4000 × 3000)', 4000, 3000],
    ['3 MP JPEG (2000 × 1500)', 2000, 1500],
  ]) {
    const jpeg = await sharp({
      create: { width: w, height: h, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .blur(2)
      .jpeg({ quality: 90 })
      .withExif({ IFD0: { Make: 'Bench', Model: 'Camera' } })
      .toBuffer();
    const ms = [];
    let last;
    for (let i = 0; i < PHOTO_RUNS; i++) {
      const thing = `ding-${1 + i}`;
      t0 = performance.now();
      last = (
        await call(server, `/api/things/${thing}/photos`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'image/jpeg' },
          body: jpeg,
        })
      ).json();
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    const photo = last.photos[last.photos.length - 1];
    const stored = await call(server, photo.url, { headers: auth });
    if (w === 4000) photoMedian12 = pct(ms, 0.5);
    photoRows.push([
      label,
      `${(jpeg.length / 1024 / 1024).toFixed(1)} MB`,
      `${(stored.buf.length / 1024).toFixed(0)} KB`,
      PHOTO_RUNS,
      fmt(pct(ms, 0.5)),
      fmt(ms[ms.length - 1]),
    ]);
  }

  table(
    'inventory: setup',
    ['step', 'value'],
    [
      ['things imported (one CSV, one transaction)', total],
      ['import wall time (HTTP, incl. vacuum analyze)', fmt(importMs)],
    ],
  );
  table(
    `search: GET /api/things?q=… (${total} things, ${ctx.opts.requests} requests per level, pageSize 50)`,
    ['concurrency', 'requests', 'p50', 'p95', 'p99', 'max', 'throughput'],
    searchRows,
  );
  table('search by kind of query, concurrency 1', ['kind', 'requests', 'p50', 'p99', 'max'], kindRows);
  table(
    `label sheet: GET /api/locations/:id/labels, ${SHEET_THINGS} things (PDF)`,
    ['runs', 'pages', 'size', 'median', 'max'],
    [
      [
        SHEET_RUNS,
        pages,
        `${(sheet.buf.length / 1024).toFixed(0)} KB`,
        fmt(pct(sheetMs, 0.5)),
        fmt(sheetMs[sheetMs.length - 1]),
      ],
    ],
  );
  table(
    'photo: POST /api/things/:ref/photos (upload, check, rotate, resize to 1600 px, WebP + thumbnail, store)',
    ['input', 'upload size', 'stored', 'runs', 'median', 'max'],
    photoRows,
  );
  table(
    'goals',
    ['figure', 'value', 'goal'],
    [
      ['search p99 at concurrency 1', fmt(p99At1), goal(p99At1, GOALS.searchP99Ms)],
      [`label sheet of ${SHEET_THINGS}, median`, fmt(pct(sheetMs, 0.5)), goal(pct(sheetMs, 0.5), GOALS.sheetMs)],
      ['12 MP photo upload, median', fmt(photoMedian12), goal(photoMedian12, GOALS.photoMs)],
    ],
  );
}

process.exitCode = await runBench({
  usage: 'npm run bench -- inventory [--things N] [--requests N] [--keep]',
  parseArgs,
  run,
  processes,
});
