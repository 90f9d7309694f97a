// Calendar benchmark: feeds of 10,000 events, the 304 answer, and bookings that race.
//
//   npm run build && npm run bench -- calendar [--events N] [--api-events N] [--requests N] [--keep]
//
// Like bench/run.js: the built CLI (dist/) in child processes, its embedded PostgreSQL on a free port
// in a fresh temp folder, HTTP over 127.0.0.1; every loop bounded in count and time; the server and
// PostgreSQL stopped and the folder removed at the end, also on failure or Ctrl-C. Output: Markdown.
// The serializer is also timed in this process (dist/calendar/*.js), where the heap can be measured.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import pg from 'pg';
import vm from 'node:vm';
import { cliProcesses, fmt, goal, HOST, pct, pick, rng, runBench, table } from './lib.js';

const DIST = new URL('../dist/calendar/', import.meta.url);
const GOALS = { feedMs: 1000, feedMiB: 50, notModifiedP99Ms: 5 };
const STEP_TIMEOUT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 60_000;
const processes = cliProcesses({ stepTimeoutMs: STEP_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
const { call } = processes;
const FEED_RUNS = 5;
const RACE_ROUNDS = 10;
const RACERS = 20;
const ADMIN = { email: 'bench@example.org', password: 'Zwanzig Dinge im Regal, fünf Kisten 42!' };

function parseArgs(argv) {
  const opts = { events: 10_000, apiEvents: 1000, requests: 2000, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') opts.keep = true;
    else if (a === '--events' || a === '--requests' || a === '--api-events') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 200_000) throw new Error(`${a} needs a whole number from 1 to 200000`);
      opts[a === '--api-events' ? 'apiEvents' : a.slice(2)] = n;
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 0.5), p99: pct(s, 0.99), max: s[s.length - 1] };
};
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const TITLES = [
  'Plenum',
  'Lötworkshop',
  'Repair Café',
  'Offener Abend',
  'Vortrag',
  'Nähtreff',
  'Spieleabend',
  'Kochen',
];
const WORDS = ['mit', 'Gästen', 'für', 'Anfänger*innen', 'und', 'Kaffee;', 'Mate,', 'Löten', 'Holz', '3D-Druck'];

// VmRSS or VmHWM (peak) of a process, in bytes.
function procMem(pid, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

// Resets the peak RSS of a process (Linux: clear_refs 5), so a later VmHWM is the peak of one step.
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

// The events, through the API, `concurrency` at a time: one in five weekly (with an EXDATE), the
// rest single; spread over two years in Europe/Berlin with a few in other zones; some in rooms.
async function makeEvents(server, auth, count, rooms) {
  const r = rng(20_261_202);
  const base = Date.UTC(new Date().getUTCFullYear() + 1, 0, 5);
  let next = 0;
  let failed = 0;
  let firstError;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count && performance.now() - started < STEP_TIMEOUT_MS) {
        const i = next++;
        const withRoom = i % 10 === 1;
        const k = (i - 1) / 10;
        const offset = withRoom ? Math.floor(k / rooms.length) % 700 : Math.floor(r() * 700);
        const day = new Date(base + offset * 86_400_000).toISOString().slice(0, 10);
        const hour = String(8 + Math.floor(r() * 12)).padStart(2, '0');
        const recurring = i % 5 === 0;
        const title = `${pick(r, TITLES)} ${i}`;
        const words = Array.from({ length: 5 + Math.floor(r() * 30) }, () => pick(r, WORDS)).join(' ');
        const body = {
          title,
          slug: `e-${i}`,
          description: `${words}\nZweite Zeile.`,
          start: `${day}T${hour}:00`,
          end: `${day}T${hour}:45`,
          timeZone: i % 50 === 0 ? 'America/New_York' : i % 51 === 0 ? 'Asia/Tokyo' : 'Europe/Berlin',
          visibility: i % 7 === 0 ? 'members' : 'public',
          // Every tenth event books a room, each (room, day) once, so none clash.
          resourceIds: withRoom ? [rooms[k % rooms.length]] : [],
          ...(recurring ? { rrule: 'FREQ=WEEKLY;COUNT=20', exdates: [day] } : {}),
        };
        try {
          await call(server, '/api/events', {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
        } catch (err) {
          failed++;
          firstError ??= err.message;
        }
      }
    }),
  );
  return { ms: performance.now() - started, failed, made: Math.min(next, count), firstError };
}
// ---------------------------------------------------------------- processes

