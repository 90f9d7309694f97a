import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate, utcToLocal } from '../../src/calendar/time-zone.js';
import { systemActor } from '../../src/core/actor.js';
import { MembersService } from '../../src/members/members.service.js';
import {
  createTestApp,
  loginAs,
  makeMember,
  postForm,
  PUBLIC_URL,
  TEST_CSRF,
  type TestApp,
} from '../support/test-app.js';

// The board's member pages as a browser without JavaScript uses them: forms posted as
// application/x-www-form-urlencoded (multipart for the upload) from our own origin.
let t: TestApp;
let board: Awaited<ReturnType<typeof loginAs>>;
let helper: Awaited<ReturnType<typeof loginAs>>;
let member: Awaited<ReturnType<typeof loginAs>>;

const SCRIPT = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

beforeAll(async () => {
  t = await createTestApp({ ALLMENDE_MAIL_DOMAIN: 'club.example' });
  board = await loginAs(t, 'board');
  helper = await loginAs(t, 'helper');
  member = await loginAs(t, 'member');
});
afterAll(() => t.close());

const BOARD_ONLY = ['/board/intake', '/board/import', '/board/sync'];
const HELPER_PAGES = [
  '/board',
  '/board/members',
  '/board/exports',
  '/board/groups',
  '/board/things',
  '/board/locations',
];

