import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const SCRIPT = '<script>alert(1)</script>';

// The edit form's fields for a timed event as it is, changed by `extra`.
const form = (day: string, extra: Record<string, string> = {}) => ({
  title: 'Lesekreis',
  start: `${day}T19:00`,
  end: `${day}T21:00`,
  timeZone: 'Europe/Berlin',
  visibility: 'public',
  status: 'confirmed',
  ...extra,
});

describe('event edit form: address, responsible member, series changes; the rooms list', () => {
  let t: TestApp;
  let rosa: Agent;
  let karl: Agent;
  let helper: Agent;
  let room: number;
  let thing: number;

  beforeAll(async () => {
    t = await createTestApp();
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg' });
    karl = await loginAs(t, 'member', { firstName: 'Karl', lastName: 'Liebknecht' });
    helper = await loginAs(t, 'helper');
    const place = await helper.post('/api/locations').send({ name: 'Vortragsraum' });
    room = (
      await helper
        .post('/api/calendar/resources')
        .send({ locationId: place.body.id, description: `Erster Stock ${SCRIPT}` })
    ).body.id;
    await helper.post('/api/things').send({ name: 'Beamer', slug: 'beamer' });
    thing = (await helper.post('/api/calendar/resources').send({ thing: 'beamer' })).body.id;
    await karl.post('/api/events').send({ title: 'Cocktailparty', start: `${soon(3)}T19:00`, end: `${soon(3)}T23:00` });
    await rosa.post('/api/events').send(form(soon(5)));
  });
  afterAll(async () => {
    await t.close();
  });

  it('changes the address: a bad or taken one is shown at the field, a good one leads to the new page', async () => {
    const page = await rosa.page('/events/lesekreis/edit');
    expect(page.text).toContain('id="slug" name="slug"');
    expect(page.text).toContain('value="lesekreis"');
    const uid = (await rosa.get('/api/events/lesekreis')).body.uid as string;

    const bad = await rosa.form('/events/lesekreis/edit', form(soon(5), { slug: 'Lese Kreis!' }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="slug-error"');
    expect(bad.text).toContain('<small id="slug-error">Kleinbuchstaben, Ziffern und „-“ (nicht am Anfang oder Ende)');
    expect(bad.text).toContain('value="Lese Kreis!"');

    const taken = await rosa.form('/events/lesekreis/edit', form(soon(5), { slug: 'cocktailparty' }));
    expect(taken.status).toBe(409);
    expect(/<small id="slug-error">([^<]*)<\/small>/.exec(taken.text)?.[1]).toBe('schon vergeben an „Cocktailparty“');
    expect(taken.text).toContain('action="/events/lesekreis/edit"');

    const moved = await rosa.form('/events/lesekreis/edit', form(soon(5), { slug: 'lesekreis-neu' }));
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe('/events/lesekreis-neu?done=saved');
    expect((await rosa.page('/events/lesekreis-neu?done=saved')).text).toContain('role="status"');
    // The old address leads on to the new one.
    const old = await rosa.page('/events/lesekreis');
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe('/events/lesekreis-neu');
    expect((await rosa.get('/api/events/lesekreis-neu')).body.uid).toBe(uid);
  });

  it('leads old addresses to the current one (query kept), keeps them the event’s, frees them on delete', async () => {
    const at = (day: string, extra: Record<string, string>) => form(day, { title: 'Flohmarkt', ...extra });
    await rosa.post('/api/events').send({ ...at(soon(9), {}), slug: 'flohmarkt-a' });
    const first = await rosa.form('/events/flohmarkt-a/edit', at(soon(9), { slug: 'flohmarkt-b' }));
    expect(first.headers.location).toBe('/events/flohmarkt-b?done=saved');
    const second = await rosa.form('/events/flohmarkt-b/edit', at(soon(9), { slug: 'flohmarkt-c' }));
    expect(second.headers.location).toBe('/events/flohmarkt-c?done=saved');

    for (const old of ['flohmarkt-a', 'flohmarkt-b']) {
      const page = await t.http.get(`/events/${old}?done=saved&von=plakat`).set('Accept', 'text/html');
      expect(page.status, old).toBe(301);
      expect(page.headers.location).toBe('/events/flohmarkt-c?done=saved&von=plakat');
      const edit = await rosa.page(`/events/${old}/edit?x=1`);
      expect(edit.status, old).toBe(301);
      expect(edit.headers.location).toBe('/events/flohmarkt-c/edit?x=1');
    }
    expect((await rosa.page('/events/flohmarkt-c')).status).toBe(200);

    // Another event cannot take it: the field says whose it is.
    const taken = await karl.form(
      '/events/cocktailparty/edit',
      form(soon(3), { title: 'Cocktailparty', slug: 'flohmarkt-a' }),
    );
    expect(taken.status).toBe(409);
    expect(/<small id="slug-error">([^<]*)<\/small>/.exec(taken.text)?.[1]).toBe('schon vergeben an „Flohmarkt“');

    // The event itself goes back to it; then the newer address leads there.
    const back = await rosa.form('/events/flohmarkt-c/edit', at(soon(9), { slug: 'flohmarkt-a' }));
    expect(back.headers.location).toBe('/events/flohmarkt-a?done=saved');
    expect((await rosa.page('/events/flohmarkt-a')).status).toBe(200);
    expect((await rosa.page('/events/flohmarkt-c')).headers.location).toBe('/events/flohmarkt-a');

    // Deleted: the old addresses are gone and free.
    expect((await rosa.delete('/api/events/flohmarkt-a')).status).toBe(204);
    expect((await rosa.page('/events/flohmarkt-b')).status).toBe(404);
    const free = await karl.form(
      '/events/cocktailparty/edit',
      form(soon(3), { title: 'Cocktailparty', slug: 'flohmarkt-a' }),
    );
    expect(free.headers.location).toBe('/events/flohmarkt-a?done=saved');
    await karl.form('/events/flohmarkt-a/edit', form(soon(3), { title: 'Cocktailparty', slug: 'cocktailparty' }));
  });

  it('does not tell strangers where a members’ event moved', async () => {
    await rosa.post('/api/events').send({ ...form(soon(10), { title: 'Vorstandsrunde' }), visibility: 'members' });
    await rosa.form(
      '/events/vorstandsrunde/edit',
      form(soon(10), { title: 'Vorstandsrunde', visibility: 'members', slug: 'runde' }),
    );
    const stranger = await t.http.get('/events/vorstandsrunde').set('Accept', 'text/html');
    expect(stranger.status).toBe(404);
    expect(stranger.headers.location).toBeUndefined();
    expect((await t.http.get('/api/events/vorstandsrunde')).status).toBe(404);
    expect((await rosa.page('/events/vorstandsrunde')).headers.location).toBe('/events/runde');
  });

  it('lets helpers hand an event over by username; members see who is responsible', async () => {
    const own = await rosa.page('/events/lesekreis-neu/edit');
    expect(own.text).not.toContain('id="responsible"');
    expect(own.text).toContain('<strong>Rosa Luxemburg</strong>');

    const byHelper = await helper.page('/events/lesekreis-neu/edit');
    expect(byHelper.text).toContain(
      `id="responsible" name="responsible" maxlength="64" autocomplete="off" value="${rosa.member.username}"`,
    );

    const unknown = await helper.form('/events/lesekreis-neu/edit', form(soon(5), { responsible: 'niemand-hier' }));
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('id="responsible-error"');
    expect(unknown.text).toContain('kein aktives Mitglied mit diesem Benutzernamen');
    expect(unknown.text).toContain('value="niemand-hier"');
    const invited = await makeMember(t, { firstName: 'Clara', lastName: 'Zetkin' });
    const notActive = await helper.form('/events/lesekreis-neu/edit', form(soon(5), { responsible: invited.username }));
    expect(notActive.status).toBe(400);
    expect(notActive.text).toContain('id="responsible-error"');

    // A member's own form has no such field; a posted one is refused at it, and nothing changes.
    const refused = await rosa.form('/events/lesekreis-neu/edit', form(soon(5), { responsible: karl.member.username }));
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('id="responsible-error"');
    expect((await rosa.get('/api/events/lesekreis-neu')).body.responsible.name).toBe('Rosa Luxemburg');
    // Naming oneself is keeping it.
    const same = await rosa.form('/events/lesekreis-neu/edit', form(soon(5), { responsible: rosa.member.username }));
    expect(same.status).toBe(303);

    const handed = await helper.form(
      '/events/lesekreis-neu/edit',
      form(soon(5), { responsible: karl.member.username }),
    );
    expect(handed.status).toBe(303);
    expect((await rosa.get('/api/events/lesekreis-neu')).body.responsible.name).toBe('Karl Liebknecht');
    // Rosa made it and still edits it; keeping Karl is no hand-over.
    const creator = await rosa.page('/events/lesekreis-neu/edit');
    expect(creator.status).toBe(200);
    expect(creator.text).toContain('<strong>Karl Liebknecht</strong>');
    expect((await rosa.form('/events/lesekreis-neu/edit', form(soon(5), { title: 'Lesekreis!' }))).status).toBe(303);
  });

  it('tells which moved dates a change of the series dropped', async () => {
    const first = soon(14);
    await rosa.post('/api/events').send({
      title: 'Plenum',
      start: `${first}T19:00`,
      end: `${first}T21:00`,
      rrule: 'FREQ=WEEKLY;COUNT=4',
      resourceIds: [room],
    });
    const dates = (await rosa.get(`/api/events?from=${first}&to=${soon(40)}`)).body.filter(
      (o: { slug: string }) => o.slug === 'plenum',
    );
    const second = dates[1] as { recurrenceId: string; start: string };
    const day = second.start.slice(0, 10);
    const moved = await rosa.form('/events/plenum/occurrences', {
      recurrenceId: second.recurrenceId,
      action: 'move',
      start: `${day}T17:00`,
      end: `${day}T18:30`,
    });
    expect(moved.status).toBe(303);

    // Every other week: the second date is no longer in the series.
    const saved = await rosa.form('/events/plenum/edit', {
      ...form(first, { title: 'Plenum', rrule: 'FREQ=WEEKLY;INTERVAL=2;COUNT=2' }),
      resourceIds: String(room),
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`/events/plenum?done=saved&dropped=${day}`);
    const page = await rosa.page(saved.headers.location as string);
    const shown = `${day.slice(8)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;
    expect(page.text).toMatch(
      new RegExp(`gehören nicht mehr zur Serie; ihre Änderung ist verworfen:\\s+${shown.replace(/\./g, '\\.')}</p>`),
    );
    expect((await rosa.get('/api/events/plenum')).body.overrides).toEqual([]);
    // A crafted address shows only dates.
    const crafted = await rosa.page(`/events/plenum?done=saved&dropped=${encodeURIComponent(SCRIPT)}`);
    expect(crafted.text).not.toContain('gehören nicht mehr zur Serie');
    expect(crafted.text).not.toContain(SCRIPT);
  });

  it('lists the bookable rooms and things with their pages and feed links, for everybody', async () => {
    for (const res of [
      await rosa.page('/rooms'),
      await t.http.get('/rooms').set('Accept', 'text/html').set('Accept-Language', 'en'),
    ]) {
      expect(res.status).toBe(200);
      expect(res.text).toContain(`href="/rooms/${room}"`);
      expect(res.text).toContain(`href="/rooms/${thing}"`);
      expect(res.text).toContain(`href="webcal://allmende.test/calendar/resources/${room}/calendar.ics"`);
      expect(res.text).toContain(`<code>http://allmende.test/calendar/resources/${thing}/calendar.ics</code>`);
      expect(res.text).toContain('Erster Stock &lt;script&gt;');
      expect(res.text).not.toContain(SCRIPT);
      expect(res.text).toContain('href="/rooms" aria-current="page"');
    }
    const en = await t.http.get('/rooms').set('Accept', 'text/html').set('Accept-Language', 'en');
    expect(en.text).toContain('<h1>Rooms and things</h1>');
    // The private-link hint is for those who see members' events.
    expect(en.text).not.toContain('private link');
    expect((await rosa.page('/rooms')).text).toContain('privaten Link');
    // A room's page links back to the list.
    expect((await t.http.get(`/rooms/${room}`).set('Accept', 'text/html')).text).toContain('href="/rooms"');
  });
});
