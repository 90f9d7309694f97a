import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CHROMIUM,
  launchChromium,
  phone,
  screenshots,
  seriousViolations,
  type AxeViolation,
} from '../support/browser.js';
import { describeLab } from '../support/lab.js';
import { mailedLink } from '../support/mail-links.js';
import { createServedApp, type ServedApp } from '../support/served-app.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { loginAs } from '../support/test-app.js';

// What a member does on a phone, in Debian's Chromium against the app on a loopback port, with
// the mails caught by a real SMTP server: registration from the welcome mail, login, password
// reset from the mail, the start page with opening the space. Screenshots of each step go to
// test-artifacts/screenshots/flows/; axe checks the pages for serious accessibility problems.
const FIRST_PASSWORD = 'ein sehr langes Passwort';
const NEW_PASSWORD = 'Kanonenrohr Pflaumenbaum 7';

describeLab('browser', [CHROMIUM], () => {
  let t: ServedApp;
  let smtp: SmtpSink;
  let browser: Browser;
  let board: Awaited<ReturnType<typeof loginAs>>;
  let shot: (page: Page, name: string) => Promise<string>;
  const member = { id: 0, username: '', privateEmail: 'ada@private.example' };
  const contexts: BrowserContext[] = [];

  async function newPhone(): Promise<Page> {
    const ctx = await phone(browser);
    contexts.push(ctx);
    return ctx.newPage();
  }

  // No serious or critical axe findings, listed in full when there are some.
  async function accessible(page: Page): Promise<void> {
    const found: AxeViolation[] = await seriousViolations(page);
    expect(found, `${page.url()}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
  }

  // Nothing sticks out sideways on a 360 px screen.
  async function fitsThePhone(page: Page): Promise<void> {
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width, `${page.url()} is ${width}px wide`).toBeLessThanOrEqual(360);
  }

  async function logIn(page: Page, login: string, password: string): Promise<void> {
    await page.goto(`${t.baseUrl}/login`);
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
  }

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    t = await createServedApp({
      ...smtp.env(),
      ALLMENDE_MAIL_DOMAIN: 'club.example',
      ALLMENDE_CLUB_NAME: 'Werkraum e.V.',
      ALLMENDE_RESET_MAX_PER_ADDRESS: '1000',
    });
    browser = await launchChromium();
    shot = screenshots('flows');
    board = await loginAs(t, 'board');
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close();
    await browser?.close();
    await t?.close();
    await smtp?.stop();
  });

  it('registration from the welcome mail link', async () => {
    const res = await board
      .post('/api/members')
      .send({ firstName: 'Ada', lastName: 'Lovelace', memberNumber: '1815', privateEmail: member.privateEmail });
    expect(res.status).toBe(201);
    Object.assign(member, { id: res.body.id as number, username: res.body.username as string });
    const link = await mailedLink(t, smtp, member.privateEmail, 'register');

    const page = await newPhone();
    await page.goto(link);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Registrierung abschließen');
    await accessible(page);
    await fitsThePhone(page);
    await page.locator('input[name="namedAddress"]').check();
    await page.locator('#password').fill(FIRST_PASSWORD);
    await page.locator('#password2').fill('ein anderes Passwort');
    await shot(page, '01-register-form');
    await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
    // The mismatch is shown at the field; the choice is kept.
    await expect.poll(() => page.locator('#password2-error, #password-error').count()).toBeGreaterThan(0);
    expect(await page.locator('input[name="namedAddress"]').isChecked()).toBe(true);
    await shot(page, '02-register-error');
    await page.locator('#password').fill(FIRST_PASSWORD);
    await page.locator('#password2').fill(FIRST_PASSWORD);
    await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Deine Registrierung ist eingegangen');
    await shot(page, '03-register-done');
    expect((await board.get(`/api/members/${member.id}`)).body.state).toBe('registered');
  }, 60_000);

  it('login: a wrong password is refused, the right one leads to the start page', async () => {
    const page = await newPhone();
    await page.goto(`${t.baseUrl}/login`);
    await accessible(page);
    await fitsThePhone(page);
    await logIn(page, member.username, 'falsch falsch falsch');
    await expect.poll(() => page.textContent('main')).toContain('Anmelden hat nicht geklappt');
    expect(await page.locator('#login').inputValue()).toBe(member.username);
    await shot(page, '04-login-failed');
    await logIn(page, member.username, FIRST_PASSWORD);
    await page.waitForURL(`${t.baseUrl}/`);
    await expect.poll(() => page.textContent('header')).toContain(`Angemeldet als ${member.username}`);
    await shot(page, '05-login-start');
  }, 60_000);

  it('password reset from the mail', async () => {
    expect((await board.post(`/api/members/${member.id}/state`).send({ state: 'active' })).status).toBe(200);
    const page = await newPhone();
    await page.goto(`${t.baseUrl}/login`);
    await page.getByRole('link', { name: 'Passwort vergessen?' }).click();
    await page.waitForURL(`${t.baseUrl}/reset`);
    await accessible(page);
    await page.locator('#login').fill(member.privateEmail);
    await page.getByRole('button', { name: 'Link anfordern' }).click();
    await expect.poll(() => page.textContent('main')).toContain('eine Mail mit einem Link');
    await shot(page, '06-reset-requested');

    await page.goto(await mailedLink(t, smtp, member.privateEmail, 'reset'));
    await accessible(page);
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#password2').fill(NEW_PASSWORD);
    await shot(page, '07-reset-form');
    await page.getByRole('button', { name: 'Passwort setzen' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Dein neues Passwort gilt');
    await shot(page, '08-reset-done');

    await logIn(page, member.username, FIRST_PASSWORD);
    await expect.poll(() => page.textContent('main')).toContain('Anmelden hat nicht geklappt');
    await logIn(page, member.username, NEW_PASSWORD);
    await page.waitForURL(`${t.baseUrl}/`);
  }, 60_000);

  it('start page: a member opens the space and says they are here; a guest sees the state, not the names', async () => {
    const page = await newPhone();
    await logIn(page, member.username, NEW_PASSWORD);
    await page.waitForURL(`${t.baseUrl}/`);
    await expect
      .poll(() => page.textContent('main'))
      .toContain('Ob der Raum gerade offen ist, hat noch niemand gesagt.');
    await accessible(page);
    await fitsThePhone(page);
    await page.locator('#message').fill('Werkstatt offen bis 22 Uhr');
    await page.getByRole('button', { name: 'Raum öffnen' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Der Raum ist offen.');
    await page.getByRole('button', { name: 'Ich bin im Raum' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Ada Lovelace');
    expect(await page.getByRole('button', { name: 'Ich bin wieder weg' }).count()).toBe(1);
    await accessible(page);
    await fitsThePhone(page);
    await shot(page, '09-start-member-open');

    const guest = await newPhone();
    await guest.goto(`${t.baseUrl}/`);
    const text = (await guest.textContent('main')) ?? '';
    expect(text).toContain('Der Raum ist offen.');
    expect(text).toContain('Werkstatt offen bis 22 Uhr');
    expect(text).toContain('Willkommen bei Werkraum e.V.!');
    expect(text).not.toContain('Ada');
    await accessible(guest);
    await fitsThePhone(guest);
    await shot(guest, '10-start-guest');
    const spaceApi = await guest.request.get(`${t.baseUrl}/spaceapi.json`);
    expect(((await spaceApi.json()) as { state: { open: boolean } }).state.open).toBe(true);

    await page.locator('#message').fill('');
    await page.getByRole('button', { name: 'Raum schließen' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Der Raum ist geschlossen.');
    await shot(page, '11-start-member-closed');
  }, 60_000);

  it('the accessibility check runs inside our CSP and finds a planted problem', async () => {
    const page = await newPhone();
    await page.goto(`${t.baseUrl}/login`);
    expect(await seriousViolations(page)).toEqual([]);
    // An image without a text alternative: axe calls that critical (image-alt).
    await page.evaluate(
      `document.querySelector('main').append(Object.assign(document.createElement('img'), { src: '/assets/logo.svg' }))`,
    );
    expect((await seriousViolations(page)).map((v) => v.id)).toContain('image-alt');
  }, 60_000);
});
