import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

describe('things and places', () => {
  let t: TestApp;
  let helper: Agent;
  let member: Agent;

  beforeAll(async () => {
    t = await createTestApp();
    helper = await loginAs(t, 'helper', { firstName: 'Hanna', lastName: 'Helfer' });
    member = await loginAs(t, 'member');
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds the same thing by its id and by its short name', async () => {
    const created = await helper.post('/api/things').send({ name: 'Ein Ding', slug: 'einding', tags: ['Test'] });
    expect(created.status).toBe(201);
    const byId = await member.get(`/api/things/${created.body.id}`);
    const bySlug = await member.get('/api/things/einding');
    expect(byId.status).toBe(200);
    expect(bySlug.body).toEqual(byId.body);
    expect(byId.body).toMatchObject({
      slug: 'einding',
      tags: ['test'],
      ownership: 'club',
      url: `http://allmende.test/things/${created.body.id}`,
    });
    expect((await member.get('/api/things/nichtda')).status).toBe(404);
  });

  it('makes a short name from the name, and counts up when it is taken', async () => {
    const a = await helper.post('/api/things').send({ name: 'Lötstation Weller' });
    const b = await helper.post('/api/things').send({ name: 'Lötstation Weller' });
    expect([a.body.slug, b.body.slug]).toEqual(['loetstation-weller', 'loetstation-weller-2']);
  });

  it('refuses a short name that is a number, and one that is taken', async () => {
    const numeric = await helper.post('/api/things').send({ name: 'Zahl', slug: '2342' });
    expect(numeric.status).toBe(400);
    expect(numeric.body.error.fields[0]).toMatchObject({ field: 'slug', message: expect.stringMatching(/number/) });
    const taken = await helper.post('/api/things').send({ name: 'Noch ein Ding', slug: 'einding' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toMatch(/einding.*taken/);
  });

  it('lets members look but not add or change', async () => {
    expect((await member.post('/api/things').send({ name: 'Heimlich' })).status).toBe(403);
    expect((await member.patch('/api/things/einding').send({ name: 'Anders' })).status).toBe(403);
    expect((await t.http.get('/api/things')).status).toBe(401);
  });

  it('checks ownership: a loan to the club needs a lender and a date', async () => {
    const res = await helper.post('/api/things').send({ name: 'Beamer', ownership: 'lent-to-club' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['owner', 'ownerUntil']);
    const owner = await makeMember(t, { firstName: 'Olga', lastName: 'Owner' });
    const own = await helper
      .post('/api/things')
      .send({ name: 'Olgas Nähmaschine', ownership: 'member-owned', ownerMemberId: owner.id });
    expect(own.status).toBe(201);
    expect(own.body.owner).toEqual({ memberId: owner.id, name: 'Olga Owner' });
  });

  it('refuses a place inside itself or inside its own box', async () => {
    const room = await helper.post('/api/locations').send({ name: 'Werkstatt' });
    const shelf = await helper.post('/api/locations').send({ name: 'Regal 2', parentId: room.body.id });
    const box = await helper.post('/api/locations').send({ name: 'Kiste 3', parentId: shelf.body.id });
    expect(box.body.path).toEqual(['Werkstatt', 'Regal 2', 'Kiste 3']);
    const itself = await helper.patch(`/api/locations/${box.body.id}`).send({ parentId: box.body.id });
    expect(itself.status).toBe(400);
    expect(itself.body.error.fields[0].message).toMatch(/inside itself/);
    const loop = await helper.patch(`/api/locations/${room.body.id}`).send({ parentId: box.body.id });
    expect(loop.status).toBe(400);
    // Names are unique among siblings, at the top too.
    expect((await helper.post('/api/locations').send({ name: 'werkstatt' })).status).toBe(409);
    expect((await helper.post('/api/locations').send({ name: 'Regal 2', parentId: room.body.id })).status).toBe(409);
    // A place that still holds something stays.
    expect((await helper.delete(`/api/locations/${shelf.body.id}`)).status).toBe(409);
  });

  it('records moving and changing in the history, with who and what', async () => {
    const [room] = (await member.get('/api/locations')).body as { id: number; path: string[] }[];
    const locations = (await member.get('/api/locations')).body as { id: number; path: string[] }[];
    const box = locations.find((l) => l.path.join('/') === 'Werkstatt/Regal 2/Kiste 3');
    expect(room && box).toBeTruthy();
    const thing = await helper.post('/api/things').send({ name: 'Akkuschrauber', locationId: room?.id });
    const moved = await helper.post(`/api/things/${thing.body.id}/move`).send({ locationId: box?.id });
    expect(moved.body.location.path).toEqual(['Werkstatt', 'Regal 2', 'Kiste 3']);
    await helper
      .patch(`/api/things/${thing.body.id}`)
      .send({ name: 'Akkuschrauber Makita', version: moved.body.version });
    const stale = await helper
      .patch(`/api/things/${thing.body.id}`)
      .send({ name: 'Zu spät', version: moved.body.version });
    expect(stale.status).toBe(409);
    const history = (await member.get(`/api/things/${thing.body.id}/history`)).body as {
      kind: string;
      by: string;
      changes: { field: string; old: unknown; new: unknown }[];
    }[];
    expect(history.map((h) => h.kind)).toEqual(['created', 'moved', 'updated']);
    expect(history[1]?.changes).toEqual([
      { field: 'location', old: 'Werkstatt', new: 'Werkstatt / Regal 2 / Kiste 3' },
    ]);
    expect(history[2]?.changes).toEqual([{ field: 'name', old: 'Akkuschrauber', new: 'Akkuschrauber Makita' }]);
    expect(history[2]?.by).toMatch(/Hanna|hanna/);
  });

  it('answers 409, never 500, when helpers save the same thing at the same moment', async () => {
    const thing = await helper.post('/api/things').send({ name: 'Umstrittene Leiter' });
    const other = await loginAs(t, 'helper');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? helper : other).patch(`/api/things/${thing.body.id}`).send({ description: `Version ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses).toContain(200);
    await helper.patch(`/api/things/${thing.body.id}`).send({ archived: true });
  });

  it('searches by name, short name, tag, place and owner', async () => {
    await helper.post('/api/things').send({ name: '3D-Drucker Prusa', slug: 'prusa-mk3s', tags: ['3d', 'fablab'] });
    const names = async (query: string) =>
      ((await member.get(`/api/things?${query}`)).body.items as { name: string }[]).map((i) => i.name);
    expect(await names('q=drucker')).toEqual(['3D-Drucker Prusa']);
    expect(await names('q=mk3')).toEqual(['3D-Drucker Prusa']);
    expect(await names('q=fablab')).toEqual(['3D-Drucker Prusa']);
    expect(await names('tag=3d')).toEqual(['3D-Drucker Prusa']);
    expect(await names('q=kiste')).toEqual(['Akkuschrauber Makita']);
    expect(await names('q=olga')).toEqual(['Olgas Nähmaschine']);
    expect(await names('q=l%C3%B6tst')).toEqual(['Lötstation Weller', 'Lötstation Weller']);
    const werkstatt = ((await member.get('/api/locations')).body as { id: number; name: string }[]).find(
      (l) => l.name === 'Werkstatt',
    );
    expect(await names(`locationId=${werkstatt?.id}`)).toEqual(['Akkuschrauber Makita']);
    // tsquery syntax in the query is only text.
    expect((await member.get(`/api/things?q=${encodeURIComponent("a & !b | ':*")}`)).status).toBe(200);
  });

  it('finds a thing by a renamed place', async () => {
    const box = ((await member.get('/api/locations')).body as { id: number; name: string }[]).find(
      (l) => l.name === 'Kiste 3',
    );
    await helper.patch(`/api/locations/${box?.id}`).send({ name: 'Schraubenkiste' });
    const found = (await member.get('/api/things?q=schraubenkiste')).body.items as { name: string }[];
    expect(found.map((f) => f.name)).toEqual(['Akkuschrauber Makita']);
  });

  it('hides archived things from the search and keeps them by address', async () => {
    const thing = await helper.post('/api/things').send({ name: 'Kaputter Toaster' });
    await helper.patch(`/api/things/${thing.body.id}`).send({ archived: true });
    expect((await member.get('/api/things?q=toaster')).body.items).toEqual([]);
    expect((await member.get(`/api/things/${thing.body.id}`)).body.archived).toBe(true);
  });
});
