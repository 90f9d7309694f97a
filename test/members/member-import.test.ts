import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/actor.js';
import { MemberImportService, type ImportReport } from '../../src/members/member-import.service.js';
import { brokenQuoteCsv, csvFile, encodeCsv, goodMemberCsv, memberCsv, rawCsv } from '../support/csv-fixtures.js';
import { createTestApp, loginAs, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

interface MemberRecord {
  id: number;
  member_number: string | null;
  first_name: string;
  last_name: string;
  display_name: string;
  username: string;
  private_email: string | null;
  language: string | null;
  state: string;
}

let t: TestApp;
let board: Agent;

beforeAll(async () => {
  t = await createTestApp();
  board = await loginAs(t, 'board', { firstName: 'Rosa', lastName: 'Luxemburg' });
});
afterAll(() => t.close());

// Through the service, as the CLI does.
function importViaService(bytes: Uint8Array, dryRun: boolean): Promise<ImportReport> {
  return t.app.get(MemberImportService).import(systemActor('test import'), bytes, { dryRun });
}

// Through the API, as the board's browser does: the raw file as the body.
async function importViaApi(bytes: Buffer, dryRun: boolean | undefined): Promise<ImportReport> {
  const path = dryRun === undefined ? '/api/members/import' : `/api/members/import?dryRun=${dryRun}`;
  const res = await board.post(path).set('Content-Type', 'text/csv').send(bytes);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as ImportReport;
}

const via = {
  service: importViaService,
  api: (bytes: Uint8Array, dryRun: boolean) => importViaApi(Buffer.from(bytes), dryRun),
};

async function count(table: 'member' | 'revision' | 'audit_log' | 'membership_period'): Promise<number> {
  const rows = await t.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return rows[0]?.n ?? -1;
}

async function counts() {
  return {
    members: await count('member'),
    revisions: await count('revision'),
    periods: await count('membership_period'),
    audit: await count('audit_log'),
  };
}

async function memberByNumber(memberNumber: string): Promise<MemberRecord | undefined> {
  const rows = await t.orm.em
    .fork()
    .execute<MemberRecord[]>('select * from member where member_number = ?', [memberNumber]);
  return rows[0];
}

async function memberById(id: number): Promise<MemberRecord | undefined> {
  const rows = await t.orm.em.fork().execute<MemberRecord[]>('select * from member where id = ?', [id]);
  return rows[0];
}

async function revisionsOf(memberId: number): Promise<{ kind: string; changes: unknown; actor_label: string }[]> {
  return t.orm.em
    .fork()
    .execute('select kind, changes, actor_label from revision where member_id = ? order by id', [memberId]);
}

async function currentStatus(memberId: number): Promise<string | undefined> {
  const rows = await t.orm.em
    .fork()
    .execute<{ status_code: string }[]>(
      'select status_code from membership_period where member_id = ? and "end" is null',
      [memberId],
    );
  return rows.length === 1 ? rows[0]?.status_code : `${rows.length} open periods`;
}

describe.each(['service', 'api'] as const)('import through the %s', (route) => {
  const run = via[route];
  // Member numbers and e-mails are unique per route, so both routes share one database.
  const p = route === 'service' ? 'S' : 'A';

  it('reads a Windows-1252 file with umlauts correctly', async () => {
    const bytes = memberCsv(
      [
        { memberNumber: `${p}W1`, firstName: 'Jürgen', lastName: 'Müller', email: `${p}.jm@example.org` },
        { memberNumber: `${p}W2`, firstName: 'Günther', lastName: 'Weiß' },
      ],
      { encoding: 'windows-1252' },
    );
    // The test really sends single-byte umlauts: ü is 0xFC, not the UTF-8 pair C3 BC.
    expect(bytes.includes(0xfc)).toBe(true);
    expect(bytes.includes(Buffer.from('ü', 'utf8'))).toBe(false);

    const report = await run(bytes, false);
    expect(report).toMatchObject({
      encoding: 'windows-1252',
      delimiter: ';',
      committed: true,
      created: 2,
      problems: [],
    });

    const juergen = await memberByNumber(`${p}W1`);
    expect(juergen).toMatchObject({ first_name: 'Jürgen', last_name: 'Müller', display_name: 'Jürgen Müller' });
    expect(juergen?.username).toMatch(/^juergen\.mueller\d*$/);
    expect(await memberByNumber(`${p}W2`)).toMatchObject({ first_name: 'Günther', last_name: 'Weiß' });
  });

  it('reports a broken quote on line 7 and an empty first name on line 9, and commits nothing', async () => {
    const bytes = brokenQuoteCsv(`${p}B`);
    const before = await counts();

    const dry = await run(bytes, true);
    expect(dry.problems.map((x) => x.line)).toEqual([7, 9]);
    expect(dry.problems[0]?.message).toMatch(/quote/);
    expect(dry.problems[1]).toMatchObject({
      line: 9,
      field: 'firstName',
      message: expect.stringMatching(/first name/),
    });

    const real = await run(bytes, false);
    expect(real.committed).toBe(false);
    expect(real.problems).toEqual(dry.problems);
    // The eight good rows are not written either: all rows or none.
    expect(await counts()).toEqual(before);
    expect(await memberByNumber(`${p}B-1`)).toBeUndefined();
  });

  it('reports a member number used twice in the file and commits nothing', async () => {
    const bytes = memberCsv([
      { memberNumber: `${p}D1`, firstName: 'Karl', lastName: 'Marx' },
      { memberNumber: `${p}D2`, firstName: 'Friedrich', lastName: 'Engels' },
      { memberNumber: `${p}D1`, firstName: 'Jenny', lastName: 'Marx' },
    ]);
    const before = await counts();
    const report = await run(bytes, false);
    expect(report.committed).toBe(false);
    expect(report.problems).toMatchObject([
      { line: 4, field: 'memberNumber', message: expect.stringMatching(new RegExp(`${p}D1 already on line 2`)) },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('reports a member number with spaces', async () => {
    const bytes = memberCsv([
      { memberNumber: `${p}N1`, firstName: 'Clara', lastName: 'Zetkin' },
      { memberNumber: '12 34', firstName: 'August', lastName: 'Bebel' },
    ]);
    const before = await counts();
    const report = await run(bytes, false);
    expect(report.committed).toBe(false);
    expect(report.problems).toMatchObject([
      { line: 3, field: 'memberNumber', message: expect.stringContaining("'12 34' contains spaces") },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('is idempotent: the same file a second time changes nothing', async () => {
    const bytes = goodMemberCsv(`${p}I`);
    const first = await run(bytes, false);
    expect(first).toMatchObject({ committed: true, created: 3, updated: 0, unchanged: 0, problems: [] });
    const after = await counts();

    const second = await run(bytes, false);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 3, problems: [] });
    expect(second.actions.map((a) => a.kind)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    const again = await counts();
    expect(again.members).toBe(after.members);
    expect(again.revisions).toBe(after.revisions);
    expect(again.periods).toBe(after.periods);
  });

  it('shows a changed name as an update in the dry run, then applies it with an import revision', async () => {
    const original = memberCsv([
      { memberNumber: `${p}U1`, firstName: 'Jurgen', lastName: 'Mueller', status: 'member' },
    ]);
    expect((await run(original, false)).created).toBe(1);
    const member = await memberByNumber(`${p}U1`);
    if (!member) throw new Error('not imported');

    const changed = memberCsv([{ memberNumber: `${p}U1`, firstName: 'Jürgen', lastName: 'Mueller', status: 'member' }]);
    const dry = await run(changed, true);
    expect(dry).toMatchObject({ dryRun: true, committed: false, created: 0, updated: 1, unchanged: 0, problems: [] });
    expect(dry.actions).toEqual([
      {
        line: 2,
        kind: 'update',
        memberId: member.id,
        name: 'Jürgen Mueller',
        changes: [{ field: 'firstName', old: 'Jurgen', new: 'Jürgen' }],
      },
    ]);
    expect((await memberById(member.id))?.first_name).toBe('Jurgen');

    const real = await run(changed, false);
    expect(real).toMatchObject({ committed: true, updated: 1 });
    expect((await memberById(member.id))?.first_name).toBe('Jürgen');
    const revisions = await revisionsOf(member.id);
    expect(revisions.map((r) => r.kind)).toEqual(['import', 'import']);
    expect(revisions[1]?.changes).toEqual([{ field: 'firstName', old: 'Jurgen', new: 'Jürgen' }]);
  });

  it('changes the status of a matched member as a new membership period', async () => {
    const original = memberCsv([{ memberNumber: `${p}ST`, firstName: 'Hedwig', lastName: 'Dohm', status: 'member' }]);
    expect((await run(original, false)).created).toBe(1);
    const member = await memberByNumber(`${p}ST`);
    if (!member) throw new Error('not imported');

    const changed = memberCsv([{ memberNumber: `${p}ST`, firstName: 'Hedwig', lastName: 'Dohm', status: 'Supporter' }]);
    const report = await run(changed, false);
    expect(report.actions[0]).toMatchObject({
      kind: 'update',
      changes: [{ field: 'status', old: 'member', new: 'supporter' }],
    });
    expect(await currentStatus(member.id)).toBe('supporter');
    // And again: unchanged.
    expect((await run(changed, false)).unchanged).toBe(1);
  });

  it('matches by e-mail (case-insensitively) when the file has no member number', async () => {
    // Taken in by the board (the API stores the address lower-cased), without a member number.
    const created = await board
      .post('/api/members')
      .send({ firstName: 'Louise', lastName: 'Otto', privateEmail: `${p}.louise@example.org` });
    expect(created.status).toBe(201);
    const existing = created.body as { id: number };
    const bytes = csvFile(['Vorname', 'Nachname', 'E-Mail'], [['Louise', 'Otto-Peters', `${p}.Louise@EXAMPLE.org`]]);
    const before = await counts();

    const dry = await run(bytes, true);
    expect(dry.problems).toEqual([]);
    expect(dry.actions).toEqual([
      expect.objectContaining({
        kind: 'update',
        memberId: existing.id,
        changes: [{ field: 'lastName', old: 'Otto', new: 'Otto-Peters' }],
      }),
    ]);

    const real = await run(bytes, false);
    expect(real).toMatchObject({ committed: true, created: 0, updated: 1 });
    expect((await memberById(existing.id))?.last_name).toBe('Otto-Peters');
    expect((await counts()).members).toBe(before.members);
  });

  it.each([
    { name: 'UTF-8 with BOM and ";"', encoding: 'utf-8-bom', delimiter: ';', header: 'german' },
    { name: 'UTF-8 with BOM and ","', encoding: 'utf-8-bom', delimiter: ',', header: 'english' },
    { name: 'UTF-8 without BOM and ";"', encoding: 'utf-8', delimiter: ';', header: 'german' },
    { name: 'UTF-8 without BOM and ","', encoding: 'utf-8', delimiter: ',', header: 'english' },
  ] as const)('reads $name', async ({ encoding, delimiter, header }) => {
    const tag = `${p}F${encoding === 'utf-8' ? 'u' : 'b'}${delimiter === ';' ? 's' : 'c'}`;
    const bytes = memberCsv(
      [
        // A comma inside a name must survive in a ',' file (quoted) and a ';' file (plain).
        { memberNumber: `${tag}1`, firstName: 'Hans, Dr.', lastName: 'Böckler', email: `${tag}.hb@example.org` },
        { memberNumber: `${tag}2`, firstName: 'Lily', lastName: 'Braun', since: '2021-05-01', language: 'en' },
      ],
      { encoding, delimiter, header },
    );
    const report = await run(bytes, false);
    expect(report).toMatchObject({ encoding, delimiter, committed: true, created: 2, problems: [] });
    expect(await memberByNumber(`${tag}1`)).toMatchObject({
      first_name: 'Hans, Dr.',
      last_name: 'Böckler',
      private_email: `${tag.toLowerCase()}.hb@example.org`,
    });
    expect(await memberByNumber(`${tag}2`)).toMatchObject({ first_name: 'Lily', last_name: 'Braun', language: 'en' });
  });

  it('reports an unknown status with its line and commits nothing', async () => {
    const bytes = memberCsv([
      { memberNumber: `${p}X1`, firstName: 'Ernst', lastName: 'Thälmann', status: 'member' },
      { memberNumber: `${p}X2`, firstName: 'Rudolf', lastName: 'Breitscheid', status: 'Ehrenmitglied' },
    ]);
    const before = await counts();
    const report = await run(bytes, false);
    expect(report.committed).toBe(false);
    expect(report.problems).toMatchObject([
      { line: 3, field: 'status', message: expect.stringContaining("unknown status 'ehrenmitglied'") },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('reports an unknown column header', async () => {
    const bytes = csvFile(['Vorname', 'Nachname', 'Lieblingsfarbe'], [['Rosa', 'Luxemburg', 'rot']]);
    const before = await counts();
    const report = await run(bytes, false);
    expect(report.committed).toBe(false);
    // The service keeps the message's parts with their keys for the page; the API answers without.
    const parts = route === 'service' ? { parts: [expect.objectContaining({ key: 'import.unknownColumn' })] } : {};
    expect(report.problems).toEqual([
      { line: 1, message: expect.stringContaining("unknown column 'Lieblingsfarbe'"), ...parts },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('writes nothing in a dry run, but reports what it would do', async () => {
    const bytes = goodMemberCsv(`${p}R`);
    const before = await counts();
    const report = await run(bytes, true);
    expect(report).toMatchObject({ dryRun: true, committed: false, records: 3, created: 3, problems: [] });
    expect(report.actions.map((a) => [a.line, a.kind, a.name])).toEqual([
      [2, 'create', 'Jürgen Müller'],
      [3, 'create', 'Käthe Kollwitz'],
      [4, 'create', 'Grete Straßmann'],
    ]);
    expect(await counts()).toEqual(before);
    expect(await memberByNumber(`${p}R-1`)).toBeUndefined();
  });
});

describe('import API', () => {
  it('is a dry run unless dryRun=false is given', async () => {
    const before = await counts();
    const report = await importViaApi(goodMemberCsv('DEF'), undefined);
    expect(report).toMatchObject({ dryRun: true, committed: false, created: 3 });
    expect(await counts()).toEqual(before);
  });

  it('takes the umlauts of a Windows-1252 file as the real run after a dry run', async () => {
    // The board's usual flow: look first, then commit the same bytes.
    const bytes = encodeCsv('Vorname;Nachname;Mitgliedsnummer\r\nJürgen;Müller;FLOW1\r\n', 'windows-1252');
    expect((await importViaApi(bytes, true)).actions).toEqual([
      expect.objectContaining({ kind: 'create', name: 'Jürgen Müller' }),
    ]);
    expect((await importViaApi(bytes, false)).committed).toBe(true);
    const list = await board.get('/api/members?q=FLOW1');
    expect(list.body.items).toEqual([
      expect.objectContaining({ firstName: 'Jürgen', lastName: 'Müller', memberNumber: 'FLOW1' }),
    ]);
  });

  it('writes an audit entry for a real import', async () => {
    const before = await count('audit_log');
    await importViaApi(goodMemberCsv('AUD'), false);
    const rows = await t.orm.em
      .fork()
      .execute<{ action: string; details: { created: number } }[]>(
        'select action, details from audit_log order by id desc limit 1',
      );
    expect(await count('audit_log')).toBe(before + 1);
    expect(rows[0]).toMatchObject({ action: 'member.import', details: { created: 3 } });
  });

  it.each(['text/csv; charset=utf-8', 'application/octet-stream'])('takes the file as %s too', async (type) => {
    const res = await board.post('/api/members/import?dryRun=true').set('Content-Type', type).send(goodMemberCsv('CT'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 3, problems: [] });
  });

  it('matches a member without number and e-mail by the username column of an export', async () => {
    const created = await board.post('/api/members').send({ firstName: 'Mathilde', lastName: 'Jacob' });
    const { id, username } = created.body as { id: number; username: string };
    const bytes = csvFile(
      ['Mitgliedsnummer', 'Vorname', 'Nachname', 'Benutzername'],
      [['', 'Mathilde', 'Jacob-Fuchs', username.toUpperCase()]],
    );
    const before = await counts();
    const report = await importViaApi(bytes, false);
    expect(report).toMatchObject({ committed: true, created: 0, updated: 1, problems: [] });
    expect(report.actions[0]).toMatchObject({
      memberId: id,
      changes: [{ field: 'lastName', old: 'Jacob', new: 'Jacob-Fuchs' }],
    });
    expect(await memberById(id)).toMatchObject({ last_name: 'Jacob-Fuchs', username });
    expect((await counts()).members).toBe(before.members);
  });

  it('reports a username whose member has another member number', async () => {
    const created = await board
      .post('/api/members')
      .send({ firstName: 'Toni', lastName: 'Sender', memberNumber: 'TS1' });
    const { username } = created.body as { username: string };
    const bytes = csvFile(
      ['Mitgliedsnummer', 'Vorname', 'Nachname', 'Benutzername'],
      [['TS2', 'Toni', 'Sender', username]],
    );
    const report = await importViaApi(bytes, false);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([
      { line: 2, field: 'username', message: `username ${username} belongs to member number TS1` },
    ]);
  });

  it('reads a cell that an export defused ("\'=…") as it was', async () => {
    const bytes = csvFile(
      ['Mitgliedsnummer', 'Vorname', 'Nachname'],
      [
        ['DEF1', "'=1+1", "'-Strich"],
        ['DEF2', "'Apostroph", 'Normal'],
      ],
    );
    expect((await importViaApi(bytes, false)).committed).toBe(true);
    expect(await memberByNumber('DEF1')).toMatchObject({ first_name: '=1+1', last_name: '-Strich' });
    // An apostrophe before anything else is part of the name.
    expect(await memberByNumber('DEF2')).toMatchObject({ first_name: "'Apostroph" });
  });

  it('answers 400 when the body is not sent as text/csv', async () => {
    const res = await board.post('/api/members/import?dryRun=true').send({ csv: 'Vorname;Nachname' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a plain member', async () => {
    const member = await loginAs(t, 'member');
    const before = await counts();
    const res = await member
      .post('/api/members/import?dryRun=false')
      .set('Content-Type', 'text/csv')
      .send(goodMemberCsv('FORB'));
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('reports rows with the wrong number of fields with their line', async () => {
    const bytes = rawCsv(['Nr;Vorname;Nachname', '1;Karl;Kautsky', '2;Eduard;Bernstein;zu viel', '3;Otto;Wels']);
    const report = await importViaApi(bytes, true);
    expect(report.problems).toEqual([{ line: 3, message: 'expected 3 fields, found 4' }]);
  });

  it('refuses a row without member number or e-mail: a re-run could not find that member again', async () => {
    const bytes = rawCsv([
      'Nr;Vorname;Nachname;E-Mail',
      '1;Karl;Kautsky;',
      ';Otto;Wels;',
      ';Rosa;Luxemburg;rosa@example.org',
    ]);
    const report = await importViaApi(bytes, false);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([
      {
        line: 3,
        message:
          'Otto Wels has neither member number nor e-mail: give one, so that re-running the file finds the member',
      },
    ]);
  });
});

describe('files that are not CSV', () => {
  it.each([
    [
      'an .xlsx (ZIP) file',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]),
    ],
    ['random bytes', Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256))],
  ])('refuses %s with one clear problem', async (_what, bytes) => {
    const report = await importViaApi(bytes, false);
    expect(report.committed).toBe(false);
    expect(report.problems).toEqual([
      { line: 1, message: 'this is not a CSV text file; in the spreadsheet, save or export it as CSV' },
    ]);
  });
});
