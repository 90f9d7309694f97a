import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth.service.js';
import { systemActor } from '../../src/core/actor.js';
import { MembersService } from '../../src/members/members.service.js';
import { createTestApp, loginAs, makeMember, PASSWORD, PUBLIC_URL, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

function sessionCookieOf(res: { headers: Record<string, unknown> }): string {
  const header = res.headers['set-cookie'];
  const cookies = Array.isArray(header) ? (header as string[]) : [String(header)];
  const cookie = cookies.find((c) => c.startsWith('allmende_session='));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  return cookie;
}

async function login(t: TestApp, loginName: string, password: string) {
  return t.http.post('/api/auth/login').send({ login: loginName, password });
}

async function setPassword(t: TestApp, memberId: number, password: string): Promise<void> {
  await t.orm.em.fork().transactional(async (em) => {
    const member = await t.app.get(MembersService).requireMember(em, memberId);
    await t.app.get(AuthService).setPassword(em, systemActor('test'), member, password);
  });
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('with the default limits', () => {
  let t: TestApp;
  let board: Agent;

  beforeAll(async () => {
    t = await createTestApp();
    board = await loginAs(t, 'board', { firstName: 'Rosa', lastName: 'Luxemburg' });
  });
  afterAll(() => t.close());

  describe('login', () => {
    let user: { id: number; username: string };

    beforeAll(async () => {
      user = await makeMember(t, {
        firstName: 'August',
        lastName: 'Bebel',
        privateEmail: 'august@example.org',
        password: PASSWORD,
        state: 'active',
      });
    });

    it.each([
      ['username', 'august.bebel'],
      ['e-mail', 'august@example.org'],
      ['e-mail in other case, with spaces', '  August@Example.ORG '],
    ])('works with the %s and sets an HttpOnly, SameSite=Strict session cookie', async (_, loginName) => {
      const res = await login(t, loginName, PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ username: user.username });
      const cookie = sessionCookieOf(res);
      expect(cookie).toMatch(/^allmende_session=[^;]+;/);
      expect(cookie).toMatch(/;\s*HttpOnly(;|$)/);
      expect(cookie).toMatch(/;\s*SameSite=Strict(;|$)/);
      expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
      const me = await t.http.get('/api/me').set('Cookie', cookie.split(';')[0] ?? '');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: user.id, username: user.username, role: 'member' });
    });

    it('answers a wrong password and an unknown user identically with 401', async () => {
      const wrongPassword = await login(t, 'august.bebel', 'not the password at all');
      const unknownUser = await login(t, 'nobody.here', 'not the password at all');
      expect(wrongPassword.status).toBe(401);
      expect(unknownUser.status).toBe(401);
      expect(wrongPassword.body).toEqual(unknownUser.body);
      expect(wrongPassword.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'wrong username or password' } });
      expect(wrongPassword.headers['set-cookie']).toBeUndefined();
    });

    it.each([
      ['invited, without a password', {}],
      ['invited, with a password', { password: PASSWORD }],
    ])('refuses a member who is %s', async (_, overrides) => {
      const m = await makeMember(t, overrides);
      const res = await login(t, m.username, PASSWORD);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a member who was suspended, and their open session stops working', async () => {
      const agent = await loginAs(t, 'member');
      expect((await board.post(`/api/members/${agent.member.id}/state`).send({ state: 'suspended' })).status).toBe(200);
      expect((await agent.get('/api/me')).status).toBe(401);
      expect((await login(t, agent.member.username, PASSWORD)).status).toBe(401);
    });

    it('refuses an empty login with 400', async () => {
      const res = await t.http.post('/api/auth/login').send({ login: '', password: '' });
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['login', 'password']);
    });
  });

  describe('sessions', () => {
    it('logout ends the session: the cookie no longer works', async () => {
      const agent = await loginAs(t, 'member');
      expect((await agent.get('/api/me')).status).toBe(200);
      const res = await agent.post('/api/auth/logout');
      expect(res.status).toBe(204);
      expect(sessionCookieOf(res)).toMatch(/Max-Age=0/);
      expect((await agent.get('/api/me')).status).toBe(401);
    });

    it('lists the open sessions and revokes one, leaving the others', async () => {
      const first = await loginAs(t, 'member');
      const secondLogin = await t.http
        .post('/api/auth/login')
        .set('User-Agent', 'second browser')
        .send({ login: first.member.username, password: PASSWORD });
      const second = sessionCookieOf(secondLogin).split(';')[0] ?? '';

      const list = await first.get('/api/auth/sessions');
      expect(list.status).toBe(200);
      const sessions = list.body as { id: string; userAgent: string | null; expiresAt: string }[];
      expect(sessions).toHaveLength(2);
      for (const s of sessions) {
        expect(s).toMatchObject({ id: expect.any(String), expiresAt: expect.any(String) });
        expect(s).not.toHaveProperty('tokenHash');
      }
      const secondSession = sessions.find((s) => s.userAgent === 'second browser');
      expect(secondSession).toBeDefined();

      expect((await first.delete(`/api/auth/sessions/${secondSession?.id}`)).status).toBe(204);
      expect((await t.http.get('/api/me').set('Cookie', second)).status).toBe(401);
      expect((await first.get('/api/me')).status).toBe(200);
      expect((await first.get('/api/auth/sessions')).body.map((s: { id: string }) => s.id)).not.toContain(
        secondSession?.id,
      );
    });

    it('a member cannot revoke somebody else’s session', async () => {
      const victim = await loginAs(t, 'member');
      const [session] = (await victim.get('/api/auth/sessions')).body as { id: string }[];
      const attacker = await loginAs(t, 'member');
      const res = await attacker.delete(`/api/auth/sessions/${session?.id}`);
      expect(res.status).toBe(404);
      expect((await victim.get('/api/me')).status).toBe(200);
    });

    it('setting a new password ends every open session; only the new password logs in', async () => {
      const agent = await loginAs(t, 'member');
      const other = sessionCookieOf(await login(t, agent.member.username, PASSWORD)).split(';')[0] ?? '';
      await setPassword(t, agent.member.id, 'ein ganz anderes langes Passwort');
      expect((await agent.get('/api/me')).status).toBe(401);
      expect((await t.http.get('/api/me').set('Cookie', other)).status).toBe(401);
      expect((await login(t, agent.member.username, PASSWORD)).status).toBe(401);
      expect((await login(t, agent.member.username, 'ein ganz anderes langes Passwort')).status).toBe(200);
    });

    it('stores only the SHA-256 of the session token', async () => {
      const agent = await loginAs(t, 'member');
      const token = decodeURIComponent(agent.cookie.slice('allmende_session='.length));
      const rows = await t.orm.em
        .fork()
        .execute<{ token_hash: string }[]>('select s.token_hash from session s where s.member_id = ?', [
          agent.member.id,
        ]);
      expect(rows).toEqual([{ token_hash: sha256(token) }]);
      expect(JSON.stringify(rows)).not.toContain(token);
    });
  });

  describe('cross-origin protection', () => {
    it.each([
      ['no Origin header', undefined],
      ['a foreign Origin', 'https://evil.example'],
      ['an Origin differing in scheme', PUBLIC_URL.replace('http:', 'https:')],
    ])('refuses a cookie-authenticated write with %s', async (_, origin) => {
      let req = t.http.post('/api/members').set('Cookie', board.cookie);
      if (origin) req = req.set('Origin', origin);
      const res = await req.send({ firstName: 'Cross', lastName: 'Site' });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/cross-origin/);
    });

    it('refuses a login posted from another origin (login CSRF) but not one without an Origin', async () => {
      const agent = await loginAs(t, 'member');
      const forged = await t.http
        .post('/api/auth/login')
        .set('Origin', 'https://evil.example')
        .send({ login: agent.member.username, password: PASSWORD });
      expect(forged.status).toBe(403);
      expect(forged.headers['set-cookie']).toBeUndefined();
      const plain = await t.http.post('/api/auth/login').send({ login: agent.member.username, password: PASSWORD });
      expect(plain.status).toBe(200);
    });

    it('accepts a cookie-authenticated write with a matching Referer instead of Origin', async () => {
      const res = await t.http
        .post('/api/members')
        .set('Cookie', board.cookie)
        .set('Referer', `${PUBLIC_URL}/members/new`)
        .send({ firstName: 'Same', lastName: 'Site' });
      expect(res.status).toBe(201);
    });
  });

  describe('API tokens', () => {
    async function createToken(
      scopes: string[],
      name = `token-${scopes.join('+')}`,
    ): Promise<{ token: string; id: string }> {
      const res = await board.post('/api/auth/tokens').send({ name, scopes });
      expect(res.status).toBe(201);
      return res.body as { token: string; id: string };
    }

    const bearer = (token: string) => `Bearer ${token}`;

    it('is shown once on creation and never listed again', async () => {
      const res = await board.post('/api/auth/tokens').send({ name: 'directory sync', scopes: ['members:read'] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'directory sync',
        scopes: ['members:read'],
        token: expect.stringMatching(/^am_/),
      });
      const list = await board.get('/api/auth/tokens');
      expect(list.status).toBe(200);
      const listed = (list.body as Record<string, unknown>[]).find((x) => x.id === res.body.id);
      expect(listed).toMatchObject({ name: 'directory sync' });
      expect(JSON.stringify(list.body)).not.toContain(res.body.token);
      expect(listed).not.toHaveProperty('tokenHash');
    });

    it('a members:read token may read but not write', async () => {
      const { token } = await createToken(['members:read']);
      const read = await t.http.get('/api/members').set('Authorization', bearer(token));
      expect(read.status).toBe(200);
      expect(read.body.total).toBeGreaterThan(0);
      const write = await t.http
        .post('/api/members')
        .set('Authorization', bearer(token))
        .send({ firstName: 'Nur', lastName: 'Lesen' });
      expect(write.status).toBe(403);
      expect(write.body.error.message).toMatch(/members:write/);
    });

    it('a members:write token may write, without any Origin header', async () => {
      const { token } = await createToken(['members:read', 'members:write']);
      const res = await t.http
        .post('/api/members')
        .set('Authorization', bearer(token))
        .send({ firstName: 'Per', lastName: 'Token' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ username: 'per.token' });
    });

    it('a token acts with its owner’s role: a board token cannot do admin things even with the admin scope', async () => {
      const { token } = await createToken(['admin']);
      const res = await t.http
        .post('/api/profile-fields')
        .set('Authorization', bearer(token))
        .send({ key: 'tokenField', label: 'Token field' });
      expect(res.status).toBe(403);
    });

    it('a revoked token gets 401', async () => {
      const { token, id } = await createToken(['members:read']);
      expect((await t.http.get('/api/members').set('Authorization', bearer(token))).status).toBe(200);
      expect((await board.delete(`/api/auth/tokens/${id}`)).status).toBe(204);
      const res = await t.http.get('/api/members').set('Authorization', bearer(token));
      expect(res.status).toBe(401);
      expect((await board.get('/api/auth/tokens')).body.map((x: { id: string }) => x.id)).not.toContain(id);
    });

    it.each([
      ['an unknown token', 'am_this-token-does-not-exist'],
      ['a session token sent as a bearer token', undefined],
    ])('refuses %s with 401', async (_, value) => {
      const token = value ?? decodeURIComponent(board.cookie.slice('allmende_session='.length));
      const res = await t.http.get('/api/members').set('Authorization', bearer(token));
      expect(res.status).toBe(401);
    });

    it('a member (not board) cannot create tokens', async () => {
      const member = await loginAs(t, 'member');
      const res = await member.post('/api/auth/tokens').send({ name: 'mine', scopes: ['members:read'] });
      expect(res.status).toBe(403);
      const rows = await t.orm.em
        .fork()
        .execute<{ n: string }[]>('select count(*) as n from api_token where owner_id = ?', [member.member.id]);
      expect(Number(rows[0]?.n)).toBe(0);
    });

    it('a token cannot create a token with more scopes than it has itself', async () => {
      const { token } = await createToken(['members:read']);
      const res = await t.http
        .post('/api/auth/tokens')
        .set('Authorization', bearer(token))
        .send({ name: 'escalated', scopes: ['members:write', 'admin'] });
      expect(res.status).toBe(403);
      const rows = await t.orm.em
        .fork()
        .execute<{ name: string }[]>("select name from api_token where name = 'escalated'");
      expect(rows).toEqual([]);
    });

    it('a read-only token cannot change its owner’s record through /api/me', async () => {
      const { token } = await createToken(['members:read']);
      const before = (await board.get('/api/me')).body as { displayName: string };
      const res = await t.http
        .patch('/api/me')
        .set('Authorization', bearer(token))
        .send({ displayName: 'Changed by a read token' });
      expect(res.status).toBe(403);
      expect((await board.get('/api/me')).body.displayName).toBe(before.displayName);
    });

    it.each([
      ['get', '/api/me'],
      ['get', '/api/auth/sessions'],
      ['get', '/api/auth/tokens'],
      ['post', '/api/auth/logout'],
    ] as const)(
      'a token, even with every scope, is refused on %s %s (routes for people only)',
      async (method, path) => {
        const { token } = await createToken(['members:read', 'members:write', 'members:export', 'admin']);
        const res = await t.http[method](path).set('Authorization', bearer(token));
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(/not open to API tokens/);
      },
    );

    it('stores only the SHA-256 of the token', async () => {
      const { token, id } = await createToken(['members:read'], 'hash check');
      const rows = await t.orm.em
        .fork()
        .execute<{ token_hash: string }[]>('select token_hash from api_token where id = ?', [id]);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.token_hash).not.toBe(token);
      expect(rows[0]?.token_hash).toBe(sha256(token));
      const all = await t.orm.em.fork().execute<Record<string, unknown>[]>('select * from api_token');
      expect(JSON.stringify(all)).not.toContain(token);
    });
  });
});

