import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  loginAs,
  makeMember,
  postForm,
  PUBLIC_URL,
  TEST_CSRF,
  type TestApp,
} from '../support/test-app.js';

// The problems the services (and the schemas the pages share with the API) find, next to the
// field on a German page and on an English one; the API keeps answering in English.
let t: TestApp;
let board: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  t = await createTestApp({ ALLMENDE_MAIL_DOMAIN: 'club.example' });
  board = await loginAs(t, 'board');
});
afterAll(() => t.close());

// The board's form as a browser in the language sends it (the board member chose none).
const boardForm = (lang: 'de' | 'en', path: string, fields: Record<string, string>) =>
  postForm(t, path, fields, { cookie: board.cookie }).set('Accept-Language', lang);

describe('a field’s problem in the page’s language', () => {
  it("says our schema's messages, a service's refusal and zod's own words in German and in English", async () => {
    await makeMember(t, { privateEmail: 'vergeben@example.org' });
    const fields = { firstName: '', lastName: 'Luxemburg', memberNumber: 'mit leerzeichen' };
    const de = await boardForm('de', '/board/intake', fields);
    expect(de.status).toBe(400);
    expect(de.text).toContain('<small id="firstName-error">darf nicht leer sein</small>');
    expect(de.text).toContain(
      '<small id="memberNumber-error">darf keine Leerzeichen enthalten; Buchstaben, Ziffern und „-“, höchstens 32 Zeichen</small>',
    );
    const en = await boardForm('en', '/board/intake', fields);
    expect(en.text).toContain('<small id="firstName-error">must not be empty</small>');
    expect(en.text).toContain(
      '<small id="memberNumber-error">must not contain spaces; letters, digits and &quot;-&quot;, at most 32 characters</small>',
    );

    // The address is taken: the service's 409, at the field.
    const taken = { firstName: 'Rosa', lastName: 'Luxemburg', privateEmail: 'vergeben@example.org' };
    expect((await boardForm('de', '/board/intake', taken)).text).toContain(
      '<small id="privateEmail-error">ist schon vergeben</small>',
    );
    expect((await boardForm('en', '/board/intake', taken)).text).toContain(
      '<small id="privateEmail-error">already used by another record</small>',
    );

    // A message zod words itself (the schema gives none): zod's German locale.
    const long = `/board/members?q=${'x'.repeat(201)}`;
    const deList = await board.page(long).set('Accept-Language', 'de');
    expect(deList.status).toBe(400);
    expect(deList.text).toContain('<small id="q-error">Zu groß: erwartet, dass string &lt;=200 Zeichen hat</small>');
    const enList = await board.page(long).set('Accept-Language', 'en');
    expect(enList.text).toContain('<small id="q-error">Too big: expected string to have &lt;=200 characters</small>');
  });

  it('says the password policy in the member’s own language, its minimum filled in', async () => {
    for (const [language, text] of [
      ['de', 'mindestens 12 Zeichen'],
      ['en', 'at least 12 characters'],
    ] as const) {
      const m = await loginAs(t, 'member', { language });
      const res = await m.form('/me/password', { currentPassword: 'falsch', password: 'kurz', password2: 'kurz' });
      expect(res.status).toBe(400);
      expect(res.text).toContain(`<html lang="${language}">`);
      expect(res.text).toMatch(new RegExp(`<small id="password-error">${text}; `));
    }
  });

  it('says a refused date of a loan and a refused state change in the page’s language', async () => {
    const helper = await loginAs(t, 'helper');
    const thing = await helper.post('/api/things').send({ name: 'Lötkolben' });
    const m = await loginAs(t, 'member');
    const past = (lang: string) =>
      m.form(`/things/${thing.body.id}/lend`, { dueOn: '2000-01-01' }).set('Accept-Language', lang);
    expect((await past('de')).text).toContain('das Rückgabedatum liegt in der Vergangenheit');
    expect((await past('en')).text).toContain('the return date is in the past');

    const left = await makeMember(t, { state: 'active' });
    const change = (lang: 'de' | 'en') => boardForm(lang, `/board/members/${left.id}/state`, { state: 'invited' });
    const de = await change('de');
    expect(de.status).toBe(409);
    expect(de.text).toMatch(/<small id="state-error">von „active“ geht es nicht zu „invited“/);
    expect((await change('en')).text).toMatch(/<small id="state-error">cannot go from active to invited/);
  });

  it('says a refusal the form does not show in German on the error page', async () => {
    // A member without a private address gets no welcome mail: the refusal names the field.
    const m = await makeMember(t);
    const de = await boardForm('de', `/board/members/${m.id}/welcome`, {});
    expect(de.status).toBe(400);
    expect(de.text).toContain(
      'privateEmail: das Mitglied hat keine private Adresse, an die die Willkommensmail gehen könnte',
    );
    const en = await boardForm('en', `/board/members/${m.id}/welcome`, {});
    expect(en.text).toContain('the member has no private address to send the welcome mail to');
  });

  it('says a refused recurrence rule in German at the rrule field of the event forms', async () => {
    const rosa = await loginAs(t, 'member');
    const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    const times = { start: `${day}T19:00`, end: `${day}T21:00` };
    const create = (lang: 'de' | 'en', rrule: string) =>
      rosa.form('/calendar/events', { title: 'Lesekreis', ...times, rrule }).set('Accept-Language', lang);
    const de = await create('de', 'FREQ=DAILY;COUNT=0');
    expect(de.status).toBe(400);
    expect(de.text).toContain('<small id="rrule-error">COUNT muss eine ganze Zahl von 1 bis 1000 sein</small>');
    expect((await create('en', 'FREQ=DAILY;COUNT=0')).text).toContain(
      '<small id="rrule-error">COUNT must be a whole number from 1 to 1000</small>',
    );
    expect((await create('de', 'jeden Dienstag')).text).toContain(
      '<small id="rrule-error">„JEDEN DIENSTAG“ hat nicht die Form SCHLÜSSEL=WERT</small>',
    );

    const made = await rosa.post('/api/events').send({ title: 'Lesekreis', ...times });
    expect(made.status).toBe(201);
    const edit = (lang: 'de' | 'en') =>
      rosa
        .form(`/events/${made.body.slug}/edit`, {
          title: 'Lesekreis',
          ...times,
          timeZone: 'Europe/Berlin',
          visibility: 'public',
          status: 'confirmed',
          rrule: `FREQ=WEEKLY;UNTIL=${Number(day.slice(0, 4)) - 2}0101`,
        })
        .set('Accept-Language', lang);
    const deEdit = await edit('de');
    expect(deEdit.status).toBe(400);
    expect(deEdit.text).toContain('<small id="rrule-error">UNTIL liegt vor dem Beginn</small>');
    expect((await edit('en')).text).toContain('<small id="rrule-error">UNTIL is before the start</small>');

    // The API keeps its English message, without a key.
    const api = await rosa.post('/api/events').send({ title: 'X', ...times, rrule: 'FREQ=HOURLY' });
    expect(api.body.error.fields).toEqual([
      { field: 'rrule', message: 'FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY' },
    ]);
  });

  it('says the problems of an import file in German on the import page, its columns as the file names them', async () => {
    const check = (lang: 'de' | 'en', csv: string) => boardForm(lang, '/board/import', { csv });
    const row = (html: string, line: number, column: string, reason: string) =>
      expect(html).toContain(`<tr><td>${line}</td><td>${column}</td><td>${reason}</td></tr>`);

    // A header with an unknown column and no last name: one problem, said part by part.
    const header = await check('de', 'Vorname;Lieblingsfarbe\nRosa;rot');
    expect(header.status).toBe(422);
    expect(header.text).toMatch(
      /<tr><td>1<\/td><td><\/td><td>unbekannte Spalte „Lieblingsfarbe“; möglich sind: Mitgliedsnummer, [^<]*; die Spalte für den Nachnamen fehlt \(Nachname, /,
    );
    const enHeader = await check('en', 'Vorname;Lieblingsfarbe\nRosa;rot');
    expect(enHeader.text).toMatch(/unknown column &#39;Lieblingsfarbe&#39;; accepted: Mitgliedsnummer, /);

    // An unclosed quote in the header, and one in a row.
    row(
      (await check('de', 'Vorname;"Nachname\nRosa;L')).text,
      1,
      '',
      'das Anführungszeichen in Feld 2 wird nie geschlossen',
    );
    const quote = 'Vorname;Nachname\nRosa;"Luxemburg\nKarl;Liebknecht';
    row((await check('de', quote)).text, 2, '', 'das Anführungszeichen in Feld 2 wird nie geschlossen');
    row((await check('en', quote)).text, 2, '', 'quote opened in field 2 is never closed');

    // A file that begins with its data: its first row read as unknown columns.
    expect((await check('de', 'Rosa;Luxemburg\nKarl;Liebknecht')).text).toMatch(
      /unbekannte Spalten &#39;Rosa&#39;, &#39;Luxemburg&#39;; möglich sind: [^<]*; die Spalte für den Vornamen fehlt/,
    );
    // A file of empty lines (a pasted text is trimmed, so as a file): no header at all.
    const empty = await t.http
      .post(`/board/import?_csrf=${TEST_CSRF}`)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'de')
      .set('Origin', PUBLIC_URL)
      .set('Cookie', `allmende_csrf=${TEST_CSRF}; ${board.cookie}`)
      .attach('file', Buffer.from('\n\n'), 'members.csv');
    row(empty.text, 1, '', 'der Datei fehlt die Kopfzeile');

    // A row's problem at its column as the file's header names it, not the API's field name.
    const named = 'Nr;first_name;Nachname\nN-1;;Luxemburg';
    row((await check('de', named)).text, 2, 'first_name', 'der Vorname fehlt');
    row((await check('en', named)).text, 2, 'first_name', 'first name is missing');

    // The API answers as before: one English problem for the header, fields by their API names.
    const api = await board.post('/api/members/import').set('Content-Type', 'text/csv').send(named);
    expect(api.body.problems).toEqual([{ line: 2, field: 'firstName', message: 'first name is missing' }]);
    const apiHeader = await board
      .post('/api/members/import')
      .set('Content-Type', 'text/csv')
      .send('Vorname;Lieblingsfarbe\nRosa;rot');
    expect(apiHeader.body.problems).toEqual([
      {
        line: 1,
        message: expect.stringMatching(
          /^unknown column 'Lieblingsfarbe'; accepted: .*; required column last name is missing \(Nachname, /,
        ),
      },
    ]);
  });

  it('keeps the API in English, its problems without the keys pages translate by', async () => {
    const res = await board.post('/api/members').set('Accept-Language', 'de').send({ firstName: '', lastName: 'L' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'firstName', message: 'must not be empty' }]);
    const taken = await board
      .post('/api/members')
      .set('Accept-Language', 'de')
      .send({ firstName: 'R', lastName: 'L', privateEmail: 'vergeben@example.org' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toEqual({
      code: 'CONFLICT',
      message: 'privateEmail "vergeben@example.org" is already used by another record',
      fields: [{ field: 'privateEmail', message: 'already used by another record' }],
    });
  });
});
