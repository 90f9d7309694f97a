import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth.service.js';
import { systemActor } from '../../src/core/actor.js';
import { MembersService } from '../../src/members/members.service.js';
import { createTestApp, loginAs, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';

const DOMAIN = 'jabber.example.org';
// Passes the policy: long, not common, not the name.
const JABBER_PASSWORD = 'Wolkenkuckucksheim:mit:Doppelpunkten';

describe('Jabber login endpoints', () => {
  let t: TestApp;
  let token: string;
  let admin: Awaited<ReturnType<typeof loginAs>>;
  const bearer = () => ({ Authorization: `Bearer ${token}` });
  const auth = (user: string, password: string, server = DOMAIN) =>
    t.http.post('/api/jabber/auth').set(bearer()).send({ user, server, password });
  const isUser = (user: string, server = DOMAIN) =>
    t.http.post('/api/jabber/isuser').set(bearer()).send({ user, server });

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_JABBER_DOMAIN: DOMAIN, ALLMENDE_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    admin = await loginAs(t, 'admin', { firstName: 'Clara', lastName: 'Zetkin' });
    const res = await admin.post('/api/auth/tokens').send({ name: 'ejabberd', scopes: ['jabber:auth'] });
    expect(res.status).toBe(201);
    token = (res.body as { token: string }).token;
  });
  afterAll(() => t.close());

  it('says yes to an active member with the one password, and no to a wrong one', async () => {
    const m = await makeMember(t, {
      firstName: 'Karl',
      lastName: 'Kautsky',
      password: JABBER_PASSWORD,
      state: 'active',
    });
    expect((await auth(m.username, JABBER_PASSWORD)).body).toEqual({ ok: true });
    // ejabberd hands over the node in lower case; the domain too, but be lenient.
    expect((await auth(m.username.toUpperCase(), JABBER_PASSWORD, DOMAIN.toUpperCase())).body).toEqual({ ok: true });
    expect((await auth(m.username, 'Wolkenkuckucksheim')).body).toEqual({ ok: false });
    expect((await isUser(m.username)).body).toEqual({ exists: true });
  });

  it('says no on another domain, for nobody, and for a registered (not yet active) member', async () => {
    const m = await makeMember(t, {
      firstName: 'Eduard',
      lastName: 'Bernstein',
      password: JABBER_PASSWORD,
      state: 'active',
    });
    expect((await auth(m.username, JABBER_PASSWORD, 'example.net')).body).toEqual({ ok: false });
    expect((await isUser(m.username, 'example.net')).body).toEqual({ exists: false });
    expect((await auth('niemand', JABBER_PASSWORD)).body).toEqual({ ok: false });
    expect((await isUser('niemand')).body).toEqual({ exists: false });
    const registered = await makeMember(t, {
      firstName: 'Paul',
      lastName: 'Singer',
      password: JABBER_PASSWORD,
      state: 'registered',
    });
    expect((await auth(registered.username, JABBER_PASSWORD)).body).toEqual({ ok: false });
    expect((await isUser(registered.username)).body).toEqual({ exists: false });
  });

  it('says no at once after suspension and exit', async () => {
    const actor = systemActor('test');
    const members = t.app.get(MembersService);
    for (const state of ['suspended', 'left'] as const) {
      const m = await makeMember(t, { lastName: `Weg${state}`, password: JABBER_PASSWORD, state: 'active' });
      expect((await auth(m.username, JABBER_PASSWORD)).body).toEqual({ ok: true });
      await members.changeState(actor, m.id, state);
      expect((await auth(m.username, JABBER_PASSWORD)).body).toEqual({ ok: false });
      expect((await isUser(m.username)).body).toEqual({ exists: false });
    }
  });

  it('accepts the new password and refuses the old one right after a change (cache included)', async () => {
    const m = await makeMember(t, {
      firstName: 'Wilhelm',
      lastName: 'Liebknecht',
      password: JABBER_PASSWORD,
      state: 'active',
    });
    expect((await auth(m.username, JABBER_PASSWORD)).body).toEqual({ ok: true });
    expect((await auth(m.username, JABBER_PASSWORD)).body).toEqual({ ok: true });
    const changed = 'Ein ganz anderes Passwort 2026';
    await makeMemberPassword(t, m.id, changed);
    expect((await auth(m.username, JABBER_PASSWORD)).body).toEqual({ ok: false });
    expect((await auth(m.username, changed)).body).toEqual({ ok: true });
  });

  it('shares the failure limit per account with the web login', async () => {
    const m = await makeMember(t, {
      firstName: 'Louise',
      lastName: 'Otto',
      password: JABBER_PASSWORD,
      state: 'active',
    });
    // Two failures on the web, one over Jabber: the account's limit (3) is reached for both ways in.
    for (let i = 0; i < 2; i++) {
      expect(
        (await t.http.post('/api/auth/login').send({ login: m.username, password: 'falsch-falsch-falsch' })).status,
      ).toBe(401);
    }
    expect((await auth(m.username, 'falsch-falsch-falsch')).body).toEqual({ ok: false });
    const limited = await auth(m.username, JABBER_PASSWORD);
    expect(limited.status).toBe(429);
    const web = await t.http.post('/api/auth/login').send({ login: m.username, password: JABBER_PASSWORD });
    expect(web.status).toBe(429);
  });

  it('is only for API tokens with the jabber:auth scope', async () => {
    // A logged-in admin's session: refused (a machine's endpoint, not a password oracle for people).
    expect((await admin.post('/api/jabber/auth').send({ user: 'x', server: DOMAIN, password: 'y' })).status).toBe(403);
    const other = await admin.post('/api/auth/tokens').send({ name: 'lesen', scopes: ['members:read'] });
    const res = await t.http
      .post('/api/jabber/isuser')
      .set('Authorization', `Bearer ${(other.body as { token: string }).token}`)
      .send({ user: 'x', server: DOMAIN });
    expect(res.status).toBe(403);
    expect((await t.http.post('/api/jabber/isuser').send({ user: 'x', server: DOMAIN })).status).toBe(401);
  });

  it('refuses a body that is not a request', async () => {
    expect((await t.http.post('/api/jabber/auth').set(bearer()).send({ user: 'x' })).status).toBe(400);
  });
});

describe('Jabber login endpoints without ALLMENDE_JABBER_DOMAIN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers 409 naming the missing variable', async () => {
    const admin = await loginAs(t, 'admin');
    const created = await admin.post('/api/auth/tokens').send({ name: 'ejabberd', scopes: ['jabber:auth'] });
    const res = await t.http
      .post('/api/jabber/auth')
      .set('Authorization', `Bearer ${(created.body as { token: string }).token}`)
      .send({ user: 'x', server: 'example.org', password: PASSWORD });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toContain('ALLMENDE_JABBER_DOMAIN');
  });
});

async function makeMemberPassword(t: TestApp, memberId: number, password: string): Promise<void> {
  await t.orm.em.fork().transactional(async (em) => {
    const member = await t.app.get(MembersService).requireMember(em, memberId);
    await t.app.get(AuthService).setPassword(em, systemActor('test'), member, password);
  });
}
