import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNext } from '../../src/web/pages.controller.js';
import { createTestApp, loginAs, makeMember, PASSWORD, postForm, type TestApp } from '../support/test-app.js';

let t: TestApp;
let thingId: number;

beforeAll(async () => {
  t = await createTestApp();
  const helper = await loginAs(t, 'helper');
  const res = await helper
    .post('/api/things')
    .send({ name: 'Lötstation <Weller>', slug: 'loetstation', tags: ['löten'] });
  expect(res.status).toBe(201);
  thingId = res.body.id as number;
});
afterAll(() => t.close());

describe('login page', () => {
  it('sends a stranger who scans a label to the login, and back to the thing after it', async () => {
    const first = await t.http.get(`/things/${thingId}`).set('Accept', 'text/html');
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/login?next=%2Fthings%2F${thingId}`);
    const form = await t.http.get(first.headers.location ?? '');
    expect(form.text).toContain(`action="/login?next=%2Fthings%2F${thingId}"`);

    const m = await makeMember(t, { password: PASSWORD, state: 'active' });
    const wrong = await postForm(t, `/login?next=/things/${thingId}`, {
      login: m.username,
      password: 'falsch falsch falsch',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Anmelden hat nicht geklappt');
    expect(wrong.text).toContain(`value="${m.username}"`);

    const ok = await postForm(t, `/login?next=/things/${thingId}`, { login: m.username, password: PASSWORD });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/things/${thingId}`);
    const cookie =
      [ok.headers['set-cookie']]
        .flat()
        .map(String)
        .find((c) => c.startsWith('allmende_session='))
        ?.split(';')[0] ?? '';
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly/i);

    for (const ref of [String(thingId), 'loetstation']) {
      const page = await t.http.get(`/things/${ref}`).set('Accept', 'text/html').set('Cookie', cookie);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Lötstation &lt;Weller&gt;</h1>');
      expect(page.text).toContain('Da und nicht ausgeliehen');
    }
    const missing = await t.http.get('/things/gibtsnicht').set('Accept', 'text/html').set('Cookie', cookie);
    expect(missing.status).toBe(404);
  });

  it('goes only to paths on this site after the login', () => {
    expect(safeNext('/things/1')).toBe('/things/1');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
  });
});
