import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xmlProblems } from '../support/calendar-fixture.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { parseFeed } from './ical-parse.js';

const EVENTS = 400;

// Inserted with SQL (the API would take seconds for as many), like bench/calendar.bench.js.
async function insertEvents(t: TestApp, zone: string, from: number, to: number): Promise<void> {
  await t.orm.em.fork().execute(
    `insert into calendar_event (uid, slug, title, description, time_zone, all_day, start_at, end_at, rrule, exdates,
                                 series_end_at, booked_until, visibility, status, sequence, created_at, updated_at, version)
     select 'e-' || i || '@test', 'e-' || i, 'Löten & <Mate> ' || i, 'Zeile eins, zwei; "drei"' || E'\\n' || i,
            ?, false, x.s, x.s + interval '45 minutes',
            case when i % 5 = 0 then 'FREQ=WEEKLY;COUNT=20' end, '{}',
            x.s + interval '20 weeks', now(), 'public', 'confirmed', 0, now(), now(), 1
       from generate_series(?::int, ?::int) as i,
            lateral (select date_trunc('day', now()) + (i % 60 + 1) * interval '1 day' + interval '18 hours' as s) as x`,
    [zone, from, to],
  );
}

describe('calendar feeds sent as a stream', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await insertEvents(t, 'Europe/Berlin', 1, EVENTS);
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends a feed of many chunks in pieces (no Content-Length) that make the whole calendar', async () => {
    const ics = await t.http.get('/calendar.ics');
    expect(ics.status).toBe(200);
    expect(ics.headers['transfer-encoding']).toBe('chunked');
    expect(ics.headers['content-length']).toBeUndefined();
    expect(parseFeed(ics.text).events).toHaveLength(EVENTS);

    const xml = await t.http.get('/calendar.xml');
    expect(xml.status).toBe(200);
    expect(xml.text.length).toBeGreaterThan(4 * 64 * 1024);
    expect(xmlProblems(xml.text)).toEqual([]);
    expect(xml.text.match(/<vevent>/g)).toHaveLength(EVENTS);
    expect(xml.text).toContain('<summary><text>Löten &#38; &#60;Mate&#62; 1</text></summary>');

    const atom = await t.http.get('/calendar.atom');
    expect(atom.status).toBe(200);
    expect(xmlProblems(atom.text)).toEqual([]);
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await t.http.head('/calendar.xml');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/calendar+xml; charset=utf-8');
    expect(head.headers.etag).toMatch(/^W\//);
    expect(head.text ?? '').toBe('');
  });

  // Only a broken database gets there (zones are checked on the way in); the VTIMEZONE of an
  // unknown zone fails in the first chunk, before the answer has started.
  it('answers a feed that fails at its start with the usual error, not a cut-off calendar', async () => {
    await insertEvents(t, 'Mars/Olympus_Mons', EVENTS + 1, EVENTS + 1);
    for (const file of ['calendar.ics', 'calendar.xml']) {
      const res = await t.http.get(`/${file}`);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error; the log has the details' } });
    }
  });
});
