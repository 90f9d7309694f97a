import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/actor.js';
import { FakeMailmanClient } from '../../src/mailman-sync/mailman.client.fake.js';
import { MembersService } from '../../src/members/members.service.js';
import { MailmanSyncTarget } from '../../src/mailman-sync/mailman-sync.target.js';
import { SyncRegistry } from '../../src/sync/sync-registry.js';
import { SyncWorker } from '../../src/sync/sync.worker.js';
import { createTestApp, loginAs, makeMember, PUBLIC_URL, TEST_CSRF, type TestApp } from '../support/test-app.js';

// The board's tools: the CSV import with its dry run, things and places, the sync status.
let t: TestApp;
let fake: FakeMailmanClient;
let board: Awaited<ReturnType<typeof loginAs>>;
let helper: Awaited<ReturnType<typeof loginAs>>;

const SCRIPT = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

beforeAll(async () => {
  t = await createTestApp({ ALLMENDE_SYNC_DEBOUNCE_MS: '50' });
  fake = new FakeMailmanClient();
  fake.createList('intern@example.org');
  t.app.get(SyncRegistry).register(new MailmanSyncTarget(t.orm, fake, t.config, '0 3 * * *'));
  board = await loginAs(t, 'board', { privateEmail: 'board@example.net' });
  helper = await loginAs(t, 'helper', { privateEmail: 'helper@example.net' });
  expect((await board.post('/api/lists').send({ address: 'intern@example.org', source: 'active' })).status).toBe(201);
});
afterAll(async () => {
  await t.app.get(SyncWorker).idle();
  await t.close();
});

// A browser's multipart upload: the form token in the query string, as the page's action has it.
function upload(fields: { file?: Buffer; csv?: string; confirm?: string }) {
  let req = t.http
    .post(`/board/import?_csrf=${TEST_CSRF}`)
    .set('Accept', 'text/html')
    .set('Origin', PUBLIC_URL)
    .set('Cookie', `allmende_csrf=${TEST_CSRF}; ${board.cookie}`)
    .field('csv', fields.csv ?? '');
  if (fields.confirm) req = req.field('confirm', fields.confirm);
  return req.attach('file', fields.file ?? Buffer.alloc(0), fields.file ? 'members.csv' : '');
}

async function memberCount(): Promise<number> {
  const rows = await t.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from member');
  return rows[0]?.n ?? 0;
}

const GOOD = [
  'Mitgliedsnummer;Vorname;Nachname;E-Mail',
  'IMP-1;Jürgen;Müller;juergen@example.org',
  `IMP-2;Ada;Lovelace${SCRIPT};ada@example.org`,
].join('\n');

