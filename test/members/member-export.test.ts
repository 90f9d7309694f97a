import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/members/csv/csv-parse.js';
import type { ImportReport } from '../../src/members/member-import.service.js';
import { createTestApp, loginAs, PASSWORD, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

let t: TestApp;
let board: Agent;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const FORMULAS = ['=HYPERLINK("http://x")', '+1', '@SUM(A1)'];

// The export as the bytes the browser saves (supertest would decode them to text).
async function bytes(req: supertest.Test): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const res = await req.buffer(true).parse((stream, done) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return { status: res.status, headers: res.headers, body: res.body as Buffer };
}

async function exportCsv(format?: 'excel' | 'rfc4180', agent: Agent = board): Promise<Buffer> {
  const res = await bytes(agent.get(`/api/members/export${format ? `?format=${format}` : ''}`));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"$/);
  return res.body;
}

function rowsOf(csv: Buffer, delimiter: ';' | ','): string[][] {
  const text = csv.toString('utf8');
  const parsed = parseCsv(text, delimiter);
  expect(parsed.errors).toEqual([]);
  return parsed.rows.map((r) => r.cells);
}

async function intake(body: Record<string, unknown>): Promise<{ id: number; username: string }> {
  const res = await board.post('/api/members').send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; username: string };
}

beforeAll(async () => {
  t = await createTestApp();
  // Everyone here has a member number or an e-mail, as a club's register has.
  board = await loginAs(t, 'board', {
    firstName: 'Rosa',
    lastName: 'Luxemburg',
    memberNumber: '1',
    privateEmail: 'rosa@example.org',
  });
  await intake({
    firstName: 'Jürgen',
    lastName: 'Müller',
    memberNumber: '1001',
    privateEmail: 'jm@example.org',
    language: 'de',
  });
  await intake({
    firstName: 'Hans, Dr.',
    lastName: 'Böckler "Hansi"',
    memberNumber: '1002',
    status: 'supporter',
    since: '2020-03-01',
  });
  await intake({ firstName: 'Lily', lastName: 'Braun', privateEmail: 'lily@example.org', language: 'en' });
  let n = 2000;
  for (const firstName of FORMULAS) await intake({ firstName, lastName: 'Formel', memberNumber: String(++n) });
});
afterAll(() => t.close());

describe('CSV export', () => {
  it('excel flavor: UTF-8 BOM, ";" and CRLF, the header an import reads back', async () => {
    const csv = await exportCsv('excel');
    expect(csv.subarray(0, 3)).toEqual(BOM);
    const text = csv.subarray(3).toString('utf8');
    expect(
      text.startsWith(
        'Mitgliedsnummer;Vorname;Nachname;Anzeigename;Benutzername;E-Mail;Status;Seit;Zustand;Sprache;Gruppen\r\n',
      ),
    ).toBe(true);
    // Every line ends with CRLF; no bare LF or CR anywhere.
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    const rows = rowsOf(csv, ';');
    expect(rows).toContainEqual([
      '1001',
      'Jürgen',
      'Müller',
      'Jürgen Müller',
      'juergen.mueller',
      'jm@example.org',
      'member',
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      'invited',
      'de',
      '',
    ]);
    expect(rows).toContainEqual([
      '1002',
      'Hans, Dr.',
      'Böckler "Hansi"',
      'Hans, Dr. Böckler "Hansi"',
      expect.any(String),
      '',
      'supporter',
      '2020-03-01',
      'invited',
      '',
      '',
    ]);
    expect(rows).toContainEqual([
      '1',
      'Rosa',
      'Luxemburg',
      'Rosa Luxemburg',
      'rosa.luxemburg',
      'rosa@example.org',
      'member',
      expect.any(String),
      'active',
      '',
      'board',
    ]);
  });

  it('is the excel flavor by default', async () => {
    expect((await exportCsv()).subarray(0, 3)).toEqual(BOM);
  });

  it('exports only the members in the chosen state', async () => {
    // Jürgen Müller was taken in (invited); Rosa Luxemburg is active.
    const active = (await bytes(board.get('/api/members/export?format=rfc4180&state=active'))).body.toString('utf8');
    expect(active).toContain('Luxemburg');
    expect(active).not.toContain('Müller');
    const invited = (await bytes(board.get('/api/members/export?format=rfc4180&state=invited'))).body.toString('utf8');
    expect(invited).toContain('Müller');
    expect(invited).not.toContain('Luxemburg');
  });

  it('rfc4180 flavor: ",", CRLF, no BOM', async () => {
    const csv = await exportCsv('rfc4180');
    expect(csv.subarray(0, 3)).not.toEqual(BOM);
    const text = csv.toString('utf8');
    expect(
      text.startsWith(
        'Mitgliedsnummer,Vorname,Nachname,Anzeigename,Benutzername,E-Mail,Status,Seit,Zustand,Sprache,Gruppen\r\n',
      ),
    ).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    // The comma in a name is quoted, so the row keeps its eleven fields.
    expect(text).toContain('1002,"Hans, Dr.","Böckler ""Hansi""","Hans, Dr. Böckler ""Hansi"""');
    const rows = rowsOf(csv, ',');
    expect(rows.every((r) => r.length === 11)).toBe(true);
    expect(rows).toContainEqual(expect.arrayContaining(['1001', 'Jürgen', 'Müller']));
  });

  it.each(['excel', 'rfc4180'] as const)('defuses formula-looking names (%s)', async (format) => {
    const rows = rowsOf(await exportCsv(format), format === 'excel' ? ';' : ',');
    for (const formula of FORMULAS) {
      const row = rows.find((r) => r[1]?.endsWith(formula));
      expect(row?.[1]).toBe(`'${formula}`);
      expect(row?.[3]).toBe(`'${formula} Formel`); // the display name starts with it too
    }
    // No cell anywhere starts with a formula character.
    expect(rows.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
  });

  it('writes an audit entry for every export', async () => {
    const before = await t.orm.em
      .fork()
      .execute<{ n: number }[]>("select count(*)::int as n from audit_log where action = 'member.export'");
    await exportCsv('rfc4180');
    const rows = await t.orm.em
      .fork()
      .execute<{ actor_id: number; actor_label: string; details: { flavor: string; count: number } }[]>(
        "select actor_id, actor_label, details from audit_log where action = 'member.export' order by id",
      );
    expect(rows).toHaveLength((before[0]?.n ?? 0) + 1);
    const total = await t.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from member');
    expect(rows.at(-1)).toMatchObject({
      actor_id: board.member.id,
      actor_label: board.member.username,
      details: { flavor: 'rfc4180', count: total[0]?.n },
    });
  });

  it('refuses a plain member', async () => {
    const member = await loginAs(t, 'member', { privateEmail: 'plain.exporter@example.org' });
    expect((await member.get('/api/members/export')).status).toBe(403);
  });
});

describe('round trip', () => {
  async function reimport(csv: Buffer): Promise<ImportReport> {
    const res = await board.post('/api/members/import?dryRun=true').set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(200);
    return res.body as ImportReport;
  }

  it('imports its own excel export back as unchanged, formula names included', async () => {
    const csv = await exportCsv('excel');
    const report = await reimport(csv);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ encoding: 'utf-8-bom', delimiter: ';', created: 0, updated: 0 });
    const members = (await t.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from member'))[0]?.n;
    expect(report.unchanged).toBe(members);
    expect(report.actions.filter((a) => a.kind !== 'unchanged')).toEqual([]);
  });

  it('imports its own rfc4180 export back as unchanged', async () => {
    const report = await reimport(await exportCsv('rfc4180'));
    expect(report.problems).toEqual([]);
    expect(report.actions.filter((a) => a.kind !== 'unchanged')).toEqual([]);
  });

  it('imports back a member that has neither member number nor e-mail as unchanged, not as a new member', async () => {
    await intake({ firstName: 'Minna', lastName: 'Cauer' });
    const report = await reimport(await exportCsv('excel'));
    expect(report.problems).toEqual([]);
    expect(report.actions.filter((a) => a.kind !== 'unchanged')).toEqual([]);
  });
});

