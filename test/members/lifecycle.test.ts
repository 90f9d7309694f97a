import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitService } from '../../src/members/exit.service.js';
import { PasswordResetService } from '../../src/auth/password-reset.service.js';
import { OutboxWorker } from '../../src/notifications/outbox.worker.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { createTestApp, loginAs, makeMember, PASSWORD, PUBLIC_URL, type TestApp } from '../support/test-app.js';

// The member lifecycle end to end through HTTP, with a real SMTP server receiving the mails.
const BOARD = 'vorstand@hackspace.example';
const NEW_PASSWORD = 'Kanonenrohr Pflaumenbaum 7';

let t: TestApp;
let smtp: SmtpSink;
let board: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  smtp = await new SmtpSink().start();
  t = await createTestApp({
    ...smtp.env(),
    ALLMENDE_BOARD_ADDRESS: BOARD,
    ALLMENDE_MAIL_DOMAIN: 'hackspace.example',
    ALLMENDE_CLUB_NAME: 'Hackspace',
    ALLMENDE_RESET_MAX_PER_ADDRESS: '1000',
  });
  board = await loginAs(t, 'board');
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

// Sends what the outbox holds (the worker, as in production) and returns the new mails to `to`.
async function mailsTo(to: string): Promise<ParsedMail[]> {
  await t.app.get(PasswordResetService).settled();
  for (let i = 0; i < 10; i++) {
    const run = await t.app.get(OutboxWorker).runOnce();
    if (run.claimed === 0) break;
  }
  return smtp.received.filter((m) => recipients(m).includes(to));
}

function recipients(m: ParsedMail): string[] {
  const list = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
  return list.flatMap((a) => a.value.map((v) => v.address ?? ''));
}

function linkIn(mail: ParsedMail | undefined, path: string): { memberId: number; key: string } {
  const match = new RegExp(`${PUBLIC_URL}/${path}/(\\d+)/([A-Za-z0-9_-]{43})`).exec(mail?.text ?? '');
  if (!match) throw new Error(`no /${path}/ link in: ${mail?.text ?? '(no mail)'}`);
  return { memberId: Number(match[1]), key: match[2] ?? '' };
}