// The rest of the events straight into PostgreSQL (the API path is timed with the first ones):
// the same shapes (1 in 5 weekly, 1 in 7 members only, a few in other zones), no rooms.
async function bulkEvents(ctx, from, to) {
  const { password } = JSON.parse(readFileSync(join(ctx.dataDir, 'postgres.json'), 'utf8'));
  const db = new pg.Client({ host: HOST, port: ctx.pgPort, user: 'postgres', password, database: 'allmende' });
  await db.connect();
  try {
    const t0 = performance.now();
    await db.query(
      `insert into calendar_event (uid, slug, title, description, time_zone, all_day, start_at, end_at, rrule, exdates,
                                   series_end_at, booked_until, visibility, status, sequence, created_at, updated_at, version)
       select 'bulk-' || i || '@bench', 'bulk-' || i,
              (array['Plenum','Lötworkshop','Repair Café','Offener Abend','Vortrag','Nähtreff','Spieleabend','Kochen'])[1 + i % 8] || ' ' || i,
              'Mit Gästen, für Anfänger*innen; Kaffee und Mate' || E'\\n' || 'Zweite Zeile ' || i,
              case when i % 50 = 0 then 'America/New_York' when i % 51 = 0 then 'Asia/Tokyo' else 'Europe/Berlin' end,
              false, x.s, x.s + interval '45 minutes',
              case when i % 5 = 0 then 'FREQ=WEEKLY;COUNT=20' end, '{}',
              case when i % 5 = 0 then x.s + interval '19 weeks 45 minutes' else x.s + interval '45 minutes' end,
              now(), case when i % 7 = 0 then 'members' else 'public' end, 'confirmed', 0, now(), now(), 1
         from generate_series($1::int, $2::int) as i,
              lateral (select $3::timestamptz + ((i * 7919) % 700) * interval '1 day' + (8 + i % 12) * interval '1 hour' as s) as x`,
      [from, to, new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 5))],
    );
    await db.query('vacuum analyze calendar_event');
    return performance.now() - t0;
  } finally {
    await db.end();
  }
}

