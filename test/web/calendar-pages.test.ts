import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('calendar pages', () => {
  let t: TestApp;
  let rosa: Agent;
  let helper: Agent;
  let room: number;

  beforeAll(async () => {
    t = await createTestApp();
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg' });
    helper = await loginAs(t, 'helper');
    const place = await helper.post('/api/locations').send({ name: 'Vortragsraum' });
    room = (await helper.post('/api/calendar/resources').send({ locationId: place.body.id })).body.id;
    await rosa
      .post('/api/events')
      .send({ title: 'Cocktailparty', start: `${soon(2)}T19:00`, end: `${soon(2)}T23:00`, resourceIds: [room] });
    await rosa.post('/api/events').send({
      title: 'Mitgliederversammlung',
      visibility: 'members',
      start: `${soon(3)}T18:00`,
      end: `${soon(3)}T20:00`,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows everybody the public events and the subscribe links, without the form', async () => {
    const res = await t.http.get('/calendar').set('Accept', 'text/html').set('Accept-Language', 'de');
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/events/cocktailparty"');
    expect(res.text).toContain('Vortragsraum');
    expect(res.text).not.toContain('Mitgliederversammlung');
    expect(res.text).toContain('href="webcal://allmende.test/calendar.ics"');
    expect(res.text).toContain('http://allmende.test/calendar.ics');
    expect(res.text).not.toContain('action="/calendar/events"');
    expect(res.text).toContain('href="/calendar" aria-current="page"');
  });

  it("shows an event's page to everybody, and a members' event only after login", async () => {
    const page = await t.http.get('/events/cocktailparty').set('Accept', 'text/html').set('Accept-Language', 'en');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Cocktailparty</h1>');
    expect(page.text).toContain('Rosa Luxemburg');
    const hidden = await t.http.get('/events/mitgliederversammlung').set('Accept', 'text/html');
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain('Mitgliederversammlung</h1>');
    const seen = await rosa.page('/events/mitgliederversammlung');
    expect(seen.status).toBe(200);
    expect(seen.text).toContain('<h1>Mitgliederversammlung</h1>');
  });

  it('lets a member add an event with the form, and shows what is wrong', async () => {
    const bad = await rosa.form('/calendar/events', {
      title: 'Löten',
      start: `${soon(5)}T19:00`,
      end: `${soon(5)}T18:00`,
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('muss nach dem Beginn liegen');
    expect(bad.text).toContain('value="Löten"');
    const clash = await rosa.form('/calendar/events', {
      title: 'Auch Party',
      start: `${soon(2)}T20:00`,
      end: `${soon(2)}T21:00`,
      resourceIds: String(room),
    });
    expect(clash.status).toBe(409);
    expect(clash.text).toMatch(
      /„Vortragsraum“ ist von \S+ \S+ bis \S+ \S+ \(Europe\/Berlin\) schon belegt: „Cocktailparty“/,
    );
    const ok = await rosa.form('/calendar/events', {
      title: 'Lötabend',
      start: `${soon(5)}T19:00`,
      end: `${soon(5)}T21:00`,
      visibility: 'members',
      rrule: 'FREQ=WEEKLY;COUNT=3',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/events/loetabend');
    const page = await rosa.page('/events/loetabend');
    expect(page.text).toContain('FREQ=WEEKLY;COUNT=3');
    expect(page.text.match(/<li><time/g)).toHaveLength(3);
  });

  it('gives a member their private feed link once, and revokes it', async () => {
    const page = await rosa.page('/calendar');
    expect(page.text).toContain('action="/calendar/feed-link"');
    const issued = await rosa.form('/calendar/feed-link', {});
    expect(issued.status).toBe(200);
    const link = /(http:\/\/allmende\.test\/calendar\/private\/cal_[A-Za-z0-9_-]+\/calendar\.ics)/.exec(
      issued.text,
    )?.[1];
    expect(link).toBeDefined();
    expect(issued.text).toContain(link!.replace('http://', 'webcal://'));
    const feed = await t.http.get(new URL(link!).pathname);
    expect(feed.status).toBe(200);
    expect(feed.text).toContain('SUMMARY:Mitgliederversammlung');
    // Shown once: the page afterwards says since when, not the link.
    const later = await rosa.page('/calendar');
    expect(later.text).not.toContain(link!);
    await rosa.form('/calendar/feed-link/revoke', {});
    expect((await t.http.get(new URL(link!).pathname)).status).toBe(404);
  });

  it('refuses the form without its token', async () => {
    const res = await t.http
      .post('/calendar/events')
      .type('form')
      .set('Accept', 'text/html')
      .set('Cookie', rosa.cookie)
      .set('Origin', 'http://allmende.test')
      .send({ title: 'x', start: `${soon(5)}T19:00`, end: `${soon(5)}T20:00` });
    expect(res.status).toBe(403);
  });
});
