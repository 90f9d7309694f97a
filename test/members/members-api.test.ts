import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, type TestApp } from '../support/test-app.js';

let t: TestApp;
let board: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  t = await createTestApp();
  board = await loginAs(t, 'board', { firstName: 'Rosa', lastName: 'Luxemburg' });
});
afterAll(() => t.close());

describe('intake', () => {
  it('takes a member in and derives display name and username', async () => {
    const res = await board
      .post('/api/members')
      .send({ firstName: 'José', lastName: 'Ñúñez', memberNumber: '4711', privateEmail: 'Jose@Example.org' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      username: 'jose.nunez',
      displayName: 'José Ñúñez',
      memberNumber: '4711',
      privateEmail: 'jose@example.org',
      state: 'invited',
      status: 'member',
    });
  });

  it('appends 2, 3 … on a username collision', async () => {
    const a = await board.post('/api/members').send({ firstName: 'Karl', lastName: 'Liebknecht' });
    const b = await board.post('/api/members').send({ firstName: 'Karl', lastName: 'Liebknecht' });
    expect([a.body.username, b.body.username]).toEqual(['karl.liebknecht', 'karl.liebknecht2']);
  });

  it('never hands out a username again, even after the member is deleted', async () => {
    const first = await makeMember(t, { firstName: 'Clara', lastName: 'Zetkin' });
    await t.orm.em.fork().execute('delete from member where id = ?', [first.id]);
    const again = await board.post('/api/members').send({ firstName: 'Clara', lastName: 'Zetkin' });
    expect(again.body.username).toBe('clara.zetkin2');
  });

  it('answers 409 naming the field for a duplicate member number or e-mail', async () => {
    await board
      .post('/api/members')
      .send({ firstName: 'A', lastName: 'B', memberNumber: '999', privateEmail: 'ab@example.org' });
    const number = await board.post('/api/members').send({ firstName: 'C', lastName: 'D', memberNumber: '999' });
    expect(number.status).toBe(409);
    expect(number.body.error.fields).toEqual([{ field: 'memberNumber', message: 'already used by another record' }]);
    const email = await board
      .post('/api/members')
      .send({ firstName: 'C', lastName: 'D', privateEmail: 'AB@example.org' });
    expect(email.status).toBe(409);
    expect(email.body.error.fields[0].field).toBe('privateEmail');
  });

  it.each([
    [{ firstName: 'x'.repeat(10_000), lastName: 'Long' }, 'firstName', 'at most 100 characters'],
    [{ firstName: 'A', lastName: 'B', memberNumber: '12 34' }, 'memberNumber', 'must not contain spaces'],
    [{ firstName: 'A', lastName: 'B', privateEmail: 'not-an-address' }, 'privateEmail', 'must be an e-mail address'],
    [{ firstName: '', lastName: 'B' }, 'firstName', 'must not be empty'],
    [{ firstName: 'A', lastName: 'B', isAdmin: true }, 'isAdmin', 'unknown field'],
  ])('refuses bad input with 400 naming the field (%#)', async (body, field, message) => {
    const res = await board.post('/api/members').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toContainEqual({ field, message });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await board.post('/api/members').set('Content-Type', 'application/json').send('{"firstName": "Karl",');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });
});

describe('list and search', () => {
  beforeAll(async () => {
    await makeMember(t, {
      firstName: 'Wilhelm',
      lastName: 'Pieck',
      memberNumber: '1949',
      privateEmail: 'wp@example.org',
      state: 'active',
      password: 'ein sehr langes Passwort',
    });
    await makeMember(t, {
      firstName: 'Käthe',
      lastName: 'Kollwitz',
      privateEmail: 'kk@example.org',
      status: 'supporter',
      groups: ['helpers'],
    });
  });

  it('finds by name, username, number and e-mail, case-insensitively', async () => {
    for (const q of ['pieck', 'wilhelm.pieck', '1949', 'WP@EXAMPLE']) {
      const res = await board.get(`/api/members?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((m: { username: string }) => m.username)).toEqual(['wilhelm.pieck']);
    }
  });

  it('filters by status, state and group and paginates', async () => {
    const supporters = await board.get('/api/members?status=supporter');
    expect(supporters.body.items.map((m: { username: string }) => m.username)).toEqual(['kaethe.kollwitz']);
    const helpers = await board.get('/api/members?group=helpers');
    expect(helpers.body.total).toBe(1);
    const active = await board.get('/api/members?state=active&pageSize=1&page=2');
    expect(active.body).toMatchObject({ page: 2, pageSize: 1 });
    expect(active.body.total).toBeGreaterThanOrEqual(2);
    expect(active.body.items).toHaveLength(1);
  });

  it('shows members only what members may see, and only active members', async () => {
    const member = await loginAs(t, 'member');
    const res = await member.get('/api/members?q=pieck');
    expect(res.body.items).toEqual([
      {
        id: expect.any(Number),
        username: 'wilhelm.pieck',
        displayName: 'Wilhelm Pieck',
        firstName: 'Wilhelm',
        lastName: 'Pieck',
        groups: [],
      },
    ]);
    // e-mail and member number are board-only: a member cannot search by them either
    expect((await member.get('/api/members?q=1949')).body.items).toEqual([]);
    expect((await member.get('/api/members?q=kollwitz')).body.items).toEqual([]); // invited, not active
  });
});

describe('path ids', () => {
  it.each(['abc', '1.5', '-1', '0', '99999999999'])('answers 400 naming the id for /api/members/%s', async (id) => {
    const res = await board.get(`/api/members/${id}`);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'id', message: 'must be a positive whole number' }]);
  });

  it('answers 404 for a member that does not exist', async () => {
    expect((await board.get('/api/members/2147483647')).status).toBe(404);
  });
});

describe('access', () => {
  it('refuses anonymous requests and members on board routes', async () => {
    expect((await t.http.get('/api/members')).status).toBe(401);
    const member = await loginAs(t, 'member');
    expect((await member.post('/api/members').send({ firstName: 'A', lastName: 'B' })).status).toBe(403);
    expect((await member.get('/api/approvals')).status).toBe(403);
  });

  it('refuses a cookie-authenticated write from another origin', async () => {
    const res = await t.http
      .post('/api/members')
      .set('Cookie', board.cookie)
      .set('Origin', 'https://evil.example')
      .send({ firstName: 'A', lastName: 'B' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/cross-origin/);
  });
});
