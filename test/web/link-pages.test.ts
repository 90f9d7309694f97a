import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordResetService } from '../../src/auth/password-reset.service.js';
import { OutboxWorker } from '../../src/notifications/outbox.worker.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { createTestApp, loginAs, PASSWORD, postForm, PUBLIC_URL, type TestApp } from '../support/test-app.js';

// The pages the mailed links open, as a browser without JavaScript uses them: forms posted as
// application/x-www-form-urlencoded from our own origin.
let t: TestApp;
let smtp: SmtpSink;
let board: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  smtp = await new SmtpSink().start();
  t = await createTestApp({
    ...smtp.env(),
    ALLMENDE_MAIL_DOMAIN: 'club.example',
    ALLMENDE_RESET_MAX_PER_ADDRESS: '1000',
  });
  board = await loginAs(t, 'board');
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

async function lastLink(to: string, path: string): Promise<string> {
  await t.app.get(PasswordResetService).settled();
  for (let i = 0; i < 5; i++) if ((await t.app.get(OutboxWorker).runOnce()).claimed === 0) break;
  const mails = smtp.received.filter((m: ParsedMail) =>
    (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text === to),
  );
  const match = new RegExp(`${PUBLIC_URL}(/${path}/\\d+/[A-Za-z0-9_-]{43})`).exec(mails.at(-1)?.text ?? '');
  if (!match?.[1]) throw new Error(`no ${path} link for ${to}`);
  return match[1];
}

const form = (path: string, fields: Record<string, string>, origin = PUBLIC_URL) =>
  postForm(t, path, fields, { origin });

let n = 0;
async function invited(firstName = 'Clara') {
  n++;
  const privateEmail = `page${n}@private.example`;
  const res = await board
    .post('/api/members')
    .send({ firstName, lastName: `Zetkin${n}`, memberNumber: `77${n}`, privateEmail });
  expect(res.status).toBe(201);
  return {
    id: res.body.id as number,
    username: res.body.username as string,
    privateEmail,
    link: await lastLink(privateEmail, 'register'),
  };
}

describe('registration page', () => {
  it('shows the choices with the name escaped, and a GET changes nothing', async () => {
    const m = await invited('<script>alert(1)</script>');
    for (let i = 0; i < 2; i++) {
      const page = await t.http.get(m.link);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.text).not.toContain('<script>alert(1)</script>');
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.text).toContain(`${m.username}@club.example`);
      expect(page.text).toContain(`mitglied-77${n}@club.example`);
      expect(page.text).toMatch(/name="forwardToPrivate" value="on" checked/);
    }
  });

  it('keeps what was chosen and shows the error at the field, then registers', async () => {
    const m = await invited();
    const mismatch = await form(m.link, {
      pseudonymousAddress: 'on',
      password: 'ein gutes langes Passwort',
      password2: 'ein anderes',
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('Die beiden Passwörter stimmen nicht überein.');
    expect(mismatch.text).toMatch(/name="pseudonymousAddress" value="on" checked/);
    expect(mismatch.text).not.toMatch(/name="namedAddress" value="on" checked/);
    expect(mismatch.text).toContain('aria-invalid="true" aria-describedby="password-error"');

    const weak = await form(m.link, { namedAddress: 'on', password: 'Passwort123!', password2: 'Passwort123!' });
    expect(weak.status).toBe(400);
    expect(weak.text).toMatch(/id="password-error">ist ein verbreitetes Passwort \(es steht in Listen geleakter/);
    const fields = { namedAddress: 'on', password: 'Passwort123!', password2: 'Passwort123!' };
    const weakEn = await form(m.link, fields).set('Accept-Language', 'en');
    expect(weakEn.text).toMatch(/id="password-error">is a common password \(found in lists of leaked passwords\)/);

    const ok = await form(m.link, {
      namedAddress: 'on',
      forwardToPrivate: 'on',
      password: 'ein gutes langes Passwort',
      password2: 'ein gutes langes Passwort',
    });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Der Vorstand schaltet deinen Zugang frei');
    const view = (await board.get(`/api/members/${m.id}`)).body;
    expect(view).toMatchObject({
      state: 'registered',
      hasPassword: true,
      mailChoices: { namedAddress: true, pseudonymousAddress: false, forwardToPrivate: true },
    });

    const used = await t.http.get(m.link).set('Accept-Language', 'en-GB,en;q=0.9,de;q=0.5');
    expect(used.status).toBe(410);
    expect(used.text).toContain('This link is no longer valid');
    expect(used.text).toContain('ask the board for a new welcome mail');
  });

  it('refuses a form posted from another origin', async () => {
    const m = await invited();
    const res = await form(m.link, { namedAddress: 'on' }, 'https://evil.example');
    expect(res.status).toBe(403);
    expect((await board.get(`/api/members/${m.id}`)).body.state).toBe('invited');
  });
});

describe('password reset pages', () => {
  it('answers the request alike, sets the new password from the link once, then offers a new request', async () => {
    const m = await invited();
    await form(m.link, { namedAddress: 'on', password: PASSWORD, password2: PASSWORD });
    await board.post(`/api/members/${m.id}/state`).send({ state: 'active' });

    expect((await t.http.get('/reset')).text).toContain('name="login"');
    const existing = await form('/reset', { login: m.username });
    const missing = await form('/reset', { login: 'gibt.es.nicht' });
    expect(existing.status).toBe(200);
    expect(missing.text).toBe(existing.text);

    const link = await lastLink(m.privateEmail, 'reset');
    const page = await t.http.get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain(m.username);
    const mismatch = await form(link, { password: 'Kanonenrohr Pflaumenbaum 7', password2: 'x' });
    expect(mismatch.status).toBe(400);
    const ok = await form(link, { password: 'Kanonenrohr Pflaumenbaum 7', password2: 'Kanonenrohr Pflaumenbaum 7' });
    expect(ok.status).toBe(200);
    expect(
      (await t.http.post('/api/auth/login').send({ login: m.username, password: 'Kanonenrohr Pflaumenbaum 7' })).status,
    ).toBe(200);

    const again = await t.http.get(link);
    expect(again.status).toBe(410);
    expect(again.text).toContain('href="/reset"');
  });
});

describe('address confirmation page', () => {
  it('confirms only on the button, not on opening the link', async () => {
    const member = await loginAs(t, 'member', { privateEmail: 'vorher@private.example' });
    await member.post('/api/me/email').send({ email: 'nachher@private.example' });
    const link = await lastLink('nachher@private.example', 'email-change');
    expect((await t.http.get(link)).text).toContain('<form method="post"');
    expect((await member.get('/api/me')).body.privateEmail).toBe('vorher@private.example');
    const ok = await form(link, {});
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('nachher@private.example');
    expect((await member.get('/api/me')).body.privateEmail).toBe('nachher@private.example');
  });
});

describe('assets', () => {
  it('serves Pico.css with a cache header', async () => {
    const css = await t.http.get('/assets/pico.min.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toMatch(/max-age=\d+/);
  });
});
