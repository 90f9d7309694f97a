import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailReconciler } from '../../src/mail/mail.reconciler.js';
import { createTestApp, loginAs, makeMember, PASSWORD, postForm, type TestApp } from '../support/test-app.js';

// The members' own pages under /me and the things pages, driven as a browser drives them:
// pages with Accept: text/html, forms as urlencoded posts with the form token.
let t: TestApp;

const SCRIPT = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

beforeAll(async () => {
  t = await createTestApp({ ALLMENDE_MAIL_DOMAIN: 'club.example' });
});
afterAll(() => t.close());

type Agent = Awaited<ReturnType<typeof loginAs>>;

async function member(overrides: Parameters<typeof loginAs>[2] = {}): Promise<Agent> {
  return loginAs(t, 'member', { privateEmail: `m${Math.random().toString(36).slice(2)}@example.org`, ...overrides });
}

// The value of an input in a page (escaped as the page has it).
function inputValue(html: string, id: string): string | undefined {
  return new RegExp(`<input[^>]*id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}

describe('who may see the pages', () => {
  it('sends a stranger to the login from every /me page and /things', async () => {
    for (const path of [
      '/me',
      '/me/password',
      '/me/addresses',
      '/me/lists',
      '/me/things',
      '/me/data',
      '/me/sessions',
      '/things',
    ]) {
      const res = await t.http.get(path).set('Accept', 'text/html');
      expect(res.status, path).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    expect((await t.http.get('/me/data.json')).status).toBe(401);
  });

  it('refuses a stranger’s form post and changes nothing', async () => {
    const res = await postForm(t, '/me', { firstName: 'Eve' });
    expect(res.status).toBe(401);
  });

  it('shows each page with the member’s own data and the sub-navigation', async () => {
    const m = await member({ firstName: 'Rosa', lastName: 'Luxemburg', memberNumber: 'M-7' });
    for (const path of [
      '/me',
      '/me/password',
      '/me/addresses',
      '/me/lists',
      '/me/things',
      '/me/data',
      '/me/sessions',
    ]) {
      const res = await m.page(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain(`<a href="${path}" aria-current="page">`);
    }
    const profile = await m.page('/me');
    expect(profile.text).toContain(m.member.username);
    expect(profile.text).toContain('M-7');
    expect(profile.text).toContain('aktiv');
    expect(profile.text).toContain('href="/things"');
  });
});

describe('/me profile', () => {
  it('changes the display name at once and keeps name changes pending for the board', async () => {
    const m = await member({ firstName: 'Clara', lastName: 'Zetkin' });
    const res = await m.form('/me', {
      displayName: 'Clara Z.',
      firstName: 'Klara',
      lastName: 'Zetkin',
      language: 'en',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/me?done=pending');
    const page = await m.page('/me?done=pending');
    // The language is the member's choice now.
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Name changes apply once the board has approved them.');
    expect(page.text).toContain('Waiting for the board');
    expect(page.text).toContain('First name: “Clara” → “Klara”');
    expect(inputValue(page.text, 'displayName')).toBe('Clara Z.');
    expect(inputValue(page.text, 'firstName')).toBe('Clara');
    const api = await m.get('/api/me');
    expect(api.body.displayName).toBe('Clara Z.');
    expect(api.body.firstName).toBe('Clara');
    expect(api.body.language).toBe('en');
  });

  it('shows errors next to the fields and keeps what was typed; a script stays text', async () => {
    const m = await member();
    const long = 'x'.repeat(101);
    const res = await m.form('/me', { displayName: SCRIPT, firstName: long, lastName: '', language: 'de' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Bitte prüfe die markierten Felder.');
    expect(res.text).toMatch(/id="firstName"[^>]*aria-invalid="true" aria-describedby="firstName-error"/);
    expect(res.text).toContain('<small id="firstName-error">höchstens 100 Zeichen</small>');
    expect(res.text).toContain('<small id="lastName-error">darf nicht leer sein</small>');
    expect(inputValue(res.text, 'firstName')).toBe(long);
    expect(inputValue(res.text, 'displayName')).toBe(ESCAPED);
    expect(res.text).not.toContain(SCRIPT);
    expect((await m.get('/api/me')).body.displayName).not.toBe(SCRIPT);
  });

  it('takes a script as a name, stores it as typed and shows it as text everywhere', async () => {
    const m = await member();
    const res = await m.form('/me', { displayName: SCRIPT, firstName: SCRIPT, lastName: SCRIPT, language: '' });
    expect(res.status).toBe(303);
    const page = await m.page('/me');
    expect(page.text).not.toContain(SCRIPT);
    expect(inputValue(page.text, 'displayName')).toBe(ESCAPED);
    expect(page.text).toContain(`„${ESCAPED}“`);
    expect((await m.get('/api/me')).body.displayName).toBe(SCRIPT);
  });

  it('shows the club’s own profile fields; a member changes the editable ones, some via the board', async () => {
    const admin = await loginAs(t, 'admin');
    const fields = [
      { key: 'phone', label: 'Telefon', visibility: 'members', memberEditable: true },
      { key: 'shirt', label: 'T-Shirt-Größe', visibility: 'board', memberEditable: true, requiresApproval: true },
      { key: 'keyHolder', label: 'Schlüssel', visibility: 'board', memberEditable: false },
    ];
    for (const f of fields) expect((await admin.post('/api/profile-fields').send(f)).status).toBe(201);
    const m = await member({ firstName: 'Emma', lastName: 'Ihrer' });
    // A new member's values are an object (they were once stored as the JSON string "{}").
    const [stored] = await t.orm.em
      .fork()
      .execute<{ kind: string }[]>('select jsonb_typeof(profile) as kind from member where id = ?', [m.member.id]);
    expect(stored?.kind).toBe('object');
    const page = await m.page('/me');
    expect(page.text).toContain('<label for="profile_phone">Telefon</label>');
    expect(page.text).toContain(
      '<label for="profile_shirt">T-Shirt-Größe – Änderungen muss der Vorstand bestätigen.</label>',
    );
    expect(page.text).not.toContain('profile_keyHolder');
    const base = { displayName: 'Emma Ihrer', firstName: 'Emma', lastName: 'Ihrer', language: '' };
    const long = await m.form('/me', { ...base, profile_phone: '1'.repeat(2001), profile_shirt: SCRIPT });
    expect(long.status).toBe(400);
    expect(long.text).toMatch(/id="profile_phone"[^>]*aria-invalid="true" aria-describedby="profile_phone-error"/);
    expect(long.text).toContain('<small id="profile_phone-error">');
    expect(inputValue(long.text, 'profile_shirt')).toBe(ESCAPED);
    const ok = await m.form('/me', { ...base, profile_phone: `030 ${SCRIPT}`, profile_shirt: 'XL' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/me?done=pending');
    const after = await m.page('/me');
    expect(inputValue(after.text, 'profile_phone')).toBe(`030 ${ESCAPED}`);
    expect(after.text).toContain('T-Shirt-Größe: „“ → „XL“');
    expect((await m.get('/api/me')).body.profile).toEqual({ phone: `030 ${SCRIPT}` });
  });

  it('refuses a form without its token (403) and changes nothing', async () => {
    const m = await member({ firstName: 'Ada' });
    const before = (await m.get('/api/me')).body;
    const res = await postForm(t, '/me', { displayName: 'Forged' }, { cookie: m.cookie, csrf: null });
    expect(res.status).toBe(403);
    const wrong = await postForm(t, '/me', { displayName: 'Forged' }, { cookie: m.cookie, csrf: 'y'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect((await m.get('/api/me')).body.displayName).toBe(before.displayName);
  });

  it('changes only the logged-in member: an id in the form is ignored', async () => {
    const a = await member();
    const b = await member();
    const bBefore = (await b.get('/api/me')).body;
    const res = await a.form('/me', { id: String(b.member.id), displayName: 'Not B', firstName: '', lastName: '' });
    expect(res.status).toBe(400);
    const ok = await a.form('/me?id=' + b.member.id, {
      memberId: String(b.member.id),
      displayName: 'Only A',
      firstName: (await a.get('/api/me')).body.firstName,
      lastName: (await a.get('/api/me')).body.lastName,
    });
    expect(ok.status).toBe(303);
    expect((await a.get('/api/me')).body.displayName).toBe('Only A');
    expect((await b.get('/api/me')).body.displayName).toBe(bBefore.displayName);
  });

  it('asks the new private address to confirm; the old one stays until then', async () => {
    const m = await member({ privateEmail: 'alt@example.org' });
    const bad = await m.form('/me/email', { email: 'kein-mail' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<small id="email-error">muss eine E-Mail-Adresse sein</small>');
    expect(inputValue(bad.text, 'email')).toBe('kein-mail');
    const long = await m.form('/me/email', { email: `${'a'.repeat(250)}@example.org` });
    expect(long.status).toBe(400);
    expect(long.text).toContain('höchstens 254 Zeichen');
    const empty = await m.form('/me/email', { email: '' });
    expect(empty.text).toContain('<small id="email-error">Bitte ausfüllen.</small>');
    const script = await m.form('/me/email', { email: SCRIPT });
    expect(script.status).toBe(400);
    expect(script.text).not.toContain(SCRIPT);
    expect(inputValue(script.text, 'email')).toBe(ESCAPED);

    const ok = await m.form('/me/email', { email: 'neu@example.org' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/me?done=email');
    const page = await m.page('/me?done=email');
    expect(page.text).toContain('Wartet auf Bestätigung: neu@example.org');
    expect(page.text).toContain('Jetzt: alt@example.org');
    expect((await m.get('/api/me')).body.privateEmail).toBe('alt@example.org');

    const other = await member({ privateEmail: 'vergeben@example.org' });
    expect(other.member.id).toBeGreaterThan(0);
    const taken = await m.form('/me/email', { email: 'vergeben@example.org' });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('id="email-error"');
  });
});

describe('/me/password', () => {
  it('changes the password with the current one; this session stays, others end', async () => {
    const m = await member();
    const other = await t.http.post('/api/auth/login').send({ login: m.member.username, password: PASSWORD });
    const otherCookie = String(other.headers['set-cookie']).split(';')[0] ?? '';
    const next = 'ein anderes sehr langes Passwort';
    const res = await m.form('/me/password', { currentPassword: PASSWORD, password: next, password2: next });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/me/password?done=saved');
    expect((await m.page('/me/password?done=saved')).text).toContain('Dein neues Passwort gilt.');
    expect((await t.http.get('/api/me').set('Cookie', otherCookie)).status).toBe(401);
    const login = await t.http.post('/api/auth/login').send({ login: m.member.username, password: next });
    expect(login.status).toBe(200);
    const mails = await t.orm.em
      .fork()
      .execute<{ template: string }[]>('select template from outbox_mail where member_id = ?', [m.member.id]);
    expect(mails.map((x) => x.template)).toContain('password-changed');
  });

  it('counts wrong current passwords as failed logins: after the limit, 429 and no change', async () => {
    const m = await member();
    const next = 'ein anderes sehr langes Passwort';
    for (let i = 0; i < 10; i++) {
      const res = await m.form('/me/password', {
        currentPassword: `falsch ${i} falsch`,
        password: next,
        password2: next,
      });
      expect(res.status).toBe(400);
    }
    const limited = await m.form('/me/password', { currentPassword: PASSWORD, password: next, password2: next });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.text).toContain('<small id="currentPassword-error">Zu viele Anfragen');
    await t.orm.em.fork().execute('delete from rate_limit_bucket');
    expect((await t.http.post('/api/auth/login').send({ login: m.member.username, password: PASSWORD })).status).toBe(
      200,
    );
  });

  it('shows each problem next to its field', async () => {
    const m = await member({ firstName: 'Wilhelmine' });
    const wrong = await m.form('/me/password', {
      currentPassword: 'falsch falsch falsch',
      password: 'ein neues langes Passwort',
      password2: 'ein neues langes Passwort',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('<small id="currentPassword-error">Das ist nicht dein aktuelles Passwort.</small>');
    expect(wrong.text).not.toContain('id="password-error"');
    const both = await m.form('/me/password', {
      currentPassword: 'falsch falsch',
      password: 'kurz',
      password2: 'kurz',
    });
    expect(both.text).toContain('id="currentPassword-error"');
    expect(both.text).toMatch(/<small id="password-error">mindestens 12 Zeichen/);
    const mismatch = await m.form('/me/password', {
      currentPassword: PASSWORD,
      password: 'ein neues langes Passwort',
      password2: 'ein anderes langes Passwort',
    });
    expect(mismatch.text).toContain('<small id="password2-error">Die beiden Passwörter stimmen nicht überein.</small>');
    const weak = await m.form('/me/password', { currentPassword: PASSWORD, password: 'kurz', password2: 'kurz' });
    expect(weak.status).toBe(400);
    expect(weak.text).toMatch(/<small id="password-error">mindestens 12 Zeichen/);
    const common = await m.form('/me/password', {
      currentPassword: PASSWORD,
      password: 'Passwort123!',
      password2: 'Passwort123!',
    });
    expect(common.text).toMatch(/<small id="password-error">[^<]*ist ein verbreitetes Passwort/);
    const named = await m.form('/me/password', {
      currentPassword: PASSWORD,
      password: 'wilhelmine-ist-toll',
      password2: 'wilhelmine-ist-toll',
    });
    expect(named.text).toContain('darf weder deinen Namen noch deinen Benutzernamen enthalten');
    const huge = 'x'.repeat(1025);
    const long = await m.form('/me/password', { currentPassword: PASSWORD, password: huge, password2: huge });
    expect(long.text).toContain('<small id="password-error">Höchstens 1024 Zeichen.</small>');
    const missing = await m.form('/me/password', {});
    expect(missing.text).toContain('<small id="currentPassword-error">Bitte ausfüllen.</small>');
    expect(missing.text).toContain('<small id="password-error">Bitte ausfüllen.</small>');
    // Passwords are never sent back into the page.
    expect(weak.text).not.toContain(PASSWORD);
    // The old password still works.
    expect((await t.http.post('/api/auth/login').send({ login: m.member.username, password: PASSWORD })).status).toBe(
      200,
    );
  });
});

describe('/me/sessions', () => {
  it('lists the member’s sessions and ends another one; someone else’s is not found', async () => {
    const m = await member();
    const other = await t.http
      .post('/api/auth/login')
      .set('User-Agent', `Telefon ${SCRIPT}`)
      .send({ login: m.member.username, password: PASSWORD });
    const otherCookie = String(other.headers['set-cookie']).split(';')[0] ?? '';
    const page = await m.page('/me/sessions');
    expect(page.text).toContain(`Telefon ${ESCAPED}`);
    expect(page.text).toContain('dieses Gerät');
    const sessions = (await m.get('/api/auth/sessions')).body as { id: string; userAgent: string | null }[];
    const phone = sessions.find((s) => s.userAgent?.startsWith('Telefon'));
    expect(phone).toBeDefined();
    const stranger = await member();
    const foreign = await stranger.form(`/me/sessions/${phone?.id}/revoke`, {});
    expect(foreign.status).toBe(404);
    expect((await t.http.get('/api/me').set('Cookie', otherCookie)).status).toBe(200);
    const res = await m.form(`/me/sessions/${phone?.id}/revoke`, {});
    expect(res.status).toBe(303);
    expect((await t.http.get('/api/me').set('Cookie', otherCookie)).status).toBe(401);
    expect((await m.get('/api/me')).status).toBe(200);
  });
});

describe('/me/addresses', () => {
  it('shows the addresses and changes forwarding and the copy', async () => {
    const m = await member({ memberNumber: 'A-12' });
    await t.app.get(MailReconciler).run('test');
    const page = await m.page('/me/addresses');
    expect(page.text).toContain('Kein Postfach.');
    expect(page.text).toMatch(/id="namedAddress" name="namedAddress" value="on">/);
    expect(page.text).toMatch(/id="forwardToPrivate" name="forwardToPrivate" value="on" checked/);
    expect(page.text).toMatch(/id="keepCopy" name="keepCopy" value="on" checked/);
    const res = await m.form('/me/addresses', { namedAddress: 'on', pseudonymousAddress: 'on', keepCopy: 'on' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/me/addresses?done=saved');
    const after = await m.page('/me/addresses?done=saved');
    expect(after.text).toMatch(/id="forwardToPrivate" name="forwardToPrivate" value="on">/);
    expect(after.text).toMatch(/id="pseudonymousAddress" name="pseudonymousAddress" value="on" checked/);
    expect(after.text).toContain(`Eine Adresse mit meinem Namen: ${m.member.username}@club.example`);
    expect(after.text).toContain('Eine Adresse ohne meinen Namen: mitglied-a-12@club.example');
    await t.app.get(MailReconciler).run('test');
    const again = await m.page('/me/addresses');
    expect(again.text).toContain(`Postfach ${m.member.username}@club.example (Login: ${m.member.username})`);
    expect(again.text).toContain(`mitglied-a-12@club.example → ${m.member.username}@club.example`);
  });

  it('refuses a pseudonymous address without a member number, next to the field', async () => {
    const m = await member();
    const page = await m.page('/me/addresses');
    expect(page.text).toContain('sobald der Vorstand dir eine Mitgliedsnummer gegeben hat');
    expect(page.text).not.toContain('id="pseudonymousAddress"');
    const res = await m.form('/me/addresses', { namedAddress: 'on', pseudonymousAddress: 'on' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="pseudonymousAddress-error"');
    expect(res.text).toContain('braucht eine Mitgliedsnummer, die der Vorstand noch nicht vergeben hat');
  });
});

describe('/me/lists', () => {
  it('opts in and out of the opt-in lists and shows the lists the member is on anyway', async () => {
    const board = await loginAs(t, 'board');
    const optIn = await board
      .post('/api/lists')
      .send({ address: 'kochen@example.org', source: 'opt_in', description: `Rezepte ${SCRIPT}` });
    expect(optIn.status).toBe(201);
    const second = await board.post('/api/lists').send({ address: 'fahrrad@example.org', source: 'opt_in' });
    await board.post('/api/lists').send({ address: 'alle@example.org', source: 'active' });
    const m = await member();
    const page = await m.page('/me/lists');
    expect(page.text).toContain(`Rezepte ${ESCAPED}`);
    expect(page.text).toMatch(new RegExp(`id="list-${optIn.body.id}" name="list" value="${optIn.body.id}">`));
    expect(page.text).toContain('alle@example.org');
    const res = await m.form('/me/lists', { list: [String(optIn.body.id), String(second.body.id)] });
    expect(res.status).toBe(303);
    let after = await m.page('/me/lists?done=saved');
    expect(after.text).toMatch(new RegExp(`id="list-${optIn.body.id}" name="list" value="${optIn.body.id}" checked`));
    expect(after.text).toMatch(new RegExp(`id="list-${second.body.id}" name="list" value="${second.body.id}" checked`));
    await m.form('/me/lists', { list: String(second.body.id) });
    after = await m.page('/me/lists');
    expect(after.text).toMatch(new RegExp(`id="list-${optIn.body.id}" name="list" value="${optIn.body.id}">`));
    expect(after.text).toMatch(new RegExp(`id="list-${second.body.id}" name="list" value="${second.body.id}" checked`));
    await m.form('/me/lists', {});
    after = await m.page('/me/lists');
    expect(after.text).not.toMatch(/name="list" value="\d+" checked/);
  });

  it('refuses a list that is not opt-in, or no list at all, and changes nothing', async () => {
    const board = await loginAs(t, 'board');
    const all = await board.post('/api/lists').send({ address: 'intern@example.org', source: 'active' });
    const m = await member();
    for (const list of [String(all.body.id), 'abc', '999999', SCRIPT]) {
      const res = await m.form('/me/lists', { list });
      expect(res.status, list).toBe(400);
      expect(res.text).toContain('id="list-error"');
      expect(res.text).not.toContain(SCRIPT);
    }
  });
});

describe('/me/data', () => {
  it('shows the record and downloads the member’s own data only', async () => {
    const m = await member({ firstName: 'Käthe', lastName: 'Kollwitz' });
    const other = await member({ firstName: 'Otto', lastName: 'Anders' });
    const page = await m.page('/me/data');
    expect(page.text).toContain('Käthe');
    expect(page.text).toContain('href="/me/data.json"');
    const file = await m.get('/me/data.json');
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('application/json');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = JSON.parse(file.text) as { member: { id: number; firstName: string }; revisions: unknown[] };
    expect(data.member.id).toBe(m.member.id);
    expect(data.member.firstName).toBe('Käthe');
    expect(file.text).not.toContain('Otto');
    expect(other.member.id).not.toBe(m.member.id);
  });
});

describe('things', () => {
  let thingId: number;
  let helper: Agent;

  beforeAll(async () => {
    helper = await loginAs(t, 'helper');
    const res = await helper.post('/api/things').send({ name: `Bohrmaschine ${SCRIPT}`, slug: 'bohrmaschine' });
    expect(res.status).toBe(201);
    thingId = res.body.id as number;
    await helper.post('/api/things').send({ name: 'Akkuschrauber', slug: 'akkuschrauber' });
  });

  it('finds things by full text and links to their pages; a script in the search stays text', async () => {
    const m = await member();
    const all = await m.page('/things');
    expect(all.status).toBe(200);
    expect(all.text).toContain('href="/things/' + thingId + '"');
    const found = await m.page('/things?q=bohrmaschine');
    expect(found.text).toContain(`Bohrmaschine ${ESCAPED}`);
    expect(found.text).not.toContain('Akkuschrauber');
    const none = await m.page(`/things?q=${encodeURIComponent(SCRIPT)}`);
    expect(none.status).toBe(200);
    expect(none.text).not.toContain(SCRIPT);
    expect(inputValue(none.text, 'q')).toBe(ESCAPED);
    const odd = await m.page('/things?q=a&q=b&page=abc');
    expect(odd.status).toBe(200);
    const long = await m.page(`/things?q=${'x'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(long.text).toContain('id="q-error"');
    expect(inputValue(long.text, 'q')).toBe('x'.repeat(201));
  });

  it('lets a member borrow for themselves, shows the loan on /me/things and return it', async () => {
    const m = await member();
    const page = await m.page(`/things/${thingId}`);
    expect(page.text).toContain(`action="/things/${thingId}/lend"`);
    expect(page.text).not.toContain('id="borrower"');
    const missing = await m.form(`/things/${thingId}/lend`, { dueOn: '', note: SCRIPT });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('id="dueOn-error"');
    expect(inputValue(missing.text, 'note')).toBe(ESCAPED);
    const past = await m.form(`/things/${thingId}/lend`, { dueOn: '2000-01-01' });
    expect(past.status).toBe(400);
    expect(past.text).toContain('das Rückgabedatum liegt in der Vergangenheit');
    const longNote = await m.form(`/things/${thingId}/lend`, { dueOn: '2999-01-01', note: 'n'.repeat(1001) });
    expect(longNote.status).toBe(400);
    expect(longNote.text).toContain('id="note-error"');
    const forOther = await m.form(`/things/${thingId}/lend`, { dueOn: '2999-01-01', borrower: helper.member.username });
    expect(forOther.status).toBe(400);
    expect(forOther.text).toContain('Mitglieder leihen für sich selbst aus; an andere verleihen Helfer');

    const ok = await m.form(`/things/${thingId}/lend`, { dueOn: '2999-01-01' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/things/${thingId}`);
    const mine = await m.page('/me/things');
    expect(mine.text).toContain(`Bohrmaschine ${ESCAPED}`);
    expect(mine.text).not.toContain('überfällig');
    const lent = await m.page(`/things/${thingId}`);
    expect(lent.text).toContain(`action="/things/${thingId}/return"`);
    expect(inputValue(lent.text, 'newDueOn')).toBe('2999-01-01');
    const badDate = await m.form(`/things/${thingId}/extend`, { newDueOn: 'morgen' });
    expect(badDate.status).toBe(400);
    expect(badDate.text).toContain('<small id="newDueOn-error">muss ein Datum sein (JJJJ-MM-TT)</small>');
    expect(inputValue(badDate.text, 'newDueOn')).toBe('morgen');
    const pastDate = await m.form(`/things/${thingId}/extend`, { newDueOn: '2001-01-01' });
    expect(pastDate.text).toContain('<small id="newDueOn-error">das Rückgabedatum liegt in der Vergangenheit</small>');
    const extended = await m.form(`/things/${thingId}/extend`, { newDueOn: '2999-06-30' });
    expect(extended.status).toBe(303);
    expect((await m.get('/api/me/loans')).body[0].dueOn).toBe('2999-06-30');
    const someoneElse = await member();
    const notTheirs = await someoneElse.form(`/things/${thingId}/extend`, { newDueOn: '2999-12-31' });
    expect(notTheirs.status).toBe(400);
    expect(notTheirs.text).toContain('verlängern kann nur, wer es ausgeliehen hat, oder ein Helfer');
    const theirs = await someoneElse.page(`/things/${thingId}`);
    expect(theirs.text).not.toContain(`action="/things/${thingId}/return"`);
    const refused = await someoneElse.form(`/things/${thingId}/return`, {});
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('zurückgeben kann es nur, wer es ausgeliehen hat, oder ein Helfer');
    const back = await m.form(`/things/${thingId}/return`, {});
    expect(back.status).toBe(303);
    expect((await m.page('/me/things')).text).toContain('Du hast nichts ausgeliehen.');
  });

  it('lets a helper lend to a member by username and take it back; overdue loans are marked', async () => {
    const m = await member();
    const page = await helper.page(`/things/${thingId}`);
    expect(page.text).toContain('<label for="borrower">');
    expect(page.text).toContain('An Mitglied verleihen');
    const nobody = await helper.form(`/things/${thingId}/lend`, { borrower: SCRIPT, dueOn: '2999-01-01' });
    expect(nobody.status).toBe(400);
    expect(nobody.text).toContain('<small id="borrower-error">Kein aktives Mitglied mit diesem Benutzernamen.</small>');
    expect(inputValue(nobody.text, 'borrower')).toBe(ESCAPED);
    const registered = await makeMember(t, { password: PASSWORD, state: 'registered' });
    const inactive = await helper.form(`/things/${thingId}/lend`, {
      borrower: registered.username,
      dueOn: '2999-01-01',
    });
    expect(inactive.text).toContain('<small id="borrower-error">');
    const long = await helper.form(`/things/${thingId}/lend`, { borrower: 'b'.repeat(65), dueOn: '2999-01-01' });
    expect(long.text).toContain('<small id="borrower-error">Höchstens 64 Zeichen.</small>');
    expect(inputValue(long.text, 'borrower')).toBe('b'.repeat(65));
    const gone = await helper.form('/things/gibtsnicht/lend', { dueOn: '2999-01-01' });
    expect(gone.status).toBe(404);
    const ok = await helper.form(`/things/${thingId}/lend`, {
      borrower: ` ${m.member.username.toUpperCase()} `,
      dueOn: '2999-01-01',
    });
    expect(ok.status).toBe(303);
    expect((await m.get('/api/me/loans')).body).toHaveLength(1);
    const twice = await helper.form(`/things/${thingId}/lend`, { borrower: m.member.username, dueOn: '2999-01-01' });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('dieses Ding ist schon verliehen (an ');
    // Made overdue behind the API's back: the page marks it.
    await t.orm.em.fork().execute(`update loan set due_on = current_date - 3 where thing_id = ?`, [thingId]);
    const mine = await m.page('/me/things');
    expect(mine.text).toContain('class="overdue"');
    expect(mine.text).toContain('überfällig');
    const back = await helper.form(`/things/${thingId}/return`, {});
    expect(back.status).toBe(303);
    expect((await m.get('/api/me/loans?open=true')).body).toHaveLength(0);
  });

  it('lists the things a member owns on /me/things', async () => {
    const owner = await member();
    const res = await helper
      .post('/api/things')
      .send({ name: 'Eigene Nähmaschine', ownership: 'member-owned', ownerMemberId: owner.member.id });
    expect(res.status).toBe(201);
    const mine = await owner.page('/me/things');
    expect(mine.text).toContain('Eigene Nähmaschine');
    // Another member sees whose it is: the display name only, no link into the board's pages.
    const name = String(res.body.owner.name);
    const page = await (await member()).page(`/things/${res.body.id}`);
    expect(page.text).toContain(`<dd>${name} (Mitglied)</dd>`);
    expect(page.text).not.toContain(owner.member.username);
    expect(page.text).not.toContain('/board/members');
  });
});

describe('a non-member account', () => {
  it('cannot log in to reach the pages (registered members are not active)', async () => {
    const m = await makeMember(t, { password: PASSWORD });
    const res = await t.http.post('/api/auth/login').send({ login: m.username, password: PASSWORD });
    expect(res.status).toBe(401);
  });
});
