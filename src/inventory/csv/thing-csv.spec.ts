import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../members/csv/csv-parse.js';
import { EXPORT_HEADER, mapThingHeader, toThingRecords } from './thing-csv.js';

function read(text: string) {
  const parsed = parseCsv(text, ';');
  const [header, ...rows] = parsed.rows;
  const mapping = mapThingHeader(header?.cells ?? []);
  if ('error' in mapping) throw new Error(mapping.error);
  return toThingRecords(rows, mapping.columns, parsed.errors);
}

describe('mapThingHeader', () => {
  it('reads back what the export writes', () => {
    expect(mapThingHeader(EXPORT_HEADER)).not.toHaveProperty('error');
  });
  it('names unknown columns and a missing name', () => {
    const m = mapThingHeader(['Kurzname', 'Farbe']);
    expect('error' in m && m.error).toMatch(/unknown column 'Farbe'.*Name is missing/);
  });
});

describe('toThingRecords', () => {
  it('reads a good row with German words', () => {
    const { records, problems } = read(
      'Name;Ort;Schlagworte;Eigentum;Eigentümer;Leihgabe bis;Einweisung\n' +
        'Beamer;Werkstatt / Regal 2;Video, Technik;Leihgabe;Nachbarverein;31.12.2026;ja\n',
    );
    expect(problems).toEqual([]);
    expect(records[0]).toMatchObject({
      line: 2,
      name: 'Beamer',
      location: ['Werkstatt', 'Regal 2'],
      tags: ['video', 'technik'],
      ownership: 'lent-to-club',
      owner: 'Nachbarverein',
      ownerUntil: '2026-12-31',
      needsInduction: true,
    });
  });

  it('names every broken row and why', () => {
    const { records, problems } = read(
      'Name;Kurzname;Eigentum;Leihgabe bis\n' +
        'Säge;2342;Verein;\n' +
        ';saege;gestohlen;\n' +
        'Bohrer;bohrer;;31.02.2026\n' +
        'Bohrer 2;bohrer;;\n',
    );
    expect(records).toEqual([]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'slug'],
      [3, 'name'],
      [3, 'ownership'],
      [4, 'ownerUntil'],
      [5, 'slug'],
    ]);
    expect(problems[0]?.message).toMatch(/number/);
    expect(problems[4]?.message).toMatch(/already on line 4/);
  });
});
