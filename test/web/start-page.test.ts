import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SpaceService } from '../../src/space/space.service.js';
import {
  createTestApp,
  loginAs,
  makeMember,
  PASSWORD,
  postForm,
  PUBLIC_URL,
  type TestApp,
} from '../support/test-app.js';

const SCRIPT = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

let t: TestApp;
let helper: Awaited<ReturnType<typeof loginAs>>;
let member: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  t = await createTestApp({ ALLMENDE_CLUB_NAME: 'Werkraum e.V.', ALLMENDE_SPACE_PRESENCE_HOURS: '3' });
  helper = await loginAs(t, 'helper');
  member = await loginAs(t, 'member', { firstName: 'Ada', lastName: SCRIPT });
});
afterAll(() => t.close());

const stranger = (path = '/') => t.http.get(path).set('Accept', 'text/html').set('Accept-Language', 'en');

describe('start page for a stranger', () => {
  it('shows the intro, the login and the state, and nothing only members see', async () => {
    await member.form('/space/presence', { here: 'yes' });
    await helper.post('/api/things').send({ name: `Bohrmaschine ${SCRIPT}` });
    const page = await stranger();
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<h1>Werkraum e.V.</h1>');
    expect(page.text).toContain('Welcome to Werkraum e.V.!');
    expect(page.text).toContain('href="/login?next=%2F"');
    expect(page.text).toContain('Nobody has said yet whether the space is open.');
    expect(page.text).toContain('No events coming up.');
    expect(page.text).not.toContain('Who is in the space?');
    expect(page.text).not.toContain('Ada');
    expect(page.text).not.toContain('Bohrmaschine');
    expect(page.text).not.toContain('action="/space/state"');
    await member.form('/space/presence', { here: 'no' });
  });

  it('cannot set the state or say it is here', async () => {
    const res = await postForm(t, '/space/state', { open: 'open' });
    expect(res.status).toBe(401);
    expect((await postForm(t, '/space/presence', { here: 'yes' })).status).toBe(401);
    expect((await t.http.get('/api/space/state')).body.open).toBeNull();
  });
});