describe('personal data (GDPR Art. 15)', () => {
  it('gives the board a member’s record, membership periods and revisions', async () => {
    const m = await intake({
      firstName: 'Clara',
      lastName: 'Zetkin',
      memberNumber: '3001',
      privateEmail: 'clara@example.org',
      since: '2019-01-01',
    });
    await board.post(`/api/members/${m.id}/status`).send({ status: 'supporter', begin: '2021-06-01' });
    await board.patch(`/api/members/${m.id}`).send({ lastName: 'Eißner' });

    const res = await board.get(`/api/members/${m.id}/personal-data`);
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({
      id: m.id,
      firstName: 'Clara',
      lastName: 'Eißner',
      memberNumber: '3001',
      privateEmail: 'clara@example.org',
    });
    expect(res.body.membershipPeriods).toEqual([
      { status: 'member', begin: '2019-01-01', end: '2021-05-31' },
      { status: 'supporter', begin: '2021-06-01', end: null },
    ]);
    expect(res.body.revisions.map((r: { kind: string }) => r.kind)).toEqual(
      expect.arrayContaining(['intake', 'update']),
    );
    expect(res.body.revisions.find((r: { kind: string }) => r.kind === 'update').changes).toContainEqual({
      field: 'lastName',
      old: 'Zetkin',
      new: 'Eißner',
    });
    // The export itself is audited on the member.
    const audit = await t.orm.em
      .fork()
      .execute<{ action: string }[]>('select action from audit_log where subject = ? order by id', [`member:${m.id}`]);
    expect(audit.at(-1)?.action).toBe('member.export.personal');
  });

  it('gives a member their own data, and never another member’s', async () => {
    const member = await loginAs(t, 'member', {
      firstName: 'Käthe',
      lastName: 'Kollwitz',
      privateEmail: 'kaethe@example.org',
    });
    const own = await member.get('/api/me/personal-data');
    expect(own.status).toBe(200);
    expect(own.body.member).toMatchObject({
      id: member.member.id,
      firstName: 'Käthe',
      lastName: 'Kollwitz',
      privateEmail: 'kaethe@example.org',
    });
    expect(own.body.membershipPeriods).toEqual([{ status: 'member', begin: expect.any(String), end: null }]);
    expect(own.body.revisions.map((r: { kind: string }) => r.kind)).toContain('intake');
    // Nothing secret in it.
    expect(JSON.stringify(own.body)).not.toContain('argon2');
    expect(JSON.stringify(own.body)).not.toContain(PASSWORD);

    const other = await member.get(`/api/members/${board.member.id}/personal-data`);
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain('Luxemburg');
    // Not even their own through the board route: that one is for the board.
    expect((await member.get(`/api/members/${member.member.id}/personal-data`)).status).toBe(403);
  });

  it('answers 404 for a member that does not exist, and 401 without a session', async () => {
    expect((await board.get('/api/members/999999/personal-data')).status).toBe(404);
    expect((await t.http.get('/api/me/personal-data')).status).toBe(401);
  });
});
