import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, postForm, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

// A day some days ahead (as YYYY-MM-DD); events are put there so they are in the future.
const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const SCRIPT = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

describe('rooms and events pages', () => {
  let t: TestApp;
  let rosa: Agent;
  let karl: Agent;
  let helper: Agent;
  let board: Agent;
  let placeId: number;
  let room: number;

  beforeAll(async () => {
    t = await createTestApp();
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg' });
    karl = await loginAs(t, 'member', { firstName: 'Karl', lastName: 'Liebknecht' });
    helper = await loginAs(t, 'helper');
    board = await loginAs(t, 'board');
    placeId = (await helper.post('/api/locations').send({ name: 'Vortragsraum' })).body.id;
    await helper.post('/api/locations').send({ name: 'Werkstatt' });
    await helper.post('/api/things').send({ name: 'Lasercutter', slug: 'laser' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows /board/rooms to helpers and the board, a 403 page to members, the login to strangers', async () => {
    const stranger = await t.http.get('/board/rooms').set('Accept', 'text/html');
    expect(stranger.status).toBe(303);
    expect(stranger.headers.location).toBe(`/login?next=${encodeURIComponent('/board/rooms')}`);
    expect((await rosa.page('/board/rooms')).status).toBe(403);
    const post = await rosa.form('/board/rooms', { kind: 'room', locationId: String(placeId) });
    expect(post.status).toBe(403);
    for (const who of [helper, board]) {
      const page = await who.page('/board/rooms');
      expect(page.status).toBe(200);
      expect(page.text).toContain('href="/board/rooms" aria-current="page"');
      expect(page.text).toContain('<label for="locationId">');
      expect(page.text).toContain('<label for="thing">');
    }
    // The board's sub-navigation links it from every board page.
    const dashboard = await helper.page('/board');
    expect(dashboard.text).toMatch(/href="\/board\/rooms">(Räume &amp; Termine|Rooms &amp; events)</);
  });

  it('makes a place and a thing bookable, and says what is wrong', async () => {
    const missing = await helper.form('/board/rooms', { kind: 'room', locationId: '', name: 'Saal' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('id="locationId-error"');
    expect(missing.text).toContain('value="Saal"');
    const tooLong = await helper.form('/board/rooms', {
      kind: 'room',
      locationId: String(placeId),
      name: 'x'.repeat(201),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('id="room-name-error"');
    expect(tooLong.text).toMatch(/200/);

    const ok = await helper.form('/board/rooms', { kind: 'room', locationId: String(placeId) });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/board/rooms?done=room-created');
    const list = await helper.get('/api/calendar/resources');
    room = list.body.find((r: { name: string }) => r.name === 'Vortragsraum').id;
    const again = await helper.form('/board/rooms', { kind: 'room', locationId: String(placeId) });
    expect(again.status).toBe(409);
    expect(again.text).toContain('<small id="locationId-error">dieser Ort oder dieses Ding ist schon buchbar</small>');
    expect(again.text).toContain('id="locationId-error"');

    const unknown = await helper.form('/board/rooms', { kind: 'thing', thing: 'no-such-thing', name: SCRIPT });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('id="thing-error"');
    expect(unknown.text).toContain('value="no-such-thing"');
    expect(unknown.text).toContain(ESCAPED);
    expect(unknown.text).not.toContain(SCRIPT);
    const thing = await board.form('/board/rooms', { kind: 'thing', thing: 'laser', name: `Laser ${SCRIPT}` });
    expect(thing.status).toBe(303);

    const page = await helper.page('/board/rooms?done=room-created');
    expect(page.text).toContain('role="status"');
    expect(page.text).toContain(`href="/rooms/${room}"`);
    expect(page.text).toContain(`Laser ${ESCAPED}`);
    expect(page.text).not.toContain(SCRIPT);
  });

  it('renames a resource and unmarks it unless it is booked', async () => {
    const extra = (await helper.post('/api/locations').send({ name: 'Keller' })).body.id;
    await helper.form('/board/rooms', { kind: 'room', locationId: String(extra) });
    const id = (await helper.get('/api/calendar/resources')).body.find((r: { name: string }) => r.name === 'Keller').id;
    const empty = await helper.form(`/board/rooms/${id}`, { name: '', description: 'unten' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain(`id="name-${id}-error"`);
    expect(empty.text).toContain('value="unten"');
    const renamed = await helper.form(`/board/rooms/${id}`, { name: 'Gewölbekeller', description: '' });
    expect(renamed.status).toBe(303);
    expect((await helper.get(`/api/calendar/resources/${id}`)).body.name).toBe('Gewölbekeller');
    await rosa.post('/api/events').send({
      title: 'Kellerparty',
      start: `${soon(20)}T19:00`,
      end: `${soon(20)}T23:00`,
      resourceIds: [id],
    });
    const refused = await helper.form(`/board/rooms/${id}/remove`, {});
    expect(refused.status).toBe(409);
    expect(refused.text).toMatch(/„[^“]+“ ist ab jetzt noch 1-mal gebucht; verschiebe diese Termine zuerst/);
    await rosa.delete('/api/events/kellerparty');
    const removed = await helper.form(`/board/rooms/${id}/remove`, {});
    expect(removed.status).toBe(303);
    expect((await helper.get(`/api/calendar/resources/${id}`)).status).toBe(404);
  });

  it("shows a room's availability per day with its bookings and feed links", async () => {
    await rosa.post('/api/events').send({
      title: 'Cocktailparty',
      start: `${soon(2)}T19:00`,
      end: `${soon(2)}T23:00`,
      resourceIds: [room],
    });
    await rosa.post('/api/events').send({
      title: 'Geheimtreffen',
      visibility: 'members',
      start: `${soon(3)}T18:00`,
      end: `${soon(3)}T20:00`,
      resourceIds: [room],
    });
    const day = await rosa.page(`/rooms/${room}?date=${soon(2)}`);
    expect(day.status).toBe(200);
    expect(day.text).toContain('19:00–23:00');
    expect(day.text).toContain('href="/events/cocktailparty"');
    expect(day.text).toContain(`href="webcal://allmende.test/calendar/resources/${room}/calendar.ics"`);
    expect(day.text).toContain(`http://allmende.test/calendar/resources/${room}/calendar.ics`);
    expect(day.text).toContain('<label for="date">');
    expect(day.text).toContain('<label for="week">');
    // A week from today: both bookings; a stranger sees that the room is busy, not the members' title.
    const week = await rosa.page(`/rooms/${room}`);
    expect(week.text).toContain('Geheimtreffen');
    expect(week.text.match(/<li><strong><time/g)).toHaveLength(7);
    const stranger = await t.http.get(`/rooms/${room}`).set('Accept', 'text/html').set('Accept-Language', 'en');
    expect(stranger.status).toBe(200);
    expect(stranger.text).toContain('Cocktailparty');
    expect(stranger.text).not.toContain('Geheimtreffen');
    expect(stranger.text).toContain('busy (a members&#39; event)');
    const bad = await rosa.page(`/rooms/${room}?date=2026-13-45`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="date-error"');
    const missing = await rosa.page('/rooms/99999');
    expect(missing.status).toBe(404);
  });

  it('lets the responsible member and helpers edit an event, nobody else', async () => {
    const path = '/events/cocktailparty/edit';
    const stranger = await t.http.get(path).set('Accept', 'text/html');
    expect(stranger.status).toBe(303);
    expect(stranger.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    expect((await karl.page(path)).status).toBe(403);
    expect((await karl.form(path, { title: 'Übernommen' })).status).toBe(403);
    for (const who of [rosa, helper, board]) {
      const page = await who.page(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('value="Cocktailparty"');
      expect(page.text).toContain(`value="${soon(2)}T19:00"`);
      expect(page.text).toContain('<option value="Europe/Berlin" selected>');
      expect(page.text).toMatch(new RegExp(`id="resource-${room}" name="resourceIds" value="${room}" checked`));
    }
    const event = await rosa.page('/events/cocktailparty');
    expect(event.text).toContain('href="/events/cocktailparty/edit"');
    expect((await karl.page('/events/cocktailparty')).text).not.toContain('/edit"');
  });

  it('saves an edit, also to an all-day event, and escapes what was typed', async () => {
    await rosa.post('/api/events').send({ title: 'Sommerfest', start: `${soon(30)}T15:00`, end: `${soon(30)}T22:00` });
    const version = (await rosa.get('/api/events/sommerfest')).body.version;
    const saved = await rosa.form('/events/sommerfest/edit', {
      version: String(version),
      title: `Sommerfest ${SCRIPT}`,
      description: `Mit Grill ${SCRIPT}`,
      allDay: 'on',
      startDate: soon(30),
      endDate: soon(31),
      timeZone: 'Europe/Vienna',
      visibility: 'members',
      status: 'tentative',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/events/sommerfest?done=saved');
    const api = (await rosa.get('/api/events/sommerfest')).body;
    expect(api).toMatchObject({
      title: `Sommerfest ${SCRIPT}`,
      allDay: true,
      start: soon(30),
      end: soon(31),
      timeZone: 'Europe/Vienna',
      visibility: 'members',
      status: 'tentative',
    });
    const page = await rosa.page('/events/sommerfest?done=saved');
    expect(page.text).toContain('role="status"');
    expect(page.text).toContain(`Sommerfest ${ESCAPED}`);
    expect(page.text).toContain(`Mit Grill ${ESCAPED}`);
    expect(page.text).not.toContain(SCRIPT);
    const form = await rosa.page('/events/sommerfest/edit');
    expect(form.text).toContain(`id="startDate" name="startDate" value="${soon(30)}"`);
    expect(form.text).toMatch(/id="allDay" name="allDay" checked/);
    expect(form.text).not.toContain(SCRIPT);

    // Back to a timed event, cancelled.
    const timed = await helper.form('/events/sommerfest/edit', {
      title: 'Sommerfest',
      start: `${soon(30)}T14:00`,
      end: `${soon(30)}T20:00`,
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      status: 'cancelled',
    });
    expect(timed.status).toBe(303);
    expect((await rosa.get('/api/events/sommerfest')).body).toMatchObject({
      allDay: false,
      start: `${soon(30)}T14:00:00`,
      status: 'cancelled',
      description: null,
    });
  });

  it('shows bad input next to the fields and keeps what was typed', async () => {
    const base = { title: 'Cocktailparty', timeZone: 'Europe/Berlin', visibility: 'public', status: 'confirmed' };
    const backwards = await rosa.form('/events/cocktailparty/edit', {
      ...base,
      description: 'neu',
      start: `${soon(2)}T19:00`,
      end: `${soon(2)}T18:00`,
      resourceIds: String(room),
    });
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain('id="end-error"');
    expect(backwards.text).toContain('muss nach dem Beginn liegen');
    expect(backwards.text).toContain(`value="${soon(2)}T18:00"`);
    expect(backwards.text).toContain('>neu</textarea>');

    const noTitle = await rosa.form('/events/cocktailparty/edit', {
      ...base,
      title: '',
      start: `${soon(2)}T19:00`,
      end: `${soon(2)}T23:00`,
    });
    expect(noTitle.status).toBe(400);
    expect(noTitle.text).toContain('id="title-error"');

    const tooLong = await rosa.form('/events/cocktailparty/edit', {
      ...base,
      title: 'x'.repeat(201),
      description: `${SCRIPT}${'y'.repeat(10_001)}`,
      start: `${soon(2)}T19:00`,
      end: `${soon(2)}T23:00`,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('id="title-error"');
    expect(tooLong.text).toContain('id="description-error"');
    expect(tooLong.text).not.toContain(SCRIPT);

    const allDayBackwards = await rosa.form('/events/cocktailparty/edit', {
      ...base,
      allDay: 'on',
      startDate: soon(5),
      endDate: soon(4),
    });
    expect(allDayBackwards.status).toBe(400);
    expect(allDayBackwards.text).toContain('id="endDate-error"');
    expect(allDayBackwards.text).toContain(`value="${soon(4)}"`);

    const badZone = await rosa.form('/events/cocktailparty/edit', {
      ...base,
      timeZone: 'Mars/Olympus',
      start: `${soon(2)}T19:00`,
      end: `${soon(2)}T23:00`,
    });
    expect(badZone.status).toBe(400);
    expect(badZone.text).toContain('id="timeZone-error"');
    expect(badZone.text).toContain('<option value="Mars/Olympus" selected>');
    // Nothing of it was saved.
    expect((await rosa.get('/api/events/cocktailparty')).body).toMatchObject({
      title: 'Cocktailparty',
      start: `${soon(2)}T19:00:00`,
      description: null,
    });
  });

  it('refuses a stale edit and a form from another origin', async () => {
    // The Sommerfest was changed twice above: a form loaded before that is out of date.
    expect((await rosa.get('/api/events/sommerfest')).body.version).toBeGreaterThan(1);
    const stale = await rosa.form('/events/sommerfest/edit', {
      title: 'Alte Fassung',
      start: `${soon(30)}T15:00`,
      end: `${soon(30)}T22:00`,
      version: '1',
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('value="Alte Fassung"');
    expect(stale.text).toMatch(/Lade die Seite neu|Reload the page/);
    const foreign = await postForm(
      t,
      '/board/rooms',
      { kind: 'room', locationId: String(placeId) },
      {
        cookie: helper.cookie,
        origin: 'https://evil.example',
      },
    );
    expect(foreign.status).toBe(403);
    const redirect = await helper.page(`/board/rooms/${room}`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`/rooms/${room}`);
  });

  it('shows a clash at the rooms, naming the other event, and keeps the input', async () => {
    await karl.post('/api/events').send({ title: 'Lesung', start: `${soon(4)}T19:00`, end: `${soon(4)}T21:00` });
    const clash = await karl.form('/events/lesung/edit', {
      title: 'Lesung mit Musik',
      start: `${soon(2)}T20:00`,
      end: `${soon(2)}T22:00`,
      timeZone: 'Europe/Berlin',
      visibility: 'public',
      status: 'confirmed',
      resourceIds: String(room),
    });
    expect(clash.status).toBe(409);
    const error = /<small id="resourceIds-error">([^<]*)<\/small>/.exec(clash.text)?.[1];
    expect(error).toContain('Cocktailparty');
    expect(error).toContain('/events/cocktailparty');
    expect(clash.text).toContain('value="Lesung mit Musik"');
    expect(clash.text).toContain(`value="${soon(2)}T20:00"`);
    expect(clash.text).toMatch(new RegExp(`value="${room}" checked aria-invalid="true"`));
    expect((await karl.get('/api/events/lesung')).body.title).toBe('Lesung');
  });

  it('moves, cancels and restores single dates of a recurring event', async () => {
    await rosa.post('/api/events').send({
      title: 'Plenum',
      start: `${soon(7)}T19:00`,
      end: `${soon(7)}T21:00`,
      rrule: 'FREQ=WEEKLY;COUNT=4',
      resourceIds: [room],
    });
    const page = await rosa.page('/events/plenum');
    expect(page.text).toContain('id="move-start-1"');
    expect(page.text.match(/name="action" value="cancel"/g)).toHaveLength(4);
    const others = await karl.page('/events/plenum');
    expect(others.text).not.toContain('name="action"');
    const list = (await rosa.get('/api/events/plenum')).body;
    const occurrences = (await rosa.get(`/api/events?from=${soon(7)}&to=${soon(30)}`)).body.filter(
      (o: { slug: string }) => o.slug === 'plenum',
    );
    expect(occurrences).toHaveLength(4);
    const second = occurrences[1].recurrenceId as string;
    const third = occurrences[2].recurrenceId as string;

    // Moving onto the Cocktailparty's evening is refused with its name; the typed times stay.
    const clash = await rosa.form('/events/plenum/occurrences', {
      recurrenceId: second,
      action: 'move',
      start: `${soon(2)}T20:00`,
      end: `${soon(2)}T21:00`,
    });
    expect(clash.status).toBe(409);
    expect(clash.text).toContain('Cocktailparty');
    expect(clash.text).toContain(`value="${soon(2)}T20:00"`);
    const backwards = await rosa.form('/events/plenum/occurrences', {
      recurrenceId: second,
      action: 'move',
      start: `${soon(15)}T19:00`,
      end: `${soon(15)}T18:00`,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.text).toContain('muss nach dem Beginn liegen');

    const moved = await rosa.form('/events/plenum/occurrences', {
      recurrenceId: second,
      action: 'move',
      start: `${soon(15)}T18:00`,
      end: `${soon(15)}T20:00`,
    });
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe('/events/plenum?done=moved');
    const cancelled = await helper.form('/events/plenum/occurrences', { recurrenceId: third, action: 'cancel' });
    expect(cancelled.status).toBe(303);
    const after = (await rosa.get('/api/events/plenum')).body;
    expect(after.sequence).toBeGreaterThan(list.sequence);
    expect(after.overrides).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recurrenceId: second, cancelled: false, start: `${soon(15)}T18:00:00` }),
        expect.objectContaining({ recurrenceId: third, cancelled: true }),
      ]),
    );
    const shown = await rosa.page('/events/plenum?done=cancelled');
    expect(shown.text).toContain('role="status"');
    expect(shown.text.match(/name="action" value="restore"/g)).toHaveLength(2);
    // The room is free again on the cancelled evening.
    const day = occurrences[2].start.slice(0, 10) as string;
    expect((await rosa.page(`/rooms/${room}?date=${day}`)).text).not.toContain('href="/events/plenum"');

    const restored = await rosa.form('/events/plenum/occurrences', { recurrenceId: third, action: 'restore' });
    expect(restored.status).toBe(303);
    expect((await rosa.get('/api/events/plenum')).body.overrides).toHaveLength(1);
    expect((await karl.form('/events/plenum/occurrences', { recurrenceId: second, action: 'cancel' })).status).toBe(
      403,
    );
  });

  it('adds an all-day event with the form on /calendar', async () => {
    const ok = await rosa.form('/calendar/events', {
      title: 'Zeltlager',
      allDay: 'on',
      startDate: soon(40),
      endDate: soon(42),
      visibility: 'public',
    });
    expect(ok.status).toBe(303);
    expect((await rosa.get('/api/events/zeltlager')).body).toMatchObject({
      allDay: true,
      start: soon(40),
      end: soon(42),
    });
    const bad = await rosa.form('/calendar/events', {
      title: 'Zeltlager 2',
      allDay: 'on',
      startDate: soon(42),
      endDate: soon(40),
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="end-error"');
    expect(bad.text).toContain(`id="endDate" name="endDate" value="${soon(40)}"`);
    expect(bad.text).toMatch(/id="allDay" name="allDay" checked/);
  });
});
