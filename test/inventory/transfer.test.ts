import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

function csv(lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

describe('inventory CSV import and export', () => {
  let t: TestApp;
  let board: Agent;
  let helper: Agent;
  let olga: { id: number; username: string };

  beforeAll(async () => {
    t = await createTestApp();
    board = await loginAs(t, 'board');
    helper = await loginAs(t, 'helper');
    olga = await makeMember(t, { firstName: 'Olga', lastName: 'Owner' });
  });
  afterAll(async () => {
    await t.close();
  });

  const importCsv = (agent: Agent, body: Buffer, dryRun: boolean) =>
    agent.post(`/api/inventory/import?dryRun=${dryRun}`).set('Content-Type', 'text/csv').send(body);

  it('names every broken row and why, and imports nothing', async () => {
    const res = await importCsv(
      board,
      csv([
        'Name;Kurzname;Ort;Eigentum;Eigentümer;Leihgabe bis',
        'Säge;saege;Werkstatt / Regal 1;Verein;;',
        'Zahl;2342;;;;',
        'Beamer;beamer;;Leihgabe;Nachbarverein;',
        'Nähmaschine;naehmaschine;;Mitglied;niemand;',
      ]),
      false,
    );
    expect(res.status).toBe(200);
    expect(res.body.committed).toBe(false);
    expect(res.body.problems.map((p: { line: number; field: string }) => [p.line, p.field])).toEqual([
      [3, 'slug'],
      [4, 'ownerUntil'],
      [5, 'ownerMemberId'],
    ]);
    expect(res.body.problems[2].message).toBe("owner 'niemand' is not a member's username");
    expect((await board.get('/api/things')).body.total).toBe(0);
    expect((await board.get('/api/locations')).body).toEqual([]);
  });

  it('imports all rows at once, making the places it names', async () => {
    const file = csv([
      'Name;Kurzname;Ort;Schlagworte;Eigentum;Eigentümer;Leihgabe bis;Einweisung',
      'Säge;saege;Werkstatt / Regal 1;holz, werkzeug;Verein;;;nein',
      'Beamer;;Vortragsraum;;Leihgabe;Nachbarverein;31.12.2030;',
      `Nähmaschine;naehmaschine;Werkstatt / Regal 1;;Mitglied;${olga.username};;ja`,
    ]);
    const dry = await importCsv(board, file, true);
    expect(dry.body).toMatchObject({ committed: false, created: 3, problems: [] });
    expect((await board.get('/api/things')).body.total).toBe(0);
    const real = await importCsv(board, file, false);
    expect(real.body).toMatchObject({ committed: true, created: 3, updated: 0, problems: [] });
    const beamer = (await board.get('/api/things/beamer')).body;
    expect(beamer).toMatchObject({
      ownership: 'lent-to-club',
      ownerUntil: '2030-12-31',
      location: { path: ['Vortragsraum'] },
    });
    const sewing = (await board.get('/api/things/naehmaschine')).body;
    expect(sewing).toMatchObject({
      owner: { memberId: olga.id },
      needsInduction: true,
      location: { path: ['Werkstatt', 'Regal 1'] },
    });
    expect((await board.get('/api/things?q=regal')).body.total).toBe(2);
    const history = (await board.get('/api/things/saege/history')).body as { kind: string }[];
    expect(history.map((h) => h.kind)).toEqual(['imported']);
  });

  it('exports what imports back without a change', async () => {
    const exported = await helper.get('/api/inventory/export');
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toBe('text/csv; charset=utf-8');
    const text = exported.text;
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFFNummer;Kurzname;Name;Beschreibung;Ort;Schlagworte;Eigentum;Eigentümer;Leihgabe bis;Einweisung;Ausgeliehen an;Zurück am',
    );
    expect(text).toContain(`naehmaschine;Nähmaschine;;Werkstatt / Regal 1;;member-owned;${olga.username};;ja`);
    const again = await importCsv(board, Buffer.from(text, 'utf8'), false);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 3, problems: [] });
  });

  it('updates a thing by its number and refuses an unknown number', async () => {
    const saege = (await board.get('/api/things/saege')).body as { id: number };
    const res = await importCsv(
      board,
      csv(['Nummer;Name;Ort', `${saege.id};Japansäge;Werkstatt`, '99999;Phantom;']),
      false,
    );
    expect(res.body.problems).toEqual([
      { line: 3, field: 'id', message: 'there is no thing 99999; leave the number empty for a new thing' },
    ]);
    const ok = await importCsv(board, csv(['Nummer;Name;Ort', `${saege.id};Japansäge;Werkstatt`]), false);
    expect(ok.body).toMatchObject({ committed: true, updated: 1 });
    expect((await board.get('/api/things/saege')).body).toMatchObject({
      name: 'Japansäge',
      location: { path: ['Werkstatt'] },
    });
  });

  it('is for the board; exports are for helpers', async () => {
    expect((await importCsv(helper, csv(['Name', 'x']), true)).status).toBe(403);
    const member = await loginAs(t, 'member');
    expect((await member.get('/api/inventory/export')).status).toBe(403);
  });
});