// The serializer in a child process whose heap is capped below the goal: if 10,000 events render
// there, the render needs less than that, whatever the GC did when.
const CAP_OLD_MIB = 40;
const CAP_SEMI_MIB = 2;
const SERIALIZERS = { ics: ['ics.js', 'serializeIcs'], xml: ['xcal.js', 'serializeXcal'] };
function cappedRender(events, format) {
  const [file, fn] = SERIALIZERS[format];
  const code = `
    const { buildCalendar } = await import(${JSON.stringify(new URL('feed-calendar.js', DIST).href)});
    const { ${fn}: serialize } = await import(${JSON.stringify(new URL(file, DIST).href)});
    const list = Array.from({ length: ${events} }, (_, i) => {
      const start = Date.UTC(2027, 0, 5) + ((i * 7919) % 700) * 86400000 + 18 * 3600000;
      return { uid: i + '@bench', slug: 'e-' + i, title: 'Plenum ' + i,
        description: 'mit Gästen, für Anfänger*innen; Kaffee und Mate, Löten, Holz und 3D-Druck mit Gästen ' + i,
        zone: 'Europe/Berlin', allDay: false, start, end: start + 2700000,
        rule: i % 5 === 0 ? 'FREQ=WEEKLY;COUNT=20' : null, exdates: [], status: 'confirmed', sequence: 0,
        createdAt: start - 1e9, updatedAt: start - 1e8, location: i % 10 === 1 ? 'Raum 1' : null, overrides: [] };
    });
    const t0 = performance.now();
    const out = serialize(buildCalendar(list, { name: 'bench', publicUrl: 'https://allmende.example', refreshMinutes: 60 }));
    console.log(JSON.stringify({ ms: performance.now() - t0, size: Buffer.byteLength(out) }));`;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${CAP_OLD_MIB}`,
        `--max-semi-space-size=${CAP_SEMI_MIB}`,
        '--input-type=module',
        '-e',
        code,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0)
          throw new Error(`exit ${code}: ${err.split('\n').find((l) => /heap|memory/i.test(l)) ?? err.slice(-200)}`);
        resolve({ ok: true, events, ...JSON.parse(out) });
      } catch (e) {
        resolve({ ok: false, error: e.message });
      }
    });
  });
}

async function run(ctx) {
  const { server, cookie } = await processes.adminServer(ctx, ADMIN);
  const token = await processes.apiToken(server, cookie, [
    'inventory:read',
    'inventory:write',
    'calendar:read',
    'calendar:write',
  ]);
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };

  // Rooms: 10 places made bookable.
  const rooms = [];
  for (let i = 1; i <= 10; i++) {
    const place = (
      await call(server, '/api/locations', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: `Raum ${i}` }),
      })
    ).json();
    rooms.push(
      (
        await call(server, '/api/calendar/resources', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ locationId: place.id }),
        })
      ).json().id,
    );
  }
  const viaApi = Math.min(ctx.opts.apiEvents, ctx.opts.events);
  const made = await makeEvents(server, auth, viaApi, rooms);
  if (made.failed > 0 || made.made < viaApi) {
    throw new Error(`${made.failed} of ${made.made} events could not be made: ${made.firstError}`);
  }
  const bulkMs = viaApi < ctx.opts.events ? await bulkEvents(ctx, viaApi, ctx.opts.events - 1) : 0;
  const feedToken = (
    await call(server, '/api/calendar/feed-token', { method: 'POST', headers: { cookie, origin: server.url } })
  ).json();
  const privatePath = new URL(feedToken.calendar.https).pathname;

  // Feed over HTTP: the whole render (query, tree, text), the server's peak RSS above its idle RSS.
  const feedRows = [];
  let feedMedian = Infinity;
  const feedPeak = {};
  for (const [label, path] of [
    ['public /calendar.ics', '/calendar.ics'],
    ['private link (members too)', privatePath],
    ['xCal /calendar.xml', '/calendar.xml'],
    ['Atom /calendar.atom (60 days, ≤ 200 entries)', '/calendar.atom'],
  ]) {
    await call(server, path); // warm-up
    const ms = [];
    let size = 0;
    let events = 0;
    let peak = 0;
    for (let i = 0; i < FEED_RUNS; i++) {
      const idle = procMem(server.child.pid, 'VmRSS');
      const canPeak = resetPeak(server.child.pid);
      const t0 = performance.now();
      const res = await call(server, path);
      ms.push(performance.now() - t0);
      size = res.buf.length;
      events = (res.buf.toString('utf8').match(/BEGIN:VEVENT|<vevent>|<entry>/g) ?? []).length;
      if (canPeak) peak = Math.max(peak, procMem(server.child.pid, 'VmHWM') - idle);
    }
    const s = stats(ms);
    if (path === '/calendar.ics') feedMedian = s.p50;
    feedPeak[path] = peak;
    feedRows.push([
      label,
      events,
      mib(size),
      fmt(s.p50),
      fmt(s.max),
      Number.isNaN(peak) || peak === 0 ? '–' : mib(peak),
    ]);
  }

  // The serializer alone, in this process: the same 10,000 events from the feed's own query shape.
  const { buildCalendar } = await import(new URL('feed-calendar.js', DIST));
  const serializers = {};
  for (const [format, [file, fn]] of Object.entries(SERIALIZERS))
    serializers[format] = (await import(new URL(file, DIST)))[fn];
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const r = rng(7);
  const synthetic = Array.from({ length: ctx.opts.events }, (_, i) => {
    const start = Date.UTC(2027, 0, 5) + Math.floor(r() * 700) * 86_400_000 + 18 * 3_600_000;
    return {
      uid: `${i}@bench`,
      slug: `e-${i}`,
      title: `${pick(r, TITLES)} ${i}`,
      description: Array.from({ length: 20 }, () => pick(r, WORDS)).join(' '),
      zone: 'Europe/Berlin',
      allDay: false,
      start,
      end: start + 2_700_000,
      rule: i % 5 === 0 ? 'FREQ=WEEKLY;COUNT=20' : null,
      exdates: [],
      status: 'confirmed',
      sequence: 0,
      createdAt: start - 1e9,
      updatedAt: start - 1e8,
      location: i % 10 === 1 ? 'Raum 1' : null,
      overrides: [],
    };
  });
  const opts = { name: 'bench', publicUrl: 'https://allmende.example', refreshMinutes: 60 };
  const serializerRows = [];
  const capped = {};
  let ip;
  for (const [format, serialize] of Object.entries(serializers)) {
    serialize(buildCalendar(synthetic.slice(0, 500), opts)); // warm-up
    const inProcess = [];
    let heapDelta = 0;
    let rssDelta = 0;
    let size = 0;
    for (let i = 0; i < FEED_RUNS; i++) {
      gc();
      const before = process.memoryUsage();
      const t0 = performance.now();
      const out = serialize(buildCalendar(synthetic, opts));
      inProcess.push(performance.now() - t0);
      // Measured while the text is still held: the feed plus what the render left for the GC.
      const after = process.memoryUsage();
      size = Buffer.byteLength(out);
      heapDelta = Math.max(heapDelta, after.heapUsed - before.heapUsed);
      rssDelta = Math.max(rssDelta, after.rss - before.rss);
    }
    const s = stats(inProcess);
    if (format === 'ics') ip = s;
    capped[format] = await cappedRender(ctx.opts.events, format);
    const c = capped[format];
    serializerRows.push([
      `.${format}`,
      fmt(s.p50),
      fmt(s.max),
      mib(size),
      mib(heapDelta),
      mib(rssDelta),
      c.ok ? `renders (${fmt(c.ms)})` : /out of memory/.test(c.error) ? 'out of memory' : `FAILED: ${c.error}`,
    ]);
  }

  // 304: If-None-Match with the current ETag, one request at a time.
  const notModified = [];
  for (const [label, path] of [
    ['public /calendar.ics', '/calendar.ics'],
    ['private link (token lookup too)', privatePath],
  ]) {
    const etag = (await call(server, path)).res.headers.get('etag');
    const ms = [];
    for (let i = 0; i < ctx.opts.requests + 200; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}${path}`, {
        headers: { 'if-none-match': etag },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      if (res.status !== 304) throw new Error(`${path} with its ETag answered ${res.status}`);
      if (i >= 200) ms.push(performance.now() - t0);
    }
    notModified.push([label, ms.length, ...Object.values(stats(ms)).slice(1).map(fmt)]);
    if (path === '/calendar.ics') ctx.p99 = stats(ms).p99;
  }

  // Bookings that race: 20 requests at once for the same room and time; exactly one may win.
  const raceRows = [];
  const raceMs = [];
  let exactlyOne = 0;
  // Three years ahead: beyond the horizon, where single events are booked all the same; at
  // 22:00, where none of the generated events are.
  const day0 = Date.UTC(new Date().getUTCFullYear() + 3, 5, 1);
  for (let round = 0; round < RACE_ROUNDS; round++) {
    const day = new Date(day0 + round * 86_400_000).toISOString().slice(0, 10);
    const results = await Promise.all(
      Array.from({ length: RACERS }, async (_, i) => {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/events`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            title: `Race ${round}.${i}`,
            slug: `race-${round}-${i}`,
            start: `${day}T22:00`,
            end: `${day}T23:30`,
            resourceIds: [rooms[0]],
          }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        raceMs.push(ms);
        return res.status;
      }),
    );
    const won = results.filter((s) => s === 201).length;
    const refused = results.filter((s) => s === 409).length;
    if (won === 1 && refused === RACERS - 1) exactlyOne++;
    if (round < 3) raceRows.push([round + 1, won, refused, RACERS - won - refused]);
  }
  // The same load without conflicts: 20 requests at once, each its own room and hour.
  const freeMs = [];
  const freeDay = new Date(day0 + 40 * 86_400_000).toISOString().slice(0, 10);
  const free = await Promise.all(
    Array.from({ length: RACERS }, async (_, i) => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/events`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          title: `Free ${i}`,
          slug: `free-${i}`,
          start: `${freeDay}T${String(i).padStart(2, '0')}:00`,
          end: `${freeDay}T${String(i).padStart(2, '0')}:30`,
          resourceIds: [rooms[i % rooms.length]],
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      freeMs.push(performance.now() - t0);
      return res.status;
    }),
  );
  const rs = stats(raceMs);
  const fs = stats(freeMs);

  table(
    'calendar: setup',
    ['step', 'value'],
    [
      ['events made through POST /api/events (8 at a time; 1 in 5 weekly, 1 in 7 members only)', viaApi],
      ['  wall time / per event', `${fmt(made.ms)} / ${fmt(made.ms / viaApi)}`],
      ['events inserted with SQL (same shapes, no rooms), incl. vacuum analyze', ctx.opts.events - viaApi],
      ['  wall time', fmt(bulkMs)],
    ],
  );
  table(
    `feed over HTTP: full render, ${FEED_RUNS} runs (server peak RSS above idle)`,
    ['feed', 'VEVENTs / entries', 'size', 'median', 'max', 'peak RSS Δ'],
    feedRows,
  );
  table(
    `feed serializer in-process: ${ctx.opts.events} events (buildCalendar + serializeIcs / serializeXcal), ${FEED_RUNS} runs; last column: in a child process with the heap capped at ${CAP_OLD_MIB} MiB old + ${CAP_SEMI_MIB} MiB semi-space`,
    ['format', 'median', 'max', 'size', 'heap growth at the end (max)', 'RSS Δ (max)', `capped heap`],
    serializerRows,
  );
  table(
    `304: If-None-Match with the current ETag, ${ctx.opts.requests} requests one at a time (200 warm-up)`,
    ['feed', 'requests', 'p50', 'p99', 'max'],
    notModified,
  );
  table(
    `bookings: ${RACERS} concurrent POST /api/events for one room and time, ${RACE_ROUNDS} rounds (first 3 shown)`,
    ['round', '201', '409', 'other'],
    raceRows,
  );
  table(
    'booking latency under 20 concurrent requests',
    ['case', 'requests', 'p50', 'p99', 'max', 'statuses'],
    [
      [
        'conflicting (one room, one time)',
        rs.n,
        fmt(rs.p50),
        fmt(rs.p99),
        fmt(rs.max),
        `exactly one 201 in ${exactlyOne}/${RACE_ROUNDS} rounds`,
      ],
      [
        'not conflicting (own room and hour)',
        fs.n,
        fmt(fs.p50),
        fmt(fs.p99),
        fmt(fs.max),
        `${free.filter((s) => s === 201).length}×201`,
      ],
    ],
  );
  table(
    'goals',
    ['figure', 'value', 'goal'],
    [
      [`GET /calendar.ics of ${ctx.opts.events} events, median`, fmt(feedMedian), goal(feedMedian, GOALS.feedMs)],
      [`serializer, ${ctx.opts.events} events, median`, fmt(ip.p50), goal(ip.p50, GOALS.feedMs)],
      ...Object.entries(capped).map(([format, c]) => [
        `.${format} serializer within a heap of ${CAP_OLD_MIB} + ${CAP_SEMI_MIB} MiB`,
        c.ok ? `rendered in ${fmt(c.ms)}` : 'out of memory',
        c.ok ? `met (< ${GOALS.feedMiB} MiB)` : `MISSED (< ${GOALS.feedMiB} MiB)`,
      ]),
      ...['/calendar.ics', '/calendar.xml', '/calendar.atom'].map((path) => {
        const peak = feedPeak[path];
        return [
          `server peak RSS Δ for one ${path}`,
          Number.isNaN(peak) || peak === 0 ? '–' : mib(peak),
          Number.isNaN(peak) || peak === 0
            ? 'not measurable here'
            : peak < GOALS.feedMiB * 1024 * 1024
              ? `met (< ${GOALS.feedMiB} MiB)`
              : `MISSED (< ${GOALS.feedMiB} MiB)`,
        ];
      }),
      ['304 p99 (public feed)', fmt(ctx.p99), goal(ctx.p99, GOALS.notModifiedP99Ms)],
      [
        'races with exactly one winner',
        `${exactlyOne}/${RACE_ROUNDS}`,
        exactlyOne === RACE_ROUNDS ? 'met (all)' : 'MISSED (all)',
      ],
    ],
  );
}

process.exitCode = await runBench({
  usage: 'npm run bench -- calendar [--events N] [--api-events N] [--requests N] [--keep]',
  parseArgs,
  run,
  processes,
});