describe('member import', () => {
  it('shows the dry run of an uploaded file, imports nothing, and imports on confirmation', async () => {
    const before = await memberCount();
    const dry = await upload({ file: Buffer.from(GOOD, 'utf8') });
    expect(dry.status).toBe(200);
    expect(dry.text).toContain('Ergebnis des Probelaufs');
    expect(dry.text).toContain('2 Zeilen: 2 neu, 0 geändert, 0 unverändert.');
    expect(dry.text).toContain(`Ada Lovelace${ESCAPED}`);
    // What a new row sets, in the page's words (not the API's field names).
    expect(dry.text).toMatch(/<td>Mitgliedsnummer, Vorname, Nachname, Private Mail-Adresse[^<]*<\/td>/);
    expect(dry.text).not.toContain(SCRIPT);
    expect(dry.text).toContain('Jetzt importieren (2 Mitglieder)');
    expect(await memberCount()).toBe(before);
    // The confirm form sends back the checked text (as the textarea holds it).
    const text = /<textarea id="confirm-csv" name="csv" rows="8" readonly>([^<]*)<\/textarea>/.exec(dry.text)?.[1];
    expect(text).toBeDefined();
    const unescaped = (text ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(unescaped).toBe(GOOD);
    const real = await upload({ csv: unescaped, confirm: 'yes' });
    expect(real.status).toBe(200);
    expect(real.text).toContain('Import abgeschlossen');
    expect(await memberCount()).toBe(before + 2);
    const again = await upload({ csv: unescaped });
    expect(again.text).toContain('0 neu, 0 geändert, 2 unverändert');
    expect(again.text).not.toContain('Jetzt importieren');
  });

  it('shows a Windows-1252 file (German Excel) decoded, and imports the same names on confirmation', async () => {
    const latin = Buffer.from('Mitgliedsnummer;Vorname;Nachname\r\nW-1;Jörg;Weiß\r\n', 'latin1');
    const dry = await upload({ file: latin });
    expect(dry.text).toContain('<td>Jörg Weiß</td>');
    const text =
      /<textarea id="confirm-csv" name="csv" rows="8" readonly>([^<]*)<\/textarea>/.exec(dry.text)?.[1] ?? '';
    const real = await upload({ csv: text, confirm: 'yes' });
    expect(real.text).toContain('Import abgeschlossen');
    const rows = await t.orm.em
      .fork()
      .execute<{ last_name: string }[]>(`select last_name from member where member_number = 'W-1'`);
    expect(rows).toEqual([{ last_name: 'Weiß' }]);
  });

  it('names the broken rows and why, imports nothing, and keeps the pasted text', async () => {
    const before = await memberCount();
    const broken = [
      'Mitgliedsnummer;Vorname;Nachname;E-Mail',
      'BR-1;Gut;Zeile;gut@example.org',
      'BR-2;;OhneVorname;leer@example.org',
      'BR 3;Mit;Leerzeichen;space@example.org',
    ].join('\n');
    const res = await upload({ csv: broken });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Es wurde nichts importiert');
    expect(res.text).toContain('<tr><td>3</td><td>Vorname</td><td>der Vorname fehlt</td></tr>');
    expect(res.text).toContain(
      '<tr><td>4</td><td>Mitgliedsnummer</td><td>die Mitgliedsnummer „BR 3“ enthält Leerzeichen</td></tr>',
    );
    const en = await upload({ csv: broken }).set('Accept-Language', 'en');
    expect(en.text).toContain('<tr><td>3</td><td>Vorname</td><td>first name is missing</td></tr>');
    expect(en.text).toContain(
      '<tr><td>4</td><td>Mitgliedsnummer</td><td>member number &#39;BR 3&#39; contains spaces</td></tr>',
    );
    expect(res.text).not.toContain('Jetzt importieren');
    expect(res.text).toContain('BR 3;Mit;Leerzeichen');
    // Even a "confirmed" broken file imports nothing: all rows or none.
    const forced = await upload({ csv: broken, confirm: 'yes' });
    expect(forced.status).toBe(422);
    expect(await memberCount()).toBe(before);
  });

  it('asks for a file when none was given, and takes a pasted text as an ordinary form too', async () => {
    const empty = await upload({});
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<small id="csv-error">Bitte wähle eine Datei oder füge CSV-Text ein.</small>');
    const form = await board.form('/board/import', { csv: 'Mitgliedsnummer;Vorname;Nachname\nPF-1;Paste;Form' });
    expect(form.status, form.text.slice(form.text.indexOf('<section'))).toBe(200);
    expect(form.text).toContain('1 neu');
  });

  it('refuses a file over the limit with a clear message', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 'a');
    const res = await upload({ file: big });
    expect(res.status).toBe(413);
    expect(res.text).toContain('<small id="csv-error">Die Datei ist größer als 20 MB.</small>');
  });

  it('refuses an upload without its form token, and a helper', async () => {
    const res = await t.http
      .post('/board/import')
      .set('Accept', 'text/html')
      .set('Origin', PUBLIC_URL)
      .set('Cookie', `allmende_csrf=${TEST_CSRF}; ${board.cookie}`)
      .attach('file', Buffer.from(GOOD), 'members.csv');
    expect(res.status).toBe(403);
    expect((await helper.form('/board/import', { csv: GOOD })).status).toBe(403);
  });
});

