import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM, launchChromium, phone, screenshots, seriousViolations } from '../support/browser.js';
import { describeLab } from '../support/lab.js';
import { mailedLink } from '../support/mail-links.js';
import { createServedApp, type ServedApp } from '../support/served-app.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { loginAs, makeMember, PASSWORD } from '../support/test-app.js';

// The board's and the members' pages on a phone in Debian's Chromium: a board intake with the
// welcome mail, registration and activation; a member borrowing and returning a thing; a member
// booking a room for an event on /calendar. Screenshots
// go to test-artifacts/screenshots/pages/; axe checks /board and /me pages.
const MEMBER_PASSWORD = 'ein sehr langes Passwort';

describeLab('browser pages', [CHROMIUM], () => {
  let t: ServedApp;
  let smtp: SmtpSink;
  let browser: Browser;
  let shot: (page: Page, name: string) => Promise<string>;
  const contexts: BrowserContext[] = [];

  async function newPhone(): Promise<Page> {
    const ctx = await phone(browser);
    contexts.push(ctx);
    return ctx.newPage();
  }

  async function accessible(page: Page): Promise<void> {
    const found = await seriousViolations(page);
    expect(found, `${page.url()}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
  }

  // Nothing sticks out sideways on a 360 px screen (wide tables scroll inside themselves).
  async function fitsThePhone(page: Page): Promise<void> {
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    const wide = await page.evaluate<string[]>(
      `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 360).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)`,
    );
    expect(width, `${page.url()} is ${width}px wide: ${wide.join(', ')}`).toBeLessThanOrEqual(360);
  }

  async function logIn(page: Page, login: string, password: string): Promise<void> {
    await page.goto(`${t.baseUrl}/login`);
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${t.baseUrl}/`);
  }

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    t = await createServedApp({ ...smtp.env(), ALLMENDE_MAIL_DOMAIN: 'club.example' });
    browser = await launchChromium();
    shot = screenshots('pages');
  });
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close();
    await browser?.close();
    await t?.close();
    await smtp?.stop();
  });

  it('board intake with the welcome mail, registration, activation', async () => {
    const boardMember = await makeMember(t, { groups: ['board'], password: PASSWORD, state: 'active' });
    const board = await newPhone();
    await logIn(board, boardMember.username, PASSWORD);
    await board.goto(`${t.baseUrl}/board`);
    await accessible(board);
    await fitsThePhone(board);
    await shot(board, '01-board-dashboard');
    await board.goto(`${t.baseUrl}/board/intake`);
    await accessible(board);
    await fitsThePhone(board);
    await board.locator('#firstName').fill('Grace');
    await board.locator('#lastName').fill('Hopper');
    await board.locator('#privateEmail').fill('grace@private.example');
    expect(await board.locator('#sendWelcome').isChecked()).toBe(true);
    await shot(board, '02-board-intake');
    await board.getByRole('button', { name: 'Mitglied aufnehmen' }).click();
    await board.waitForURL(/\/board\/members\/\d+/);
    await accessible(board);
    await fitsThePhone(board);
    await shot(board, '03-board-member-invited');

    const member = await newPhone();
    await member.goto(await mailedLink(t, smtp, 'grace@private.example', 'register'));
    await member.locator('#password').fill(MEMBER_PASSWORD);
    await member.locator('#password2').fill(MEMBER_PASSWORD);
    await member.getByRole('button', { name: 'Registrierung abschließen' }).click();
    await expect.poll(() => member.textContent('main')).toContain('Deine Registrierung ist eingegangen');

    await board.reload();
    await board.getByRole('button', { name: 'Freischalten' }).click();
    await expect.poll(() => board.textContent('main')).toContain('aktiv');
    await shot(board, '04-board-member-active');
    await board.goto(`${t.baseUrl}/board/members`);
    await accessible(board);
    await fitsThePhone(board);
    await shot(board, '05-board-members');
  }, 90_000);

  it('a member borrows a thing on its page and gives it back', async () => {
    const helper = await loginAs(t, 'helper');
    expect((await helper.post('/api/things').send({ name: 'Lötstation Weller', slug: 'loetstation' })).status).toBe(
      201,
    );
    const m = await makeMember(t, { firstName: 'Ada', lastName: 'Byron', password: PASSWORD, state: 'active' });
    const page = await newPhone();
    await logIn(page, m.username, PASSWORD);
    await page.goto(`${t.baseUrl}/things/loetstation`);
    await accessible(page);
    await fitsThePhone(page);
    const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#dueOn').fill(due);
    await shot(page, '06-thing-lend-form');
    await page.getByRole('button', { name: 'Ausleihen', exact: true }).click();
    await expect.poll(() => page.textContent('main')).toContain('Ausgeliehen an');
    await shot(page, '07-thing-lent');
    await page.goto(`${t.baseUrl}/me/things`);
    await accessible(page);
    await fitsThePhone(page);
    expect(await page.textContent('main')).toContain('Lötstation Weller');
    await shot(page, '08-me-things');
    await page.goto(`${t.baseUrl}/things/loetstation`);
    await page.getByRole('button', { name: 'Zurückgeben' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Da und nicht ausgeliehen');
    await page.goto(`${t.baseUrl}/me`);
    await accessible(page);
    await fitsThePhone(page);
    await shot(page, '09-me');
  }, 90_000);

  it('an event booking: a member books a room on /calendar, the same room at the same time is refused, the start page lists the event', async () => {
    const helper = await loginAs(t, 'helper');
    const place = await helper.post('/api/locations').send({ name: 'Werkstatt' });
    expect(place.status).toBe(201);
    const room = await helper.post('/api/calendar/resources').send({ locationId: place.body.id as number });
    expect(room.status).toBe(201);
    const m = await makeMember(t, { firstName: 'Emmy', lastName: 'Noether', password: PASSWORD, state: 'active' });
    const page = await newPhone();
    await logIn(page, m.username, PASSWORD);
    await page.goto(`${t.baseUrl}/calendar`);
    await accessible(page);
    await fitsThePhone(page);
    const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const book = async (title: string) => {
      await page.goto(`${t.baseUrl}/calendar`);
      await page.locator('#title').fill(title);
      await page.locator('#start').fill(`${day}T18:00`);
      await page.locator('#end').fill(`${day}T20:00`);
      await page.getByLabel('Werkstatt').check();
      await page.getByRole('button', { name: 'Eintragen' }).click();
    };
    await book('Repair-Café');
    await page.waitForURL(/\/events\/[a-z0-9-]+$/);
    expect(await page.textContent('main')).toContain('Werkstatt');
    await accessible(page);
    await shot(page, '11-event-booked');
    await book('Lötkurs');
    await expect.poll(() => page.locator('#resourceIds-error').count()).toBe(1);
    expect(await page.locator('#title').inputValue()).toBe('Lötkurs');
    await shot(page, '12-event-clash');
    const guest = await newPhone();
    await guest.goto(`${t.baseUrl}/`);
    expect(await guest.textContent('main')).toContain('Repair-Café');
    await shot(guest, '13-start-with-event');
  }, 90_000);

  it('axe and the phone width on every page of /me and /board', async () => {
    const boardMember = await makeMember(t, { groups: ['board'], password: PASSWORD, state: 'active' });
    const board = await newPhone();
    await logIn(board, boardMember.username, PASSWORD);
    const member = await newPhone();
    const m = await makeMember(t, { password: PASSWORD, state: 'active' });
    await logIn(member, m.username, PASSWORD);
    const pages: [Page, string][] = [
      ...[
        '/me',
        '/me/addresses',
        '/me/lists',
        '/me/data',
        '/me/password',
        '/me/sessions',
        '/me/things',
        '/things',
        '/calendar',
        '/rooms',
      ].map((path): [Page, string] => [member, path]),
      ...[
        '/board',
        '/board/members',
        `/board/members/${m.id}`,
        '/board/intake',
        '/board/import',
        '/board/exports',
        '/board/groups',
        '/board/things',
        '/board/things/new',
        '/board/locations',
        '/board/sync',
        // The event booked above: the edit form with the address and the responsible member.
        '/events/repair-cafe/edit',
      ].map((path): [Page, string] => [board, path]),
    ];
    for (const [page, path] of pages) {
      const res = await page.goto(`${t.baseUrl}${path}`);
      expect(res?.status(), path).toBe(200);
      await accessible(page);
      await fitsThePhone(page);
    }
    await shot(board, '10-board-sync');
  }, 120_000);
});
