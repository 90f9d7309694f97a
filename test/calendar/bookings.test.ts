import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

// Next year's dates, so every booking is ahead of "now" whenever the tests run.
const Y = new Date().getUTCFullYear() + 1;

describe('events and bookings', () => {
  let t: TestApp;
  let helper: Agent;
  let rosa: Agent;
  let karl: Agent;
  let room: number;
  let beamer: number;

  beforeAll(async () => {
    t = await createTestApp();
    helper = await loginAs(t, 'helper');
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg' });
    karl = await loginAs(t, 'member', { firstName: 'Karl', lastName: 'Liebknecht' });
    const place = await helper.post('/api/locations').send({ name: 'Vortragsraum' });
    expect(place.status).toBe(201);
    const r = await helper.post('/api/calendar/resources').send({ locationId: place.body.id });
    expect(r.status).toBe(201);
    room = r.body.id;
    await helper.post('/api/things').send({ name: 'Beamer', slug: 'beamer' });
    const b = await helper.post('/api/calendar/resources').send({ thing: 'beamer' });
    expect(b.status).toBe(201);
    beamer = b.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates an event with a slug, a UID and its room booked', async () => {
    const res = await rosa.post('/api/events').send({
      title: 'Cocktailparty',
      start: `${Y}-03-24T19:00`,
      end: `${Y}-03-24T23:00`,
      resourceIds: [room],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      slug: 'cocktailparty',
      timeZone: 'Europe/Berlin',
      start: `${Y}-03-24T19:00:00`,
      end: `${Y}-03-24T23:00:00`,
      startsAt: `${Y}-03-24T18:00:00.000Z`,
      sequence: 0,
      status: 'confirmed',
      responsible: { name: 'Rosa Luxemburg' },
      editable: true,
    });
    expect(res.body.uid).toMatch(/@allmende\.test$/);
    const busy = await karl.get(`/api/calendar/resources/${room}/availability?from=${Y}-03-23&to=${Y}-03-25`);
    expect(busy.status).toBe(200);
    expect(busy.body.busy).toEqual([
      {
        start: `${Y}-03-24T18:00:00.000Z`,
        end: `${Y}-03-24T22:00:00.000Z`,
        event: { slug: 'cocktailparty', title: 'Cocktailparty' },
      },
    ]);
  });

  it('refuses a second booking of the room at an overlapping time, naming the other event', async () => {
    const res = await karl.post('/api/events').send({
      title: 'Plenum',
      start: `${Y}-03-24T22:00`,
      end: `${Y}-03-24T23:30`,
      resourceIds: [room],
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.error.message).toContain('"Cocktailparty" (/events/cocktailparty)');
    expect(res.body.error.message).toContain(`${Y}-03-24 19:00`);
    // Back to back is fine: the ranges are half-open.
    const after = await karl.post('/api/events').send({
      title: 'Plenum',
      start: `${Y}-03-24T23:00`,
      end: `${Y}-03-24T23:59`,
      resourceIds: [room],
    });
    expect(after.status).toBe(201);
  });

  it('books a single event beyond the horizon too', async () => {
    const far = { start: `${Y + 3}-03-24T19:00`, end: `${Y + 3}-03-24T21:00`, resourceIds: [room] };
    expect((await rosa.post('/api/events').send({ title: 'Jubiläum', ...far })).status).toBe(201);
    const clash = await karl.post('/api/events').send({ title: 'Auch Jubiläum', ...far });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain('"Jubiläum"');
  });

  it('lets exactly one of many racing requests book the room (the database decides)', async () => {
    const body = (title: string) => ({
      title,
      start: `${Y}-05-01T10:00`,
      end: `${Y}-05-01T12:00`,
      resourceIds: [room, beamer],
    });
    // More racers than the connection pool has connections (10): a refused request must not
    // need a second connection to name the winner.
    const agents = [rosa, karl, helper];
    const results = await Promise.all(
      Array.from({ length: 14 }, (_, i) => agents[i % 3]!.post('/api/events').send(body(`Race ${i}`))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(13).fill(409)]);
    const winner = results.find((r) => r.status === 201)?.body.title as string;
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.body.error.message).toContain(`"${winner}"`);
    }
    const [row] = await t.orm.em
      .fork()
      .execute<{ n: number }[]>(
        'select count(*)::int as n from booking where during && tstzrange(?, ?) and resource_id = ?',
        [`${Y}-05-01T08:00:00Z`, `${Y}-05-01T10:00:00Z`, room],
      );
    expect(row?.n).toBe(1);
  });
});