describe('access', () => {
  it('sends a stranger to the login, with the page to come back to', async () => {
    for (const path of [...HELPER_PAGES, ...BOARD_ONLY]) {
      const res = await t.http.get(path).set('Accept', 'text/html');
      expect(res.status, path).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('shows a member (neither helper nor board) a 403 page on every board page', async () => {
    for (const path of [...HELPER_PAGES, ...BOARD_ONLY]) {
      const res = await member.page(path);
      expect(res.status, path).toBe(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('Diese Seite ist für deine Rolle nicht freigegeben.');
    }
    const post = await member.form('/board/intake', { firstName: 'A', lastName: 'B' });
    expect(post.status).toBe(403);
  });

  it('opens the helpers’ pages to a helper, but not the board’s', async () => {
    for (const path of HELPER_PAGES) expect((await helper.page(path)).status, path).toBe(200);
    for (const path of BOARD_ONLY) expect((await helper.page(path)).status, path).toBe(403);
    const dash = await helper.page('/board');
    expect(dash.text).toContain('href="/board/things"');
    expect(dash.text).not.toContain('href="/board/intake"');
  });

  it('renders every page for the board, with the sub-navigation marking the current page', async () => {
    for (const path of [...HELPER_PAGES, ...BOARD_ONLY]) {
      const res = await board.page(path);
      expect(res.status, path).toBe(200);
      expect(res.text).toContain(`<a href="${path}" aria-current="page">`);
    }
  });
});

describe('languages', () => {
  it('speaks the browser’s language when the member chose none, errors included', async () => {
    const page = await board.page('/board').set('Accept-Language', 'en');
    expect(page.text).toContain('Registrations waiting for activation');
    expect(page.text).toContain('<html lang="en">');
    const res = await postForm(t, '/board/intake', { firstName: '', lastName: 'L' }, { cookie: board.cookie }).set(
      'Accept-Language',
      'en',
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('<small id="firstName-error">must not be empty</small>');
  });
});

describe('intake → activation', () => {
  it('keeps what was typed and shows errors next to the fields', async () => {
    const res = await board.form('/board/intake', {
      firstName: 'x'.repeat(101),
      lastName: '',
      privateEmail: 'kein-at-zeichen',
      memberNumber: 'mit leerzeichen',
      sendWelcome: 'on',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`value="${'x'.repeat(101)}"`);
    expect(res.text).toContain('value="kein-at-zeichen"');
    expect(res.text).toMatch(/id="firstName"[^>]*aria-invalid="true" aria-describedby="firstName-error"/);
    expect(res.text).toContain('<small id="firstName-error">höchstens 100 Zeichen</small>');
    expect(res.text).toContain('<small id="lastName-error">');
    expect(res.text).toContain('<small id="privateEmail-error">');
    expect(res.text).toContain('<small id="memberNumber-error">');
    expect(res.text).toMatch(/name="sendWelcome" value="on" checked/);
  });

  it('takes a member in with a script tag in every field shown as text, then activates them', async () => {
    const res = await board.form('/board/intake', {
      firstName: SCRIPT,
      lastName: `Zetkin${SCRIPT}`,
      privateEmail: 'clara@private.example',
      memberNumber: '4711',
      language: 'en',
      sendWelcome: 'on',
    });
    expect(res.status).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/board\/members\/\d+\?done=intake-welcome$/);
    const id = Number(/members\/(\d+)/.exec(location)?.[1]);
    const page = await board.page(location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('die Willkommensmail ist unterwegs');
    expect(page.text).not.toContain(SCRIPT);
    expect(page.text).toContain(ESCAPED);
    expect(page.text).toContain('clara@private.example');
    // The welcome mail went out as through the API: the history says so, and the state is invited.
    const view = await t.app.get(MembersService).viewOf(t.orm.em.fork(), id);
    expect(view.state).toBe('invited');
    const outbox = await t.orm.em
      .fork()
      .execute<{ n: number }[]>(
        `select count(*)::int as n from outbox_mail where member_id = ? and template = 'welcome'`,
        [id],
      );
    expect(outbox[0]?.n).toBe(1);

    const activate = await board.form(`/board/members/${id}/state`, { state: 'active' });
    expect(activate.status).toBe(303);
    expect(activate.headers.location).toBe(`/board/members/${id}?done=state-active`);
    const after = await board.page(String(activate.headers.location));
    expect(after.text).toContain('Das Mitglied ist jetzt aktiv.');
    expect(after.text).toContain('<span class="badge">aktiv</span>');
    // The history lists both changes, newest first.
    expect(after.text).toMatch(/state: invited → active/);
  });

  it('refuses a duplicate member number at its field', async () => {
    await makeMember(t, { memberNumber: '9001' });
    const res = await board.form('/board/intake', { firstName: 'Rosa', lastName: 'L', memberNumber: '9001' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<small id="memberNumber-error">ist schon vergeben</small>');
    expect(res.text).toContain('value="Rosa"');
  });
});

describe('member list', () => {
  it('searches on the server, one page at a time, and escapes names', async () => {
    for (let i = 0; i < 3; i++) await makeMember(t, { firstName: 'Suchbar', lastName: `Liste${i}`, state: 'active' });
    const res = await board.page('/board/members?q=suchbar');
    expect(res.status).toBe(200);
    expect(res.text).toContain('3 Mitglieder, Seite 1 von 1');
    expect(res.text).toContain('Suchbar Liste0');
    expect(res.text).toContain('value="suchbar"');
    const scripted = await board.page(`/board/members?q=${encodeURIComponent(SCRIPT)}`);
    expect(scripted.status).toBe(200);
    expect(scripted.text).not.toContain(SCRIPT);
    expect(scripted.text).toContain(`value="${ESCAPED}"`);
  });

  it('pages through the list with links that keep the search', async () => {
    for (let i = 0; i < 51; i++)
      await makeMember(t, { firstName: 'Seite', lastName: `N${String(i).padStart(2, '0')}` });
    const first = await board.page('/board/members?q=seite');
    expect(first.text).toContain('51 Mitglieder, Seite 1 von 2');
    expect(first.text).toContain('href="/board/members?q=seite&amp;page=2"');
    const second = await board.page('/board/members?q=seite&page=2');
    expect(second.text).toContain('Seite N50');
    expect(second.text).toContain('href="/board/members?q=seite" rel="prev"');
  });

  it('filters by state and group; an oversized search is refused at its field', async () => {
    const res = await board.page('/board/members?state=invited&group=board');
    expect(res.status).toBe(200);
    const long = await board.page(`/board/members?q=${'a'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(long.text).toContain('<small id="q-error">');
    const bad = await board.page('/board/members?state=nonsense');
    expect(bad.status).toBe(400);
  });

  it('shows helpers active members only, without numbers or states', async () => {
    const invited = await makeMember(t, { firstName: 'Nur', lastName: 'Eingeladen' });
    const res = await helper.page('/board/members?q=eingeladen');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Nur Eingeladen');
    expect((await helper.page(`/board/members/${invited.id}`)).status).toBe(404);
    expect((await board.page(`/board/members/${invited.id}`)).status).toBe(200);
  });
});

describe('member page', () => {
  it('records an exit on a date (errors kept at the field), and takes it back', async () => {
    const m = await makeMember(t, { state: 'active' });
    const bad = await board.form(`/board/members/${m.id}/exit`, { on: '31.12.2030', exitReason: SCRIPT });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="31.12.2030"');
    expect(bad.text).toContain(`value="${ESCAPED}"`);
    expect(bad.text).toContain('<small id="on-error">muss ein Datum sein (JJJJ-MM-TT)</small>');
    const long = await board.form(`/board/members/${m.id}/exit`, { on: '2030-12-31', exitReason: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect(long.text).toContain('<small id="exitReason-error">');
    const ok = await board.form(`/board/members/${m.id}/exit`, { on: '2030-12-31', exitReason: 'Umzug' });
    expect(ok.status).toBe(303);
    const page = await board.page(`/board/members/${m.id}`);
    expect(page.text).toContain('Austritt zurücknehmen');
    const dash = await board.page('/board');
    expect(dash.text).toContain(`href="/board/members/${m.id}#exit"`);
    const undo = await board.form(`/board/members/${m.id}/exit/undo`, {});
    expect(undo.headers.location).toBe(`/board/members/${m.id}?done=exit-undone`);
  });

  it('resends the welcome mail', async () => {
    const m = await makeMember(t, { privateEmail: 'again@private.example' });
    const res = await board.form(`/board/members/${m.id}/welcome`, {});
    expect(res.status).toBe(303);
    expect((await board.page(String(res.headers.location))).text).toContain('Willkommensmail ist neu verschickt');
  });

  it('adds to and removes from a group', async () => {
    const m = await makeMember(t, { state: 'active' });
    const add = await board.form(`/board/members/${m.id}/groups`, { group: 'helpers', action: 'add' });
    expect(add.status).toBe(303);
    expect((await board.page(`/board/members/${m.id}`)).text).toContain('Aus helpers entfernen');
    const remove = await board.form(`/board/members/${m.id}/groups`, { group: 'helpers', action: 'remove' });
    expect(remove.headers.location).toBe(`/board/members/${m.id}?done=group-removed`);
  });

  it('a member’s pending change is on the dashboard and approved from the member’s page', async () => {
    const changer = await loginAs(t, 'member');
    const patch = await changer.patch(`/api/members/${changer.member.id}`).send({ lastName: 'Neuname' });
    expect([200, 202]).toContain(patch.status);
    const dash = await board.page('/board');
    expect(dash.text).toContain(`href="/board/members/${changer.member.id}#approvals"`);
    const page = await board.page(`/board/members/${changer.member.id}`);
    const rid = Number(/\/board\/approvals\/(\d+)\/approve/.exec(page.text)?.[1]);
    expect(rid).toBeGreaterThan(0);
    const long = await board.form(`/board/approvals/${rid}/approve`, {
      member: String(changer.member.id),
      note: 'x'.repeat(1001),
    });
    expect(long.status).toBe(400);
    expect(long.text).toContain(`<small id="note-${rid}-error">`);
    const ok = await board.form(`/board/approvals/${rid}/approve`, { member: String(changer.member.id), note: 'ok' });
    expect(ok.headers.location).toBe(`/board/members/${changer.member.id}?done=approved`);
    const view = await t.app.get(MembersService).viewOf(t.orm.em.fork(), changer.member.id);
    expect(view.lastName).toBe('Neuname');
  });

  it('says at the state field, in the page’s language, a change the state machine forbids', async () => {
    const m = await makeMember(t, { state: 'active' });
    const res = await board.form(`/board/members/${m.id}/state`, { state: 'invited' });
    expect(res.status).toBe(409);
    expect(res.text).toMatch(
      /<small id="state-error">von „active“ geht es nicht zu „invited“ \(möglich: [^<]+\)<\/small>/,
    );
    const en = await board.form(`/board/members/${m.id}/state`, { state: 'invited' }).set('Accept-Language', 'en');
    expect(en.text).toMatch(/<small id="state-error">cannot go from active to invited \(allowed: [^<]+\)<\/small>/);
  });

  it('refuses a form from another origin', async () => {
    const m = await makeMember(t, { state: 'active' });
    const res = await t.http
      .post(`/board/members/${m.id}/state`)
      .type('form')
      .set('Accept', 'text/html')
      .set('Origin', 'https://evil.example')
      .set('Cookie', `allmende_csrf=${TEST_CSRF}; ${board.cookie}`)
      .send({ state: 'suspended', _csrf: TEST_CSRF });
    expect(res.status).toBe(403);
    expect((await t.app.get(MembersService).viewOf(t.orm.em.fork(), m.id)).state).toBe('active');
    expect(PUBLIC_URL).not.toBe('https://evil.example');
  });
});

describe('membership status', () => {
  const periodsOf = (id: number) => t.app.get(MembersService).periods(id);

  it('shows the periods and changes the status from a day on, with a note', async () => {
    const m = await makeMember(t, { state: 'active', since: '2024-01-01' });
    const page = await board.page(`/board/members/${m.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="/board/members/${m.id}/status"`);
    expect(page.text).toContain('<td>Member <small>(member)</small></td><td><time datetime="2024-01-01">');
    // The form proposes the current status and today where the club is.
    expect(page.text).toContain('<option value="member" selected>Member (member)</option>');
    const today = isoDate(utcToLocal(t.config.timeZone, Date.now()));
    expect(page.text).toMatch(new RegExp(`id="begin" name="begin" value="${today}"`));

    const ok = await board.form(`/board/members/${m.id}/status`, { status: 'supporter', begin: '2026-03-01' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/board/members/${m.id}?done=status`);
    const after = await board.page(String(ok.headers.location));
    expect(after.text).toContain('Der Mitgliedsstatus ist geändert.');
    expect(after.text).toContain(
      '<td>Supporting member <small>(supporter)</small></td><td><time datetime="2026-03-01">',
    );
    expect(after.text).toContain('<time datetime="2026-02-28">');
    expect(await periodsOf(m.id)).toEqual([
      { status: 'member', label: 'Member', begin: '2024-01-01', end: '2026-02-28' },
      { status: 'supporter', label: 'Supporting member', begin: '2026-03-01', end: null },
    ]);
    const same = await board.form(`/board/members/${m.id}/status`, { status: 'supporter', begin: '2026-04-01' });
    expect(same.headers.location).toBe(`/board/members/${m.id}?done=status-unchanged`);
    // Without a day: today.
    const now = await board.form(`/board/members/${m.id}/status`, { status: 'member', begin: '' });
    expect(now.headers.location).toBe(`/board/members/${m.id}?done=status`);
    expect((await periodsOf(m.id)).at(-1)).toMatchObject({ status: 'member', begin: today, end: null });
  });

  it('shows bad input next to its field, keeps the typed day, and changes nothing', async () => {
    const m = await makeMember(t, { state: 'active', since: '2024-01-01' });
    const before = await periodsOf(m.id);
    const unknown = await board.form(`/board/members/${m.id}/status`, { status: SCRIPT, begin: '2025-05-05' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain(`<small id="status-error">unbekannter Status „${ESCAPED}“ (bekannt: member, `);
    expect(unknown.text).toMatch(/id="status" name="status" required aria-invalid="true"/);
    expect(unknown.text).toContain('value="2025-05-05"');
    expect(unknown.text).not.toContain(SCRIPT);
    const malformed = await board.form(`/board/members/${m.id}/status`, { status: 'supporter', begin: '31.12.2030' });
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('<small id="begin-error">muss ein Datum sein (JJJJ-MM-TT)</small>');
    expect(malformed.text).toContain('value="31.12.2030"');
    expect(malformed.text).toContain('<option value="supporter" selected>');
    const early = await board.form(`/board/members/${m.id}/status`, { status: 'former', begin: '2023-12-31' });
    expect(early.status).toBe(400);
    expect(early.text).toContain(
      '<small id="begin-error">der neue Status kann nicht vor dem jetzigen beginnen (2024-01-01)</small>',
    );
    expect(early.text).toContain('value="2023-12-31"');
    const english = await postForm(
      t,
      `/board/members/${m.id}/status`,
      { status: 'former', begin: '2023-12-31' },
      { cookie: board.cookie },
    ).set('Accept-Language', 'en');
    expect(english.text).toContain(
      '<small id="begin-error">the new status cannot begin before the current one (2024-01-01)</small>',
    );
    const empty = await board.form(`/board/members/${m.id}/status`, { status: '', begin: '2025-05-05' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<small id="status-error">darf nicht leer sein</small>');
    expect(await periodsOf(m.id)).toEqual(before);
    const history = await t.app.get(MembersService).history(systemActor('test'), m.id);
    expect(history.filter((r) => r.kind === 'status')).toHaveLength(0);
  });

  it('is the board’s: helpers see neither periods nor form, and helpers’ and members’ posts are refused', async () => {
    const m = await makeMember(t, { state: 'active', since: '2024-01-01' });
    const page = await helper.page(`/board/members/${m.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('/status"');
    expect(page.text).not.toContain('Mitgliedschaft: Zeiträume');
    for (const who of [helper, member]) {
      const res = await who.form(`/board/members/${m.id}/status`, { status: 'former', begin: '2025-01-01' });
      expect(res.status).toBe(403);
    }
    expect(await periodsOf(m.id)).toEqual([{ status: 'member', label: 'Member', begin: '2024-01-01', end: null }]);
  });
});

describe('groups', () => {
  it('creates a group (errors at the fields, script escaped), lists its members, adds by username', async () => {
    const bad = await board.form('/board/groups', { name: SCRIPT, slug: 'Nicht Gültig', description: SCRIPT });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain(`value="${ESCAPED}"`);
    expect(bad.text).toContain('<small id="slug-error">');
    expect(bad.text).not.toContain(SCRIPT);
    const ok = await board.form('/board/groups', { name: `Werkstatt ${SCRIPT}`, slug: 'werkstatt', description: '' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/board/groups/werkstatt?done=group-created');
    const list = await board.page('/board/groups');
    expect(list.text).toContain(`Werkstatt ${ESCAPED}`);
    const dup = await board.form('/board/groups', { name: 'Noch eine', slug: 'werkstatt' });
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('<small id="slug-error">ist schon vergeben</small>');

    const m = await makeMember(t, { firstName: 'Gruppen', lastName: 'Mensch', state: 'active' });
    const missing = await board.form('/board/groups/werkstatt/members', { username: 'niemand-hier' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('value="niemand-hier"');
    expect(missing.text).toContain('<small id="username-error">');
    const add = await board.form('/board/groups/werkstatt/members', { username: m.username });
    expect(add.status).toBe(303);
    const group = await helper.page('/board/groups/werkstatt');
    expect(group.text).toContain('Gruppen Mensch');
    expect(group.text).not.toContain('action="/board/groups/werkstatt/members"');
    expect((await board.page('/board/groups/gibtsnicht')).status).toBe(404);
  });
});

describe('exports', () => {
  it('downloads the members as CSV for the board only; the inventory for helpers too', async () => {
    const csv = await board.get('/board/exports/members.csv?state=&format=excel');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="members-/);
    const active = await board.get('/board/exports/members.csv?state=active&format=rfc4180');
    expect(active.text).not.toContain('Nur,Eingeladen');
    expect((await helper.get('/board/exports/members.csv')).status).toBe(403);
    const page = await helper.page('/board/exports');
    expect(page.text).not.toContain('/board/exports/members.csv');
    expect(page.text).toContain('action="/api/inventory/export"');
    expect((await helper.get('/api/inventory/export?format=excel')).status).toBe(200);
  });
});
