import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

const Y = new Date().getUTCFullYear() + 1;
const today = new Date().toISOString().slice(0, 10);

describe('calendar: bad input, roles and things on loan', () => {
  let t: TestApp;
  let helper: Agent;
  let rosa: Agent;
  let karl: Agent;
  let room: number;
  let drill: number;

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_CALENDAR_HORIZON_MONTHS: '18' });
    helper = await loginAs(t, 'helper');
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg' });
    karl = await loginAs(t, 'member', { firstName: 'Karl', lastName: 'Liebknecht' });
    const place = await helper.post('/api/locations').send({ name: 'Holzwerkstatt' });
    room = (await helper.post('/api/calendar/resources').send({ locationId: place.body.id })).body.id;
    await helper.post('/api/things').send({ name: 'Bohrmaschine', slug: 'bohrer' });
    drill = (await helper.post('/api/calendar/resources').send({ thing: 'bohrer' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const event = (over: Record<string, unknown> = {}) => ({
    title: 'Workshop',
    start: `${Y}-06-02T18:00`,
    end: `${Y}-06-02T20:00`,
    ...over,
  });

  it.each([
    ['end before start', { end: `${Y}-06-02T17:00` }, 'end', 'must be after the start'],
    ['unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone', 'unknown time zone'],
    ['an offset instead of a zone', { timeZone: '+02:00' }, 'timeZone', 'unknown time zone'],
    ['invalid RRULE', { rrule: 'FREQ=WEEKLY;BYDAY=XX' }, 'rrule', 'BYDAY'],
    ['RRULE that is not one', { rrule: 'jeden Dienstag' }, 'rrule', 'KEY=VALUE'],
    ['COUNT=0', { rrule: 'FREQ=DAILY;COUNT=0' }, 'rrule', 'COUNT'],
    ['UNTIL before start', { rrule: `FREQ=DAILY;UNTIL=${Y - 2}0101` }, 'rrule', 'UNTIL is before the start'],
    ['hourly rule', { rrule: 'FREQ=HOURLY' }, 'rrule', 'FREQ must be'],
    ['oversize title', { title: 'x'.repeat(201) }, 'title', 'at most 200'],
    ['control characters', { title: 'a\u0000b' }, 'title', 'control characters'],
    ['oversize description', { description: 'x'.repeat(10_001) }, 'description', 'at most 10000'],
    ['not a date', { start: 'morgen' }, 'start', 'local time'],
    ['a day that does not exist', { start: `${Y}-02-30T18:00` }, 'start', 'not a real'],
    ['a slug that is a number', { slug: '2342' }, 'slug', 'must not be a number'],
    ['a month-long event', { end: `${Y}-07-10T20:00` }, 'end', 'at most 31 days'],
    ['an unknown field', { colour: 'red' }, 'colour', 'unknown field'],
    ['an unknown resource', { resourceIds: [424242] }, 'resourceIds', 'no bookable'],
  ])('refuses %s with 400 naming the field', async (_what, over, field, message) => {
    const res = await rosa.post('/api/events').send(event(over));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const problem = (res.body.error.fields as { field: string; message: string }[]).find((f) => f.field === field);
    expect(problem?.message, JSON.stringify(res.body.error.fields)).toContain(message);
  });

  it('bounds a 10-year daily recurrence by the horizon and answers at once', async () => {
    const res = await rosa.post('/api/events').send({
      title: 'Täglich',
      start: `${today}T07:00`,
      end: `${today}T07:30`,
      rrule: `FREQ=DAILY;UNTIL=${Number(today.slice(0, 4)) + 10}${today.slice(5, 7)}${today.slice(8, 10)}`,
      resourceIds: [room],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [row] = await t.orm.em
      .fork()
      .execute<{ n: number; last: string }[]>(
        'select count(*)::int as n, max(upper(during)) as last from booking b join calendar_event e on e.id = b.event_id where e.slug = ?',
        ['taeglich'],
      );
    // About 18 months of days, not 3,650.
    expect(row?.n).toBeGreaterThan(500);
    expect(row?.n).toBeLessThan(560);
    expect(new Date(row!.last).getTime()).toBeLessThan(Date.now() + 19 * 31 * 86_400_000);
    // The feed has it as one VEVENT with its RRULE.
    const feed = await t.http.get('/calendar.ics');
    expect(feed.text.match(/SUMMARY:Täglich/g)).toHaveLength(1);
    expect(feed.text).toContain('RRULE:FREQ=DAILY;UNTIL=');
  });

  it('refuses occurrences of one series that overlap each other', async () => {
    const res = await rosa
      .post('/api/events')
      .send(event({ title: 'Marathon', end: `${Y}-06-03T20:00`, rrule: 'FREQ=DAILY;COUNT=3', resourceIds: [room] }));
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].message).toContain('overlap each other');
  });

  it('gives a free slug to a second event of the same title, and refuses a taken slug', async () => {
    const a = await rosa.post('/api/events').send(event({ title: 'Repair Café' }));
    const b = await rosa.post('/api/events').send(event({ title: 'Repair Café' }));
    expect([a.body.slug, b.body.slug]).toEqual(['repair-cafe', 'repair-cafe-2']);
    const taken = await karl.post('/api/events').send(event({ title: 'Anders', slug: 'repair-cafe' }));
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain('/events/repair-cafe');
  });

  it('refuses to book a thing that is lent out over the time of the event', async () => {
    const dueOn = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const lent = await karl.post('/api/things/bohrer/loan').send({ dueOn });
    expect(lent.status).toBe(200);
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const res = await rosa
      .post('/api/events')
      .send(event({ title: 'Regal bauen', start: `${soon}T18:00`, end: `${soon}T20:00`, resourceIds: [drill] }));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('"Bohrmaschine" is lent out (to Karl Liebknecht');
    // After its return date it can be booked.
    const later = await rosa.post('/api/events').send(event({ title: 'Regal bauen', resourceIds: [drill] }));
    expect(later.status).toBe(201);
  });

  it('does not lend or extend a loan of a booked thing across its event', async () => {
    // The drill is booked for "Regal bauen" on June 2nd (the test above) and lent to Karl.
    const extended = await karl.post('/api/things/bohrer/loan/extend').send({ dueOn: `${Y}-06-02` });
    expect(extended.status).toBe(409);
    expect(extended.body.error.message).toContain('"Regal bauen" (/events/regal-bauen)');
    expect((await karl.post('/api/things/bohrer/return').send({})).status).toBe(200);
    const across = await karl.post('/api/things/bohrer/loan').send({ dueOn: `${Y}-06-03` });
    expect(across.status).toBe(409);
    expect(across.body.error.fields).toEqual([{ field: 'dueOn', message: expect.stringContaining('Regal bauen') }]);
    const before = await karl.post('/api/things/bohrer/loan').send({ dueOn: `${Y}-06-01` });
    expect(before.status).toBe(200);
  });

  it('lets members change their own events only; helpers change anyone’s', async () => {
    const created = await rosa
      .post('/api/events')
      .send(event({ title: 'Rosas Treffen', start: `${Y}-08-01T10:00`, end: `${Y}-08-01T11:00` }));
    expect(created.status).toBe(201);
    const denied = await karl.patch('/api/events/rosas-treffen').send({ title: 'Karls Treffen' });
    expect(denied.status).toBe(403);
    const byHelper = await helper.patch('/api/events/rosas-treffen').send({ status: 'cancelled' });
    expect(byHelper.status).toBe(200);
    expect(byHelper.body).toMatchObject({ status: 'cancelled', sequence: 1, editable: true });
    expect((await karl.get('/api/events/rosas-treffen')).body.editable).toBe(false);
    // Members do not make others responsible; helpers may.
    const other = await karl.post('/api/events').send(event({ title: 'Fremd', responsibleId: rosa.member.id }));
    expect(other.status).toBe(403);
    // Members do not manage resources.
    expect((await karl.post('/api/calendar/resources').send({ thing: 'bohrer' })).status).toBe(403);
    // A stale version is refused.
    const stale = await rosa.patch('/api/events/rosas-treffen').send({ version: 1, title: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_VERSION');
  });

  it('raises SEQUENCE on a change of time or place, not of the title', async () => {
    const created = await rosa
      .post('/api/events')
      .send(event({ title: 'Sequenz', start: `${Y}-09-01T10:00`, end: `${Y}-09-01T11:00` }));
    expect(created.body.sequence).toBe(0);
    const renamed = await rosa.patch('/api/events/sequenz').send({ title: 'Sequenz!' });
    expect(renamed.body.sequence).toBe(0);
    const moved = await rosa.patch('/api/events/sequenz').send({ start: `${Y}-09-01T12:00` });
    expect(moved.body).toMatchObject({ sequence: 1, start: `${Y}-09-01T12:00:00`, end: `${Y}-09-01T13:00:00` });
    const placed = await rosa.patch('/api/events/sequenz').send({ resourceIds: [room] });
    expect(placed.body.sequence).toBe(2);
  });

  it("hides members' events from the public, shows them to members", async () => {
    await rosa
      .post('/api/events')
      .send(event({ title: 'Intern', visibility: 'members', start: `${Y}-10-01T10:00`, end: `${Y}-10-01T11:00` }));
    expect((await t.http.get('/api/events/intern')).status).toBe(404);
    expect((await karl.get('/api/events/intern')).status).toBe(200);
    const publicList = await t.http.get(`/api/events?from=${Y}-10-01&to=${Y}-10-01`);
    expect(publicList.body.map((o: { title: string }) => o.title)).not.toContain('Intern');
    const memberList = await karl.get(`/api/events?from=${Y}-10-01&to=${Y}-10-01`);
    expect(memberList.body.map((o: { title: string }) => o.title)).toContain('Intern');
    expect((await t.http.get(`/api/events?from=${Y}-10-02&to=${Y}-10-01`)).status).toBe(400);
    expect((await t.http.get(`/api/events?from=${Y}-01-01&to=${Y + 2}-01-01`)).status).toBe(400);
  });

  it('refuses to move an occurrence that the series does not have', async () => {
    await rosa
      .post('/api/events')
      .send(
        event({ title: 'Serie', start: `${Y}-11-03T18:00`, end: `${Y}-11-03T19:00`, rrule: 'FREQ=WEEKLY;COUNT=3' }),
      );
    const wrong = await rosa.put(`/api/events/serie/occurrences/${Y}-11-04T17:00:00.000Z`).send({ cancelled: true });
    expect(wrong.status).toBe(404);
    const garbage = await rosa.put('/api/events/serie/occurrences/nonsense').send({ cancelled: true });
    expect(garbage.status).toBe(404);
  });
});