let counter = 0;
async function intake(extra: Record<string, unknown> = {}) {
  counter++;
  const privateEmail = `person${counter}@private.example`;
  const res = await board.post('/api/members').send({
    firstName: 'Rosa',
    lastName: `Luxemburg${counter}`,
    memberNumber: `${100000 + counter}`,
    privateEmail,
    ...extra,
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as number, username: res.body.username as string, privateEmail };
}

async function registered(password: string | null = PASSWORD) {
  const m = await intake();
  const link = linkIn((await mailsTo(m.privateEmail)).at(-1), 'register');
  const res = await t.http
    .post('/api/registration')
    .send({ ...link, namedAddress: true, pseudonymousAddress: true, forwardToPrivate: true, password });
  expect(res.status).toBe(200);
  return m;
}

async function active(password: string | null = PASSWORD) {
  const m = await registered(password);
  expect((await board.post(`/api/members/${m.id}/state`).send({ state: 'active' })).status).toBe(200);
  return m;
}

describe('intake → welcome → registration → board notice → activation → member notice', () => {
  it('goes through the whole flow with the mails a member and the board would get', async () => {
    const m = await intake();

    const [welcome, ...more] = await mailsTo(m.privateEmail);
    expect(more).toEqual([]);
    expect(welcome?.subject).toBe('Willkommen bei Hackspace');
    expect(welcome?.headers.get('auto-submitted')).toBe('auto-generated');
    const link = linkIn(welcome, 'register');
    expect(link.memberId).toBe(m.id);
    expect(welcome?.subject).not.toContain(link.key);
    expect(welcome?.html).toContain(link.key);

    const preview = await t.http.post('/api/registration/preview').send(link);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      username: m.username,
      namedAddress: `${m.username}@hackspace.example`,
      pseudonymousAddress: `mitglied-${100000 + counter}@hackspace.example`,
    });

    const done = await t.http.post('/api/registration').send({
      ...link,
      namedAddress: true,
      pseudonymousAddress: false,
      forwardToPrivate: true,
      password: NEW_PASSWORD,
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ username: m.username, state: 'registered', serviceAccess: true });

    const notice = (await mailsTo(BOARD)).find((x) => x.text?.includes(m.username));
    expect(notice?.text).toContain(`${PUBLIC_URL}/members/${m.id}`);
    const pending = await board.get('/api/registrations');
    expect(pending.body.items.map((x: { id: number }) => x.id)).toContain(m.id);

    expect((await board.post(`/api/members/${m.id}/state`).send({ state: 'active' })).status).toBe(200);
    const [activeMail] = (await mailsTo(m.privateEmail)).slice(1);
    expect(activeMail?.text).toContain(m.username);
    expect(activeMail?.text).toContain(`${m.username}@hackspace.example`);
    expect(activeMail?.text).not.toContain('mitglied-');
    expect(activeMail?.text).not.toContain(NEW_PASSWORD);

    const view = await board.get(`/api/members/${m.id}`);
    expect(view.body).toMatchObject({
      state: 'active',
      mailChoices: { namedAddress: true, pseudonymousAddress: false, forwardToPrivate: true },
    });
    expect(view.body.registeredAt).not.toBeNull();
    expect(view.body.activatedAt).not.toBeNull();
    const login = await t.http.post('/api/auth/login').send({ login: m.username, password: NEW_PASSWORD });
    expect(login.status).toBe(200);
  });

  it('works once: the same link a second time is refused with 410 and a way out', async () => {
    const m = await intake();
    const link = linkIn((await mailsTo(m.privateEmail))[0], 'register');
    const body = { ...link, namedAddress: false, pseudonymousAddress: false, forwardToPrivate: true };
    expect((await t.http.post('/api/registration').send(body)).status).toBe(200);
    const again = await t.http.post('/api/registration').send(body);
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('LINK_INVALID');
    expect(again.body.error.message).toMatch(/ask the board to send a new welcome mail/);
  });

  it('refuses a tampered link, the old link after a resend, and an expired link — alike', async () => {
    const m = await intake();
    const first = linkIn((await mailsTo(m.privateEmail))[0], 'register');
    const flipped = first.key.slice(0, -1) + (first.key.endsWith('A') ? 'B' : 'A');
    const tampered = await t.http.post('/api/registration/preview').send({ ...first, key: flipped });
    expect(tampered.status).toBe(410);
    const otherMember = await t.http.post('/api/registration/preview').send({ ...first, memberId: first.memberId + 1 });
    expect(otherMember.status).toBe(410);
    expect(otherMember.body).toEqual(tampered.body);

    expect((await board.post(`/api/members/${m.id}/welcome`)).status).toBe(200);
    const second = linkIn((await mailsTo(m.privateEmail))[1], 'register');
    expect(second.key).not.toBe(first.key);
    expect((await t.http.post('/api/registration/preview').send(first)).status).toBe(410);
    expect((await t.http.post('/api/registration/preview').send(second)).status).toBe(200);

    await t.orm.em
      .fork()
      .execute(`update link_token set expires_at = now() - interval '1 second' where member_id = ?`, [m.id]);
    const expired = await t.http.post('/api/registration/preview').send(second);
    expect(expired.status).toBe(410);
    expect(expired.body).toEqual(tampered.body);
    const garbage = await t.http.post('/api/registration/preview').send({ memberId: m.id, key: 'short' });
    expect(garbage.status).toBe(400);
  });

  it('refuses weak passwords by name and keeps the link for the next try', async () => {
    const m = await intake();
    const link = linkIn((await mailsTo(m.privateEmail))[0], 'register');
    const tryPassword = (password: string) =>
      t.http
        .post('/api/registration')
        .send({ ...link, namedAddress: true, pseudonymousAddress: false, forwardToPrivate: true, password });
    for (const [password, problem] of [
      ['elf Zeichen', /at least 12 characters/],
      [m.username, /at least 12 characters|must not contain your name/],
      [`${m.username}-2024!`, /must not contain your name or username/],
      ['Passwort123!', /common password/],
      ['Die rote Rosa im Garten', /must not contain your name/],
    ] as const) {
      const res = await tryPassword(password);
      expect(res.status, password).toBe(400);
      expect(res.body.error.fields.map((f: { message: string }) => f.message).join('; '), password).toMatch(problem);
    }
    expect((await tryPassword(NEW_PASSWORD)).status).toBe(200);
  });

  it('registers without a password (no service access) and refuses a pseudonymous address without a number', async () => {
    const noNumber = await intake({ memberNumber: null });
    const link = linkIn((await mailsTo(noNumber.privateEmail))[0], 'register');
    const refused = await t.http
      .post('/api/registration')
      .send({ ...link, namedAddress: false, pseudonymousAddress: true, forwardToPrivate: true });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([
      { field: 'pseudonymousAddress', message: expect.stringMatching(/member number/) },
    ]);
    const ok = await t.http
      .post('/api/registration')
      .send({ ...link, namedAddress: true, pseudonymousAddress: false, forwardToPrivate: false, password: null });
    expect(ok.body).toMatchObject({ state: 'registered', serviceAccess: false });
  });

  it('escapes HTML in a display name in the mail, and sends no welcome when asked not to', async () => {
    const m = await intake({ firstName: '<img src=x onerror=alert(1)>' });
    const [welcome] = await mailsTo(m.privateEmail);
    expect(welcome?.text).toContain('<img src=x onerror=alert(1)>');
    expect(welcome?.html).not.toContain('<img src=x');
    expect(welcome?.html).toContain('&#60;img src=x onerror=alert(1)&#62;');

    const quiet = await intake({ sendWelcome: false });
    expect(await mailsTo(quiet.privateEmail)).toEqual([]);
  });
});