describe('places and things', () => {
  it('creates places (errors at the fields, script escaped) and edits one', async () => {
    const bad = await helper.form('/board/locations', { name: 'x'.repeat(101), parentId: '', description: SCRIPT });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<small id="name-error">höchstens 100 Zeichen</small>');
    expect(bad.text).toContain(`value="${ESCAPED}"`);
    const empty = await helper.form('/board/locations', { name: '', parentId: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<small id="name-error">');
    const room = await helper.form('/board/locations', { name: `Werkstatt ${SCRIPT}`, parentId: '' });
    expect(room.status).toBe(303);
    const list = await helper.page('/board/locations');
    expect(list.text).toContain(`Werkstatt ${ESCAPED}`);
    const roomId = Number(/href="\/board\/locations\/(\d+)"/.exec(list.text)?.[1]);
    expect((await helper.form('/board/locations', { name: 'Regal', parentId: String(roomId) })).status).toBe(303);
    const edit = await helper.page(`/board/locations/${roomId}`);
    expect(edit.status).toBe(200);
    expect(edit.text).not.toContain('› Regal</option>');
    const saved = await helper.form(`/board/locations/${roomId}`, { name: 'Werkstatt', parentId: '', description: '' });
    expect(saved.status).toBe(303);
    expect((await helper.page('/board/locations')).text).toContain('Werkstatt › Regal');
  });

  it('creates and edits a thing: place, ownership, errors kept at the fields', async () => {
    const form = await helper.page('/board/things/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<label for="name">Name</label>');
    const places = await helper.page('/board/locations');
    const shelf = /<option value="(\d+)">Werkstatt › Regal<\/option>/.exec(places.text)?.[1];
    expect(shelf).toBeDefined();
    const bad = await helper.form('/board/things', {
      name: '',
      description: SCRIPT,
      tags: 'gut, !!!',
      ownership: 'lent-to-club',
      ownerName: SCRIPT,
      ownerUntil: 'bald',
      locationId: String(shelf),
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<small id="name-error">');
    expect(bad.text).toContain('<small id="ownerUntil-error">');
    expect(bad.text).toContain(`>${ESCAPED}</textarea>`);
    expect(bad.text).toContain(`value="${ESCAPED}"`);
    expect(bad.text).toContain('value="bald"');
    expect(bad.text).toMatch(new RegExp(`<option value="${shelf}" selected>`));
    const ok = await helper.form('/board/things', {
      name: `Akkuschrauber ${SCRIPT}`,
      tags: 'werkzeug, akku',
      ownership: 'lent-to-club',
      ownerName: 'Nachbar Meier',
      ownerUntil: '2030-01-31',
      locationId: String(shelf),
    });
    expect(ok.status).toBe(303);
    const id = Number(/\/board\/things\/(\d+)/.exec(String(ok.headers.location))?.[1]);
    const page = await helper.page(`/board/things/${id}`);
    expect(page.text).toContain(`value="Akkuschrauber ${ESCAPED}"`);
    expect(page.text).toContain('value="Nachbar Meier"');
    expect(page.text).toContain('<option value="lent-to-club" selected>');
    const moved = await helper.form(`/board/things/${id}`, {
      name: 'Akkuschrauber',
      slug: '',
      tags: 'werkzeug',
      ownership: 'club',
      locationId: '',
    });
    expect(moved.status).toBe(303);
    const list = await helper.page('/board/things?q=akkuschrauber');
    expect(list.text).toContain(`href="/board/things/${id}"`);
    expect(list.text).not.toContain('Werkstatt › Regal');
    expect((await helper.page(`/board/things?q=${'a'.repeat(201)}`)).status).toBe(400);
  });

  it('sets a member as owner by username: errors at the field change nothing, the pages name the owner', async () => {
    // With private addresses: every active member here is on the synced list (see 'sync').
    const owner = await makeMember(t, {
      firstName: 'Ada',
      lastName: `Lovelace ${SCRIPT}`,
      privateEmail: 'ada@example.net',
      state: 'active',
    });
    const things = async () =>
      (
        await t.orm.em
          .fork()
          .execute<{ n: number }[]>(`select count(*)::int as n from thing where name like 'Nähmaschine%'`)
      )[0]?.n;
    const base = { name: 'Nähmaschine', slug: '', tags: '', locationId: '', ownerName: '', ownerUntil: '' };
    const nobody = await helper.form('/board/things', {
      ...base,
      ownership: 'member-owned',
      ownerMember: 'niemand-hier',
    });
    expect(nobody.status).toBe(400);
    expect(nobody.text).toContain(
      '<small id="ownerMember-error">kein aktives Mitglied mit diesem Benutzernamen</small>',
    );
    expect(nobody.text).toContain('value="niemand-hier"');
    const script = await helper.form('/board/things', { ...base, ownership: 'member-owned', ownerMember: SCRIPT });
    expect(script.status).toBe(400);
    expect(script.text).toContain(`value="${ESCAPED}"`);
    expect(script.text).not.toContain(SCRIPT);
    const missing = await helper.form('/board/things', { ...base, ownership: 'member-owned', ownerMember: '' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('<small id="ownerMember-error">gib an, welchem Mitglied es gehört</small>');
    expect(await things()).toBe(0);

    const ok = await helper.form('/board/things', { ...base, ownership: 'member-owned', ownerMember: owner.username });
    expect(ok.status).toBe(303);
    const id = Number(/\/board\/things\/(\d+)/.exec(String(ok.headers.location))?.[1]);
    const edit = await helper.page(`/board/things/${id}`);
    expect(edit.text).toContain(`Gehört: <a href="/board/members/${owner.id}">Ada Lovelace ${ESCAPED}</a>`);
    expect(edit.text).toContain(`value="${owner.username}"`);
    const plain = await loginAs(t, 'member', { privateEmail: 'plain@example.net' });
    const page = await plain.page(`/things/${id}`);
    expect(page.text).toContain(`Ada Lovelace ${ESCAPED} (Mitglied)`);
    expect(page.text).not.toContain('/board/members/');

    // Club property with the owner still typed: refused at the field; cleared, saved.
    const club = await helper.form(`/board/things/${id}`, { ...base, ownership: 'club', ownerMember: owner.username });
    expect(club.status).toBe(400);
    expect(club.text).toContain('<small id="ownerMember-error">Vereinseigentum hat keinen anderen Eigentümer</small>');
    expect((await board.get(`/api/things/${id}`)).body.owner).toEqual({
      memberId: owner.id,
      name: `Ada Lovelace ${SCRIPT}`,
    });
    const lent = await helper.form(`/board/things/${id}`, {
      ...base,
      ownership: 'lent-to-club',
      ownerMember: owner.username,
      ownerUntil: '2030-01-31',
    });
    expect(lent.status).toBe(303);
    expect((await helper.page(`/board/things/${id}`)).text).toContain(
      `Verliehen von: <a href="/board/members/${owner.id}">`,
    );
    expect((await plain.page(`/things/${id}`)).text).toContain(
      `Ada Lovelace ${ESCAPED}, an den Verein verliehen bis 31.01.2030`,
    );

    // An owner a helper may no longer look up shows as "#id" and stays when the form is saved.
    await t.app.get(MembersService).changeState(systemActor('test'), owner.id, 'suspended');
    const hidden = await helper.page(`/board/things/${id}`);
    expect(hidden.text).toContain(`value="#${owner.id}"`);
    const kept = await helper.form(`/board/things/${id}`, {
      ...base,
      name: 'Nähmaschine alt',
      ownership: 'lent-to-club',
      ownerMember: `#${owner.id}`,
      ownerUntil: '2030-01-31',
    });
    expect(kept.status).toBe(303);
    const after = (await board.get(`/api/things/${id}`)).body;
    expect(after.name).toBe('Nähmaschine alt');
    expect(after.owner.memberId).toBe(owner.id);
    expect((await board.page(`/board/things/${id}`)).text).toContain(`value="${owner.username}"`);
    const cleared = await helper.form(`/board/things/${id}`, { ...base, ownership: 'club', ownerMember: '' });
    expect(cleared.status).toBe(303);
    expect((await board.get(`/api/things/${id}`)).body.owner).toBeNull();
  });

  it('puts an overdue loan on the board’s dashboard', async () => {
    const made = await board.post('/api/things').send({ name: 'Bohrmaschine' });
    expect(made.status).toBe(201);
    const borrower = await makeMember(t, {
      firstName: 'Leih',
      lastName: 'Frist',
      privateEmail: 'leih@example.net',
      state: 'active',
    });
    const lent = await board
      .post(`/api/things/${made.body.id}/loan`)
      .send({ dueOn: '2099-01-01', borrowerId: borrower.id });
    expect(lent.status).toBe(200);
    await t.orm.em.fork().execute(`update loan set due_on = '2020-01-01' where thing_id = ?`, [made.body.id]);
    const dash = await board.page('/board');
    expect(dash.text).toContain(`<a href="/board/things/${made.body.id}">Bohrmaschine</a>`);
    expect(dash.text).toContain('ausgeliehen an Leih Frist');
  });
});

describe('sync', () => {
  it('shows each target with its plan and runs, and runs it now', async () => {
    await t.app.get(SyncWorker).idle();
    const page = await board.page('/board/sync');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="sync-mailman"');
    expect(page.text).toContain('Was ein Lauf jetzt ändern würde');
    const run = await board.form('/board/sync/mailman/run', {});
    expect(run.status).toBe(303);
    const after = await board.page(String(run.headers.location));
    expect(run.headers.location).toBe('/board/sync?done=sync-ok');
    expect(after.text).toContain('Der Abgleich ist gelaufen.');
    expect(after.text).toMatch(/: ok \(manual\)/);
  });

  it('a target that is down shows on the dashboard and its plan says why', async () => {
    await t.app.get(SyncWorker).idle();
    fake.down = true;
    try {
      const run = await board.form('/board/sync/mailman/run', {});
      expect(run.headers.location).toBe('/board/sync?done=sync-failed');
      const dash = await board.page('/board');
      expect(dash.text).toContain('href="/board/sync#sync-mailman"');
      expect(dash.text).toContain('fehlerhaft');
      // The page does not wait for a failing target; its dry run comes on request.
      const page = await board.page('/board/sync');
      expect(page.text).toContain('ECONNREFUSED'); // the last error, from the recorded run
      expect(page.text).toContain('href="/board/sync?plan=mailman#sync-mailman"');
      expect(page.text).not.toContain('<p role="alert">');
      const asked = await board.page('/board/sync?plan=mailman');
      expect(asked.text).toMatch(/<p role="alert">[^<]*ECONNREFUSED/);
    } finally {
      fake.down = false;
    }
    expect((await helper.form('/board/sync/mailman/run', {})).status).toBe(403);
  });
});
