import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, type TestApp } from '../support/test-app.js';
import { expandEvent, parseFeed } from './ical-parse.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

const Y = new Date().getUTCFullYear() + 1;

// The k-th Tuesday from the first one in May of year Y (summer time all along: 19:00 Berlin is
// 17:00 UTC), as YYYY-MM-DD.
function tuesday(k: number): string {
  const d = new Date(Date.UTC(Y, 4, 1));
  d.setUTCDate(d.getUTCDate() + ((2 - d.getUTCDay() + 7) % 7) + 7 * k);
  return d.toISOString().slice(0, 10);
}
const plus = (day: string, n: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const rid = (day: string, hour: number) => `${day}T${String(hour - 2).padStart(2, '0')}:00:00.000Z`;

describe('changing events: slug, responsible member, series with moved dates', () => {
  let t: TestApp;
  let helper: Agent;
  let rosa: Agent;
  let karl: Agent;
  let room: number;

  beforeAll(async () => {
    t = await createTestApp();
    helper = await loginAs(t, 'helper');
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg' });
    karl = await loginAs(t, 'member', { firstName: 'Karl', lastName: 'Liebknecht' });
    const place = await helper.post('/api/locations').send({ name: 'Vortragsraum' });
    room = (await helper.post('/api/calendar/resources').send({ locationId: place.body.id })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('changes the slug as checked at creation; the UID stays, so feeds keep the event', async () => {
    await karl.post('/api/events').send({ title: 'Cocktailparty', start: `${Y}-03-24T19:00`, end: `${Y}-03-24T23:00` });
    const created = await rosa
      .post('/api/events')
      .send({ title: 'Lesekreis', start: `${Y}-03-26T19:00`, end: `${Y}-03-26T21:00` });
    expect(created.status).toBe(201);
    const uid = created.body.uid as string;

    const taken = await rosa.patch('/api/events/lesekreis').send({ slug: 'cocktailparty' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.fields).toEqual([{ field: 'slug', message: 'already used by "Cocktailparty"' }]);
    for (const bad of ['Lese Kreis', '-lesekreis', '2342', 'x'.repeat(65)]) {
      const res = await rosa.patch('/api/events/lesekreis').send({ slug: bad });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.fields[0].field).toBe('slug');
    }
    // Unchanged after the refusals.
    expect((await rosa.get('/api/events/lesekreis')).body).toMatchObject({ slug: 'lesekreis', uid, sequence: 0 });

    const renamed = await rosa.patch('/api/events/lesekreis').send({ slug: 'lesekreis-maerz' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({
      slug: 'lesekreis-maerz',
      uid,
      url: 'http://allmende.test/events/lesekreis-maerz',
    });
    expect(renamed.body.droppedOccurrences).toEqual([]);
    // The old address still finds the event, under its current slug.
    expect((await rosa.get('/api/events/lesekreis')).body).toMatchObject({ slug: 'lesekreis-maerz', uid });

    const { events } = parseFeed((await t.http.get('/calendar.ics')).text);
    const inFeed = events.find((e) => e.summary === 'Lesekreis');
    expect(inFeed?.uid).toBe(uid);
    expect(inFeed?.component.getFirstPropertyValue('url')).toBe('http://allmende.test/events/lesekreis-maerz');
  });

  it('keeps former slugs: they find the event and stay its own until it is deleted', async () => {
    const created = await rosa
      .post('/api/events')
      .send({ title: 'Grillen', slug: 'grillen-a', start: `${Y}-07-04T17:00`, end: `${Y}-07-04T22:00` });
    const uid = created.body.uid as string;
    expect((await rosa.patch('/api/events/grillen-a').send({ slug: 'grillen-b' })).status).toBe(200);
    expect((await rosa.patch('/api/events/grillen-b').send({ slug: 'grillen-c' })).status).toBe(200);
    // Both old addresses answer the event itself, with its current slug and address.
    for (const old of ['grillen-a', 'grillen-b']) {
      const res = await t.http.get(`/api/events/${old}`);
      expect(res.status, old).toBe(200);
      expect(res.body).toMatchObject({ slug: 'grillen-c', uid, url: 'http://allmende.test/events/grillen-c' });
    }
    // A change through an old address changes the same event.
    const retitled = await rosa.patch('/api/events/grillen-a').send({ title: 'Grillen am See' });
    expect(retitled.body).toMatchObject({ slug: 'grillen-c', title: 'Grillen am See', uid });

    // Nobody else takes a former slug: not at creation, not with a new slug; a made-up slug skips it.
    const taken = [{ field: 'slug', message: 'already used by "Grillen am See"' }];
    const other = { start: `${Y}-07-11T17:00`, end: `${Y}-07-11T22:00` };
    const refused = await karl.post('/api/events').send({ title: 'Anderes', slug: 'grillen-a', ...other });
    expect(refused.status).toBe(409);
    expect(refused.body.error.fields).toEqual(taken);
    const karls = await karl.post('/api/events').send({ title: 'Grillen B', ...other });
    expect(karls.body.slug).toBe('grillen-b-2');
    const renamed = await karl.patch('/api/events/grillen-b-2').send({ slug: 'grillen-b' });
    expect(renamed.status).toBe(409);
    expect(renamed.body.error.fields).toEqual(taken);

    // The event itself goes back to one: it is simply current again, the others still lead to it.
    const back = await rosa.patch('/api/events/grillen-c').send({ slug: 'grillen-a' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body).toMatchObject({ slug: 'grillen-a', uid });
    for (const old of ['grillen-b', 'grillen-c']) {
      expect((await t.http.get(`/api/events/${old}`)).body.slug, old).toBe('grillen-a');
    }
    const former = await t.orm.em
      .fork()
      .execute('select slug from calendar_event_former_slug where slug like ? order by slug', ['grillen-%']);
    expect(former).toEqual([{ slug: 'grillen-b' }, { slug: 'grillen-c' }]);

    // Deleting the event frees all its addresses.
    expect((await rosa.delete('/api/events/grillen-b')).status).toBe(204);
    for (const slug of ['grillen-a', 'grillen-b', 'grillen-c']) {
      expect((await t.http.get(`/api/events/${slug}`)).status, slug).toBe(404);
    }
    expect((await karl.patch('/api/events/grillen-b-2').send({ slug: 'grillen-b' })).status).toBe(200);
    const again = await karl.post('/api/events').send({ title: 'Grillen', slug: 'grillen-a', ...other });
    expect(again.status).toBe(201);
    expect(again.body.uid).not.toBe(uid);
  });

  it('hands an event over: helpers to any active member, members keep themselves', async () => {
    await rosa.post('/api/events').send({ title: 'Werkstatttag', start: `${Y}-04-02T10:00`, end: `${Y}-04-02T16:00` });
    // A plain member does not name someone else, also not for an event they are responsible for.
    const refused = await rosa.patch('/api/events/werkstatttag').send({ responsibleId: karl.member.id });
    expect(refused.status).toBe(403);
    expect((await rosa.get('/api/events/werkstatttag')).body.responsible.name).toBe('Rosa Luxemburg');
    // Keeping oneself is no change.
    const kept = await rosa
      .patch('/api/events/werkstatttag')
      .send({ responsibleId: rosa.member.id, title: 'Werkstatt' });
    expect(kept.status).toBe(200);

    // Only active members: an invited one (who cannot log in yet) is refused.
    const invited = await makeMember(t, { firstName: 'Clara', lastName: 'Zetkin' });
    const notActive = await helper.patch('/api/events/werkstatttag').send({ responsibleId: invited.id });
    expect(notActive.status).toBe(400);
    expect(notActive.body.error.fields).toEqual([
      { field: 'responsibleId', message: `there is no active member ${invited.id}` },
    ]);

    const handed = await helper.patch('/api/events/werkstatttag').send({ responsibleId: karl.member.id });
    expect(handed.status).toBe(200);
    expect(handed.body.responsible.name).toBe('Karl Liebknecht');
    // Karl is responsible now, and changes it; Rosa made it, and may still change it while Karl
    // stays named, but not hand it to someone else.
    expect((await karl.patch('/api/events/werkstatttag').send({ title: 'Werkstatttag' })).status).toBe(200);
    const byCreator = await rosa
      .patch('/api/events/werkstatttag')
      .send({ responsibleId: karl.member.id, description: 'Mit Kaffee' });
    expect(byCreator.status).toBe(200);
    expect((await karl.patch('/api/events/werkstatttag').send({ responsibleId: helper.member.id })).status).toBe(403);
    expect((await rosa.get('/api/events/werkstatttag')).body.responsible.name).toBe('Karl Liebknecht');
  });

  it('keeps moved and cancelled dates still in a changed series, drops and reports the others', async () => {
    // Weekly on Tuesdays 19:00–21:00, six times, in the room.
    const created = await rosa.post('/api/events').send({
      title: 'Plenum',
      start: `${tuesday(0)}T19:00`,
      end: `${tuesday(0)}T21:00`,
      rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6',
      resourceIds: [room],
    });
    expect(created.status).toBe(201);
    const uid = created.body.uid as string;
    // The second to Wednesday, the third to Thursday, the fifth cancelled.
    const wednesday = plus(tuesday(1), 1);
    const thursday = plus(tuesday(2), 2);
    for (const [day, body] of [
      [tuesday(1), { start: `${wednesday}T18:00`, end: `${wednesday}T20:00` }],
      [tuesday(2), { start: `${thursday}T18:00`, end: `${thursday}T20:00` }],
      [tuesday(4), { cancelled: true }],
    ] as const) {
      const res = await rosa.put(`/api/events/plenum/occurrences/${rid(day, 19)}`).send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }

    // Every other Tuesday from 20:00: weeks 0, 2 and 4 stay in the series, week 1 does not.
    const changed = await rosa.patch('/api/events/plenum').send({
      start: `${tuesday(0)}T20:00`,
      end: `${tuesday(0)}T22:00`,
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.droppedOccurrences).toEqual([
      { recurrenceId: rid(tuesday(1), 19), date: tuesday(1), cancelled: false },
    ]);
    // The kept ones are keyed by the new 20:00 starts of their dates; the moved one keeps its time.
    expect(changed.body.overrides).toEqual([
      {
        recurrenceId: rid(tuesday(2), 20),
        cancelled: false,
        start: `${thursday}T18:00:00`,
        end: `${thursday}T20:00:00`,
      },
      {
        recurrenceId: rid(tuesday(4), 20),
        cancelled: true,
        start: `${tuesday(4)}T20:00:00`,
        end: `${tuesday(4)}T22:00:00`,
      },
    ]);

    // Booked as shown: week 0 at 20:00, Thursday of week 2 at 18:00, nothing on the dropped
    // Wednesday, nor on the cancelled Tuesday.
    const busy = await rosa.get(
      `/api/calendar/resources/${room}/availability?from=${tuesday(0)}&to=${plus(tuesday(4), 1)}`,
    );
    expect(busy.body.busy.map((b: { start: string }) => b.start)).toEqual([
      `${tuesday(0)}T18:00:00.000Z`,
      `${thursday}T16:00:00.000Z`,
    ]);

    // A calendar program sees the same: one UID, the move, the cancellation.
    const { events } = parseFeed((await t.http.get('/calendar.ics')).text);
    const plenum = events.find((e) => e.uid === uid)!;
    const occ = expandEvent(plenum, 'Europe/Berlin', 10);
    expect(occ.map((o) => [o.local, o.status])).toEqual([
      [`${tuesday(0)} 20:00`, 'CONFIRMED'],
      [`${thursday} 18:00`, 'CONFIRMED'],
      [`${tuesday(4)} 20:00`, 'CANCELLED'],
    ]);
  });

  it('refuses a series change whose new times clash, naming the other event, and changes nothing', async () => {
    await rosa.post('/api/events').send({
      title: 'Chor',
      start: `${tuesday(10)}T17:00`,
      end: `${tuesday(10)}T18:00`,
      rrule: 'FREQ=WEEKLY;COUNT=4',
      resourceIds: [room],
    });
    const moved = await rosa
      .put(`/api/events/chor/occurrences/${rid(tuesday(11), 17)}`)
      .send({ start: `${plus(tuesday(11), 1)}T17:00`, end: `${plus(tuesday(11), 1)}T18:00` });
    expect(moved.status).toBe(200);
    await karl.post('/api/events').send({
      title: 'Lesung',
      start: `${tuesday(12)}T18:00`,
      end: `${tuesday(12)}T19:00`,
      resourceIds: [room],
    });
    const before = (await rosa.get('/api/events/chor')).body;
    const busyBefore = (
      await rosa.get(`/api/calendar/resources/${room}/availability?from=${tuesday(10)}&to=${tuesday(13)}`)
    ).body.busy;

    const clash = await rosa
      .patch('/api/events/chor')
      .send({ start: `${tuesday(10)}T18:00`, end: `${tuesday(10)}T19:30` });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain('"Lesung" (/events/lesung)');

    const after = (await rosa.get('/api/events/chor')).body;
    expect(after).toMatchObject({ start: before.start, sequence: before.sequence, version: before.version });
    expect(after.overrides).toEqual(before.overrides);
    const busyAfter = (
      await rosa.get(`/api/calendar/resources/${room}/availability?from=${tuesday(10)}&to=${tuesday(13)}`)
    ).body.busy;
    expect(busyAfter).toEqual(busyBefore);
  });
});
