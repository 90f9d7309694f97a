import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, PUBLIC_URL, type TestApp } from '../support/test-app.js';
import { expandEvent, parseFeed } from './ical-parse.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

const Y = new Date().getUTCFullYear() + 1;

// The last Sunday of a month in year Y (when Europe/Berlin changes its clocks).
function lastSunday(month: number): number {
  const d = new Date(Date.UTC(Y, month, 0));
  return d.getUTCDate() - d.getUTCDay();
}

// The first Tuesday on or after a day of year Y, as YYYY-MM-DD.
function tuesday(month: number, day: number): string {
  const d = new Date(Date.UTC(Y, month - 1, day));
  d.setUTCDate(d.getUTCDate() + ((2 - d.getUTCDay() + 7) % 7));
  return d.toISOString().slice(0, 10);
}
const FIRST = tuesday(3, 1);
const EXDATE = tuesday(4, 1);
const MOVED = tuesday(4, 8);
const CANCELLED = tuesday(4, 15);
const LAST = tuesday(11, 10);
const nextDay = (d: string) => new Date(Date.parse(`${d}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const compact = (d: string) => d.replace(/-/g, '');

describe('calendar feeds', () => {
  let t: TestApp;
  let rosa: Agent;
  let helper: Agent;
  let room: number;

  beforeAll(async () => {
    t = await createTestApp();
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg' });
    helper = await loginAs(t, 'helper');
    const place = await helper.post('/api/locations').send({ name: 'Werkstatt' });
    room = (await helper.post('/api/calendar/resources').send({ locationId: place.body.id })).body.id;
    // Weekly on Tuesdays 19:00 Berlin, from mid-March to mid-November: across both clock changes.
    const weekly = await rosa.post('/api/events').send({
      title: 'Offener Abend; mit Löten, Kaffee \\ Mate',
      description: 'Jeden Dienstag.\nAlle willkommen, auch Gäste.',
      start: `${FIRST}T19:00`,
      end: `${FIRST}T22:00`,
      rrule: `FREQ=WEEKLY;BYDAY=TU;UNTIL=${compact(LAST)}`,
      exdates: [EXDATE],
      resourceIds: [room],
    });
    expect(weekly.status, JSON.stringify(weekly.body)).toBe(201);
    const secret = await rosa.post('/api/events').send({
      title: 'Mitgliederversammlung',
      visibility: 'members',
      start: `${Y}-06-01T18:00`,
      end: `${Y}-06-01T20:00`,
    });
    expect(secret.status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('publishes an RFC 5545 calendar that ical.js reads: VTIMEZONE, CRLF, folding, escaping', async () => {
    const res = await t.http.get('/calendar.ics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = res.text;
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2.0\r\n/);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n');
    expect(text).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT60M');
    expect(text).toContain('X-PUBLISHED-TTL:PT60M');
    expect(text).toContain('SUMMARY:Offener Abend\\; mit Löten\\, Kaffee \\\\ Mate');
    expect(text).toContain(`DTSTART;TZID=Europe/Berlin:${compact(FIRST)}T190000`);
    expect(text).not.toContain('Mitgliederversammlung');

    const { events, root } = parseFeed(text);
    expect(root.getFirstPropertyValue('x-wr-calname')).toBe('allmende');
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.summary).toBe('Offener Abend; mit Löten, Kaffee \\ Mate');
    expect(event.description).toBe('Jeden Dienstag.\nAlle willkommen, auch Gäste.');
    expect(event.location).toBe('Werkstatt');
    expect(event.component.getFirstPropertyValue('url')).toMatch(new RegExp(`^${PUBLIC_URL}/events/offener-abend`));
  });

  it('expands the weekly 19:00 to 19:00 Berlin time on both sides of both clock changes', async () => {
    const { events } = parseFeed((await t.http.get('/calendar.ics')).text);
    const all = expandEvent(events[0]!, 'Europe/Berlin', 100);
    // Every occurrence at 19:00 local; in UTC 18:00 in winter, 17:00 in summer.
    expect(new Set(all.map((o) => o.local.slice(11)))).toEqual(new Set(['19:00']));
    const march = lastSunday(3);
    const october = lastSunday(10);
    const before = all.filter((o) => o.local < `${Y}-03-${march}`);
    const summer = all.filter((o) => o.local > `${Y}-03-${march}` && o.local < `${Y}-10-${october}`);
    const after = all.filter((o) => o.local > `${Y}-10-${october}`);
    expect(before.length).toBeGreaterThan(0);
    expect(summer.length).toBeGreaterThan(20);
    expect(after.length).toBeGreaterThan(0);
    for (const o of [...before, ...after]) expect(o.utc.slice(11, 16)).toBe('18:00');
    for (const o of summer) expect(o.utc.slice(11, 16)).toBe('17:00');
    // The EXDATE leaves out a Tuesday in April; UNTIL ends the series in November.
    expect(all.map((o) => o.local.slice(0, 10))).toContain(FIRST);
    expect(all.map((o) => o.local.slice(0, 10))).not.toContain(EXDATE);
    expect(all[all.length - 1]!.local.slice(0, 10)).toBe(LAST);
  });

  it('keeps UID and gives RECURRENCE-ID to a moved occurrence, and marks a cancelled one', async () => {
    const before = parseFeed((await t.http.get('/calendar.ics')).text).events[0]!;
    const seq0 = before.sequence;
    const event = (await rosa.get('/api/events/offener-abend-mit-loeten-kaffee-mate')).body;
    // 19:00 Berlin in April (summer time) is 17:00 UTC.
    const rid = `${MOVED}T17:00:00.000Z`;
    const to = nextDay(MOVED);
    const moved = await rosa.put(`/api/events/${event.slug}/occurrences/${rid}`).send({ start: `${to}T20:00` });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.overrides).toEqual([
      { recurrenceId: rid, cancelled: false, start: `${to}T20:00:00`, end: `${to}T23:00:00` },
    ]);
    const cancelled = await rosa
      .put(`/api/events/${event.slug}/occurrences/${CANCELLED}T17:00:00.000Z`)
      .send({ cancelled: true });
    expect(cancelled.status).toBe(200);

    const text = (await t.http.get('/calendar.ics')).text;
    const { vevents, events } = parseFeed(text);
    const uids = new Set(vevents.map((v) => v.getFirstPropertyValue('uid')));
    expect(uids.size).toBe(1);
    expect(text).toContain(`RECURRENCE-ID;TZID=Europe/Berlin:${compact(MOVED)}T190000`);
    expect(text).toContain(`RECURRENCE-ID;TZID=Europe/Berlin:${compact(CANCELLED)}T190000`);
    expect(events[0]!.sequence).toBeGreaterThan(seq0);
    const occ = expandEvent(events[0]!, 'Europe/Berlin', 100);
    expect(occ.map((o) => o.local)).toContain(`${to} 20:00`);
    expect(occ.map((o) => o.local)).not.toContain(`${MOVED} 19:00`);
    expect(occ.find((o) => o.local === `${CANCELLED} 19:00`)?.status).toBe('CANCELLED');
    // The room follows the move (free on the Tuesday, taken the day after at 20:00) and is
    // free on the cancelled Tuesday.
    const busy = await rosa.get(`/api/calendar/resources/${room}/availability?from=${MOVED}&to=${CANCELLED}`);
    expect(busy.body.busy.map((b: { start: string }) => b.start)).toEqual([`${to}T18:00:00.000Z`]);
  });

  it('answers 304 to If-None-Match and If-Modified-Since, and 200 again after a change', async () => {
    const first = await t.http.get('/calendar.ics');
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=3600');
    const again = await t.http.get('/calendar.ics').set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    const since = await t.http.get('/calendar.ics').set('If-Modified-Since', lastModified);
    expect(since.status).toBe(304);
    // The same bytes for the same validator.
    expect((await t.http.get('/calendar.ics')).text).toBe(first.text);
    await rosa.patch('/api/events/offener-abend-mit-loeten-kaffee-mate').send({ title: 'Offener Abend' });
    const changed = await t.http.get('/calendar.ics').set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    // Renaming a room changes the feeds' LOCATION, so their tag too.
    const etag2 = changed.headers.etag as string;
    expect((await helper.patch(`/api/calendar/resources/${room}`).send({ name: 'Werkstatt 1' })).status).toBe(200);
    const renamed = await t.http.get('/calendar.ics').set('If-None-Match', etag2);
    expect(renamed.status).toBe(200);
    expect(renamed.text).toContain('LOCATION:Werkstatt 1');
  });

  it('serves xCal and Atom of the same events', async () => {
    const xml = await t.http.get('/calendar.xml');
    expect(xml.status).toBe(200);
    expect(xml.headers['content-type']).toBe('application/calendar+xml; charset=utf-8');
    expect(xml.text).toContain('<icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0">');
    expect(xml.text).toContain(
      `<dtstart><parameters><tzid><text>Europe/Berlin</text></tzid></parameters><date-time>${FIRST}T19:00:00</date-time></dtstart>`,
    );
    expect(xml.text).toContain('<rrule><recur><freq>WEEKLY</freq>');
    const atom = await t.http.get('/calendar.atom');
    expect(atom.status).toBe(200);
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(atom.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
  });

  it("gives members a private link to members' events and their own, and a revoked link shows nothing", async () => {
    const issued = await rosa.post('/api/calendar/feed-token');
    expect(issued.status).toBe(201);
    expect(issued.body.calendar.webcal).toMatch(/^webcal:\/\/allmende\.test\/calendar\/private\/cal_/);
    const path = new URL(issued.body.calendar.https).pathname;
    const feed = await t.http.get(path);
    expect(feed.status).toBe(200);
    expect(feed.headers['cache-control']).toBe('private, max-age=3600');
    expect(feed.text).toContain('SUMMARY:Mitgliederversammlung');
    const mine = await t.http.get(new URL(issued.body.mine.https).pathname);
    expect(mine.status).toBe(200);
    expect(
      parseFeed(mine.text)
        .events.map((e) => e.summary)
        .sort(),
    ).toEqual(['Mitgliederversammlung', 'Offener Abend']);
    // A new link revokes the old one; revoking the new one leaves none.
    const second = await rosa.post('/api/calendar/feed-token');
    expect((await t.http.get(path)).status).toBe(404);
    expect((await rosa.delete('/api/calendar/feed-token')).body).toEqual({ revoked: 1 });
    const revoked = await t.http.get(new URL(second.body.calendar.https).pathname);
    expect(revoked.status).toBe(404);
    expect(revoked.text).not.toContain('VCALENDAR');
    expect((await t.http.get('/calendar/private/cal_nonsense/calendar.ics')).status).toBe(404);
  });

  it('has a feed per room', async () => {
    const res = await t.http.get(`/calendar/resources/${room}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(parseFeed(res.text).events).toHaveLength(1);
    expect((await t.http.get(`/calendar/resources/999999/calendar.ics`)).status).toBe(404);
  });
});