describe('start page for members', () => {
  it('opens the space with a message (escaped), and the page and the SpaceAPI say so', async () => {
    const res = await member.form('/space/state', { open: 'open', message: `bis 22 Uhr ${SCRIPT}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const page = await member.page('/').set('Accept-Language', 'de');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Der Raum ist offen.');
    expect(page.text).toContain(`bis 22 Uhr ${ESCAPED}`);
    expect(page.text).not.toContain(SCRIPT);
    expect(page.text).toMatch(/Seit \d/);
    expect((await t.http.get('/spaceapi.json')).body.state).toMatchObject({ open: true });
    const closed = await helper.form('/space/state', { open: 'closed', message: '' });
    expect(closed.status).toBe(303);
    expect((await stranger()).text).toContain('The space is closed.');
  });

  it('shows errors next to the message field and keeps what was typed', async () => {
    const long = `${SCRIPT}${'x'.repeat(300)}`;
    const res = await member.form('/space/state', { open: 'open', message: long });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="message-error"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain(`value="${ESCAPED}${'x'.repeat(300)}"`);
    expect(res.text).not.toContain(SCRIPT);
    const noButton = await member.form('/space/state', { message: 'hallo' });
    expect(noButton.status).toBe(400);
    expect(noButton.text).toContain('id="open-error"');
    expect(noButton.text).toContain('value="hallo"');
    expect((await t.http.get('/api/space/state')).body.open).toBe(false);
  });

  it('a registered member, not yet activated, can neither set the state nor say they are here', async () => {
    const fresh = await makeMember(t, { password: PASSWORD, state: 'registered' });
    const login = await t.http.post('/api/auth/login').send({ login: fresh.username, password: PASSWORD });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    expect((await postForm(t, '/space/state', { open: 'open' }, { cookie })).status).toBe(403);
    expect((await postForm(t, '/space/presence', { here: 'yes' }, { cookie })).status).toBe(403);
    expect((await t.http.get('/api/space/state')).body.open).toBe(false);
  });

  it('refuses a state form from another origin and one without the form token', async () => {
    const foreign = await postForm(
      t,
      '/space/state',
      { open: 'open' },
      { cookie: member.cookie, origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    const noToken = await postForm(t, '/space/state', { open: 'open' }, { cookie: member.cookie, csrf: null });
    expect(noToken.status).toBe(403);
    expect((await t.http.get('/api/space/state')).body.open).toBe(false);
  });

  it('lists who said they are here (escaped), until they leave or it expires', async () => {
    const before = await helper.page('/').set('Accept-Language', 'en');
    expect(before.text).toContain('Nobody has said they are in the space right now.');
    expect(before.text).toContain('after 3 hours');
    expect((await member.form('/space/presence', { here: 'yes' })).status).toBe(303);
    let page = await helper.page('/').set('Accept-Language', 'en');
    expect(page.text).toContain(`Ada ${ESCAPED}`);
    expect(page.text).not.toContain(SCRIPT);
    // The member sees the button to leave, the helper the one to come.
    expect((await member.page('/').set('Accept-Language', 'en')).text).toContain('I have left');
    expect(page.text).toContain('I am in the space');
    expect((await member.form('/space/presence', { here: 'no' })).status).toBe(303);
    page = await helper.page('/').set('Accept-Language', 'en');
    expect(page.text).not.toContain('Ada');
    // An entry whose hours have passed is not shown.
    await member.form('/space/presence', { here: 'yes' });
    await t.orm.em.fork().execute(`update space_presence set until = now() - interval '1 minute'`);
    page = await helper.page('/').set('Accept-Language', 'en');
    expect(page.text).not.toContain('Ada');
  });

  it('lists the newest things, names escaped, linked to their pages', async () => {
    for (const name of ['Lötstation', 'Akkuschrauber', 'Laser']) {
      expect((await helper.post('/api/things').send({ name })).status).toBe(201);
    }
    const page = await member.page('/').set('Accept-Language', 'en');
    expect(page.text).toContain('New in the inventory');
    const order = ['Laser', 'Akkuschrauber', 'Lötstation', `Bohrmaschine ${ESCAPED}`].map((n) => page.text.indexOf(n));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page.text).toContain('href="/things/laser"');
    expect(page.text).not.toContain(SCRIPT);
  });

  it('has a nav entry "Start" marked current, and a stranger is not redirected to the login', async () => {
    const page = await member.page('/');
    expect(page.text).toContain('<a href="/" aria-current="page">');
    expect((await stranger()).status).toBe(200);
    expect(PUBLIC_URL).toMatch(/^http/);
  });
});

describe('start page events (from the calendar)', () => {
  it("lists the coming events soonest first: public ones for guests, members' events for members, no cancelled or past ones", async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const events = [
      { title: `Repair-Café ${SCRIPT}`, start: `${day(2)}T18:00`, end: `${day(2)}T20:00` },
      { title: 'Plenum', start: `${day(1)}T19:00`, end: `${day(1)}T21:00`, visibility: 'members' },
      { title: 'Abgesagt', start: `${day(1)}T10:00`, end: `${day(1)}T11:00`, status: 'cancelled' },
      { title: 'Vorbei', start: `${day(-3)}T10:00`, end: `${day(-3)}T11:00` },
    ];
    for (const e of events) expect((await member.post('/api/events').send(e)).status).toBe(201);
    const guest = (await stranger()).text;
    expect(guest).toContain(`Repair-Café ${ESCAPED}`);
    expect(guest).toMatch(/<a href="\/events\/repair-cafe[a-z0-9-]*">/);
    expect(guest).not.toContain('Plenum');
    expect(guest).not.toContain(SCRIPT);
    const mine = (await member.page('/').set('Accept-Language', 'en')).text;
    expect(mine.indexOf('Plenum')).toBeGreaterThan(0);
    expect(mine.indexOf('Plenum')).toBeLessThan(mine.indexOf('Repair-Café'));
    for (const text of [guest, mine]) {
      expect(text).not.toContain('Abgesagt');
      expect(text).not.toContain('Vorbei');
    }
  });
});

describe('start page cost', () => {
  // Every SQL statement of the app goes through the one connection's execute(). The fewest of
  // three requests: a background worker's query or the session's once-a-minute touch may fall
  // into one of them.
  async function queriesOf(path: string): Promise<number> {
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const spy = vi.spyOn(t.orm.em.getConnection(), 'execute');
      try {
        expect((await member.page(path)).status).toBe(200);
        counts.push(spy.mock.calls.length);
      } finally {
        spy.mockRestore();
      }
    }
    return Math.min(...counts);
  }

  it('takes a handful of queries, however many things, people and events there are (no query per row)', async () => {
    const space = t.app.get(SpaceService);
    const arrive = async () => {
      const m = await makeMember(t, { state: 'active' });
      await space.arrive({
        kind: 'member',
        memberId: m.id,
        label: m.username,
        role: 'member',
        scopes: 'all',
        clientAddress: null,
      });
    };
    await arrive();
    const few = await queriesOf('/');
    for (let i = 0; i < 5; i++) await arrive();
    for (let i = 0; i < 10; i++) await helper.post('/api/things').send({ name: `Kiste ${i}` });
    const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 5; i++) {
      const res = await member
        .post('/api/events')
        .send({ title: `Treffen ${i}`, start: `${day}T1${i}:00`, end: `${day}T1${i}:30` });
      expect(res.status).toBe(201);
    }
    const many = await queriesOf('/');
    expect(many).toBe(few);
    expect(few).toBeGreaterThanOrEqual(4);
    // Session (with the member's name and language), state, who is here, newest things, and the
    // calendar's four (events moved into the window, the events, their rooms, their moved occurrences).
    expect(many).toBeLessThanOrEqual(8);
  });
});
