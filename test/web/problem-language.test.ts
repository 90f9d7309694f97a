import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, postForm, type TestApp } from '../support/test-app.js';

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