describe('password reset', () => {
  it('answers the same for an existing and a missing account, and mails only the existing one', async () => {
    const m = await active();
    const existing = await t.http.post('/api/auth/reset').send({ login: m.username });
    const missing = await t.http.post('/api/auth/reset').send({ login: 'niemand.hier' });
    const byAddress = await t.http.post('/api/auth/reset').send({ login: 'nobody@private.example' });
    for (const res of [existing, missing, byAddress]) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual(existing.body);
      expect(res.headers['content-length']).toBe(existing.headers['content-length']);
    }
    const resets = (await mailsTo(m.privateEmail)).filter((x) => x.text?.includes('/reset/'));
    expect(resets).toHaveLength(1);
    expect(smtp.received.filter((x) => recipients(x).includes('nobody@private.example'))).toEqual([]);
  });

  it('sets the new password with the key once, ends every session, and tells the member', async () => {
    const m = await active();
    const session = await t.http.post('/api/auth/login').send({ login: m.username, password: PASSWORD });
    const cookie = String(session.headers['set-cookie']).split(';')[0] ?? '';
    expect((await t.http.get('/api/me').set('Cookie', cookie)).status).toBe(200);

    await t.http.post('/api/auth/reset').send({ login: m.privateEmail.toUpperCase() });
    const link = linkIn(
      (await mailsTo(m.privateEmail)).find((x) => x.text?.includes('/reset/')),
      'reset',
    );
    expect((await t.http.post('/api/auth/reset/check').send(link)).body.username).toBe(m.username);

    const weak = await t.http.post('/api/auth/reset/confirm').send({ ...link, password: 'Passwort123!' });
    expect(weak.status).toBe(400);
    const ok = await t.http.post('/api/auth/reset/confirm').send({ ...link, password: NEW_PASSWORD });
    expect(ok.status).toBe(204);
    const twice = await t.http.post('/api/auth/reset/confirm').send({ ...link, password: `${NEW_PASSWORD}!` });
    expect(twice.status).toBe(410);
    expect(twice.body.error.message).toMatch(/request a new one/);

    expect((await t.http.get('/api/me').set('Cookie', cookie)).status).toBe(401);
    expect((await t.http.post('/api/auth/login').send({ login: m.username, password: PASSWORD })).status).toBe(401);
    expect((await t.http.post('/api/auth/login').send({ login: m.username, password: NEW_PASSWORD })).status).toBe(200);
    const changed = (await mailsTo(m.privateEmail)).at(-1);
    expect(changed?.subject).toMatch(/Passwort|password/i);
    expect(changed?.text).not.toContain(NEW_PASSWORD);
  });

  it('makes one key per interval however often it is asked, and none for a member not active', async () => {
    const m = await active();
    for (let i = 0; i < 5; i++)
      expect((await t.http.post('/api/auth/reset').send({ login: m.username })).status).toBe(202);
    expect((await mailsTo(m.privateEmail)).filter((x) => x.text?.includes('/reset/'))).toHaveLength(1);

    const waiting = await registered();
    await t.http.post('/api/auth/reset').send({ login: waiting.username });
    expect((await mailsTo(waiting.privateEmail)).filter((x) => x.text?.includes('/reset/'))).toEqual([]);
  });

  it('refuses an expired key', async () => {
    const m = await active();
    await t.http.post('/api/auth/reset').send({ login: m.username });
    const link = linkIn(
      (await mailsTo(m.privateEmail)).find((x) => x.text?.includes('/reset/')),
      'reset',
    );
    await t.orm.em
      .fork()
      .execute(`update link_token set expires_at = now() - interval '1 second' where member_id = ?`, [m.id]);
    expect((await t.http.post('/api/auth/reset/confirm').send({ ...link, password: NEW_PASSWORD })).status).toBe(410);
  });

  it('limits a flood of 100 requests from one address (for one account and for many)', async () => {
    const flood = await createTestApp({ ALLMENDE_RESET_MAX_PER_ADDRESS: '20' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) {
        const res = await flood.http.post('/api/auth/reset').send({ login: i % 2 ? 'karl' : `someone${i}` });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(statuses.filter((s) => s === 202)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(80);
    } finally {
      await flood.close();
    }
  });
});

describe('changes', () => {
  it('changes the private address only when the new one confirms; the old one is told', async () => {
    const m = await active();
    const member = await loginAs(t, 'member', { privateEmail: 'alt@private.example' });
    const refused = await member.patch('/api/me').send({ privateEmail: 'neu@private.example' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields[0].message).toMatch(/POST \/api\/me\/email/);

    const taken = await member.post('/api/me/email').send({ email: m.privateEmail });
    expect(taken.status).toBe(409);

    const req = await member.post('/api/me/email').send({ email: 'Neu@Private.example' });
    expect(req.status).toBe(202);
    expect(req.body.pendingAddress).toBe('neu@private.example');
    const notice = await mailsTo('alt@private.example');
    expect(notice.at(-1)?.text).toContain('neu@private.example');
    expect((await member.get('/api/me')).body.privateEmail).toBe('alt@private.example');

    const link = linkIn((await mailsTo('neu@private.example'))[0], 'email-change');
    const ok = await t.http.post('/api/email-change/confirm').send(link);
    expect(ok.status).toBe(200);
    expect((await member.get('/api/me')).body.privateEmail).toBe('neu@private.example');
    expect((await t.http.post('/api/email-change/confirm').send(link)).status).toBe(410);
  });

  it('refuses the confirmation when another member took the address meanwhile', async () => {
    const member = await loginAs(t, 'member', { privateEmail: 'a1@private.example' });
    await member.post('/api/me/email').send({ email: 'contested@private.example' });
    const link = linkIn((await mailsTo('contested@private.example'))[0], 'email-change');
    await makeMember(t, { privateEmail: 'contested@private.example' });
    const res = await t.http.post('/api/email-change/confirm').send(link);
    expect(res.status).toBe(409);
    expect((await member.get('/api/me')).body.privateEmail).toBe('a1@private.example');
  });

  it('carries the display name along with a name change; a board rename keeps the old name taken', async () => {
    const m = await active();
    const renamed = await board.patch(`/api/members/${m.id}`).send({ lastName: 'Jogiches' });
    expect(renamed.body.member.displayName).toBe('Rosa Jogiches');
    expect(renamed.body.member.username).toBe(m.username);

    const byBoard = await board.post(`/api/members/${m.id}/username`).send({ username: 'rosa' });
    expect(byBoard.status).toBe(200);
    expect(byBoard.body.username).toBe('rosa');
    const other = await active();
    const reuse = await board.post(`/api/members/${other.id}/username`).send({ username: m.username });
    expect(reuse.status).toBe(409);
    const invalid = await board.post(`/api/members/${other.id}/username`).send({ username: 'Rosa L' });
    expect(invalid.status).toBe(400);
  });
});

describe('exit', () => {
  it('lists upcoming exits, undoes one before its day, and refuses to undo a due one', async () => {
    const m = await active();
    const future = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    expect((await board.post(`/api/members/${m.id}/exit`).send({ on: future, reason: 'moved away' })).status).toBe(200);
    expect((await board.get('/api/exits')).body).toContainEqual(expect.objectContaining({ id: m.id, exitOn: future }));
    expect(await t.app.get(ExitService).runDue()).not.toContain(m.id);
    expect((await board.delete(`/api/members/${m.id}/exit`)).status).toBe(204);
    expect((await board.get('/api/exits')).body.map((e: { id: number }) => e.id)).not.toContain(m.id);

    const today = new Date().toISOString().slice(0, 10);
    await board.post(`/api/members/${m.id}/exit`).send({ on: today });
    expect((await board.delete(`/api/members/${m.id}/exit`)).status).toBe(409);
  });

  it('on its day ends access, erases the personal data, keeps the username as a tombstone', async () => {
    const m = await active();
    const login = await t.http.post('/api/auth/login').send({ login: m.username, password: PASSWORD });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const today = new Date().toISOString().slice(0, 10);
    expect((await board.post(`/api/members/${m.id}/exit`).send({ on: today })).status).toBe(200);

    expect(await t.app.get(ExitService).runDue()).toContain(m.id);
    expect(await t.app.get(ExitService).runDue()).toEqual([]);

    expect((await t.http.get('/api/me').set('Cookie', cookie)).status).toBe(401);
    expect((await t.http.post('/api/auth/login').send({ login: m.username, password: PASSWORD })).status).toBe(401);
    const view = (await board.get(`/api/members/${m.id}`)).body;
    expect(view).toMatchObject({
      username: m.username,
      state: 'left',
      firstName: '',
      lastName: '',
      privateEmail: null,
      hasPassword: false,
      memberNumber: expect.any(String),
      groups: [],
    });
    expect(view.erasedAt).not.toBeNull();
    const history = (await board.get(`/api/members/${m.id}/history`)).body;
    expect(JSON.stringify(history)).not.toContain('Rosa');
    expect(JSON.stringify(history)).not.toContain(m.privateEmail);
    const rows = await t.orm.em
      .fork()
      .execute(`select count(*)::int as n from outbox_mail where to_address = ?`, [m.privateEmail]);
    expect(rows[0]?.n).toBe(0);

    // The username is never given again: not by intake of the same name, not by a rename.
    const same = await board.post('/api/members').send({ firstName: 'Rosa', lastName: m.username.split('.')[1] ?? '' });
    expect(same.body.username).not.toBe(m.username);
    expect((await board.post(`/api/members/${same.body.id}/username`).send({ username: m.username })).status).toBe(409);
    // And the data cannot be reset back in: the reset finds no one.
    await t.http.post('/api/auth/reset').send({ login: m.username });
    expect((await mailsTo(m.privateEmail)).filter((x) => x.text?.includes('/reset/'))).toEqual([]);
  });
});
