import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, PASSWORD, postForm, type TestApp } from '../support/test-app.js';

// What every page shares: the form token, the layout with the logout button, errors as pages.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('form tokens', () => {
  it('hands a first visitor a token cookie and puts the same token into every form', async () => {
    const res = await t.http.get('/login').set('Accept', 'text/html');
    const cookie = [res.headers['set-cookie']]
      .flat()
      .map(String)
      .find((c) => c.startsWith('allmende_csrf='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const value = /^allmende_csrf=([^;]+)/.exec(cookie ?? '')?.[1];
    expect(res.text).toContain(`name="_csrf" value="${value}"`);
  });

  it('refuses a form without its token, or with another token, and changes nothing', async () => {
    const m = await makeMember(t, { password: PASSWORD, state: 'active' });
    const missing = await postForm(t, '/login', { login: m.username, password: PASSWORD }, { csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('Das Formular ist abgelaufen');
    expect(missing.headers['set-cookie']?.toString() ?? '').not.toContain('allmende_session=');
    const forged = await postForm(t, '/login', { login: m.username, password: PASSWORD }, { csrf: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
    const api = await t.http.post('/api/auth/login').type('form').send({ login: m.username, password: PASSWORD });
    expect(api.status).toBe(403);
    expect(api.body.error.code).toBe('FORBIDDEN');
    const ok = await postForm(t, '/login', { login: m.username, password: PASSWORD });
    expect(ok.status).toBe(303);
  });
});

describe('layout', () => {
  it('shows who is logged in and logs out with the header’s button', async () => {
    const member = await loginAs(t, 'member');
    const page = await member.page('/login');
    expect(page.text).toContain(`Angemeldet als ${member.member.username}`);
    expect(page.text).toContain('action="/logout"');
    expect(page.text).toContain('href="/me"');
    expect(page.text).not.toContain('href="/board"');
    const out = await member.form('/logout', {});
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect((await member.get('/api/me')).status).toBe(401);
  });

  it('answers a browser with pages: the login for a stranger, a page for what is missing', async () => {
    const stranger = await t.http.get('/things/1').set('Accept', 'text/html');
    expect(stranger.status).toBe(303);
    const missing = await t.http.get('/gibt/es/nicht').set('Accept', 'text/html').set('Accept-Language', 'en');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('text/html');
    expect(missing.text).toContain('There is no such page.');
    const program = await t.http.get('/gibt/es/nicht');
    expect(program.body.error.code).toBe('NOT_FOUND');
  });
});