describe('failed logins per account', () => {
  let t: TestApp;
  let user: { id: number; username: string };
  let other: { id: number; username: string };

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    user = await makeMember(t, { firstName: 'Gesperrt', lastName: 'Konto', password: PASSWORD, state: 'active' });
    other = await makeMember(t, { firstName: 'Anderes', lastName: 'Konto', password: PASSWORD, state: 'active' });
  });
  afterAll(() => t.close());

  it('a success before the limit resets the count', async () => {
    for (let i = 0; i < 2; i++) expect((await login(t, other.username, 'wrong password!')).status).toBe(401);
    expect((await login(t, other.username, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await login(t, other.username, 'wrong password!')).status).toBe(401);
    expect((await login(t, other.username, PASSWORD)).status).toBe(200);
  });

  it('after the limit even the right password gets 429 with Retry-After; other accounts are not affected', async () => {
    for (let i = 0; i < 3; i++) expect((await login(t, user.username, 'wrong password!')).status).toBe(401);
    const blocked = await login(t, user.username, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['set-cookie']).toBeUndefined();
    // The same account by its other spelling is the same account.
    expect((await login(t, user.username.toUpperCase(), PASSWORD)).status).toBe(429);
    expect((await login(t, other.username, PASSWORD)).status).toBe(200);
  });
});

describe('failed logins per client address', () => {
  let t: TestApp;
  let user: { id: number; username: string };

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    user = await makeMember(t, { firstName: 'Adresse', lastName: 'Gesperrt', password: PASSWORD, state: 'active' });
  });
  afterAll(() => t.close());

  it('after the limit, failures on different accounts block every login from the address', async () => {
    for (const name of ['guess.one', 'guess.two', 'guess.three'])
      expect((await login(t, name, 'wrong password!')).status).toBe(401);
    const blocked = await login(t, user.username, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.error.message).toMatch(/too many failed logins/);
  });
});
