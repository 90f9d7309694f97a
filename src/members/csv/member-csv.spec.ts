import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, detectDelimiter } from './csv-decode.js';
import { parseCsv } from './csv-parse.js';
import {
  MEMBER_COLUMN_ALIASES,
  mapHeader,
  normalizeHeader,
  parseImportDate,
  toImportRecords,
  type MappedColumn,
  type MemberColumn,
  type MemberImportProblem,
  type MemberImportRecord,
} from './member-csv.js';

/** decode → detect → parse → header → records, as the import will do it. */
function importText(text: string): { records: MemberImportRecord[]; problems: MemberImportProblem[] } {
  const { rows, errors } = parseCsv(text, detectDelimiter(text));
  const [header, ...data] = rows;
  if (header === undefined) throw new Error('no header');
  const mapping = mapHeader(header.cells);
  if ('problems' in mapping) throw new Error(mapping.problems.map((p) => p.message).join('; '));
  return toImportRecords(data, mapping.columns, errors);
}

const COLUMNS: MemberColumn[] = ['memberNumber', 'firstName', 'lastName', 'email', 'status', 'since', 'language'];
const row = (line: number, ...cells: string[]): { line: number; cells: string[] } => ({ line, cells });

describe('mapHeader', () => {
  it.each<[string[], MappedColumn[]]>([
    [
      ['Mitgliedsnummer', 'Vorname', 'Nachname', 'E-Mail', 'Status', 'Eintritt', 'Sprache'],
      ['memberNumber', 'firstName', 'lastName', 'email', 'status', 'since', 'language'],
    ],
    [
      ['member_number', 'first_name', 'last_name', 'private_email', 'since', 'lang'],
      ['memberNumber', 'firstName', 'lastName', 'email', 'since', 'language'],
    ],
    // Case, BOM, spaces, '-', '_' and '.' are ignored: "Mitglieds-Nr." = "mitgliedsnr".
    [
      ['\uFEFFVORNAME', ' Family Name ', 'Mitglieds-Nr.', 'e_mail'],
      ['firstName', 'lastName', 'memberNumber', 'email'],
    ],
    // "Name" alone is the surname (German usage); trailing empty header cells are ignored.
    [
      ['Vorname', 'Name', '', ' '],
      ['firstName', 'lastName', null, null],
    ],
  ])('%j', (header, columns) => {
    expect(mapHeader(header)).toEqual({ columns });
  });

  it.each<[string[], RegExp]>([
    // Unknown names are named and the accepted names listed.
    [
      ['Vorname', 'Nachname', 'Lieblingsfarbe'],
      /^unknown column 'Lieblingsfarbe'; accepted: Mitgliedsnummer, .*joined/,
    ],
    [['Vorname', 'Nachname', 'Farbe', 'Hut'], /^unknown columns 'Farbe', 'Hut'; accepted:/],
    // Both names are required.
    [['Vorname', 'E-Mail'], /^required column last name is missing \(Nachname, Name,/],
    [['Nr'], /first name is missing.*; required column last name is missing/],
    // The same column twice (via two aliases).
    [['Vorname', 'Nachname', 'first_name'], /^column 'first_name' \(field 3\) duplicates 'Vorname' \(field 1\)$/],
  ])('%j is rejected', (header, error) => {
    const result = mapHeader(header);
    expect('problems' in result && result.problems.map((p) => p.message).join('; ')).toMatch(error);
  });

  it('has no alias that maps to two columns', () => {
    // "first_name" and "firstname" may coincide within one column, never across columns.
    const owner = new Map<string, string>();
    for (const [column, aliases] of Object.entries(MEMBER_COLUMN_ALIASES)) {
      for (const alias of aliases.map(normalizeHeader)) {
        expect(owner.get(alias) ?? column).toBe(column);
        owner.set(alias, column);
      }
    }
  });
});

describe('parseImportDate', () => {
  it.each([
    ['01.05.1990', '1990-05-01'],
    ['1.5.1990', '1990-05-01'],
    ['29.02.2024', '2024-02-29'], // leap year
    ['2024-02-29', '2024-02-29'],
    ['31.12.1899', '1899-12-31'],
  ])('%s → %s', (input, iso) => {
    expect(parseImportDate(input)).toEqual({ iso });
  });

  it.each([
    ['29.02.2023', "date '29.02.2023' does not exist"], // not a leap year
    ['31.04.2020', "date '31.04.2020' does not exist"],
    ['2020-13-01', "date '2020-13-01' does not exist"],
    ['00.01.2020', "date '00.01.2020' does not exist"],
    ['2020-1-5', "date '2020-1-5' is not DD.MM.YYYY or YYYY-MM-DD"],
    ['05/01/2020', "date '05/01/2020' is not DD.MM.YYYY or YYYY-MM-DD"],
    ['1.5.90', "date '1.5.90' is not DD.MM.YYYY or YYYY-MM-DD"],
  ])('%s is rejected', (input, error) => {
    expect(parseImportDate(input)).toMatchObject({ error: { message: error } });
  });
});

describe('toImportRecords: single rows', () => {
  it.each<{ name: string; cells: string[]; record?: Partial<MemberImportRecord>; problems?: [string, string][] }>([
    {
      // Trimmed; email lower-cased; status lower-cased; German date → ISO; "Deutsch" → de.
      name: 'full valid row',
      cells: [' 1234 ', ' Karl ', 'Liebknecht', ' Karl@Example.ORG ', ' Aktiv ', '1.5.1919', 'Deutsch'],
      record: {
        memberNumber: '1234',
        firstName: 'Karl',
        lastName: 'Liebknecht',
        email: 'karl@example.org',
        status: 'aktiv',
        since: '1919-05-01',
        language: 'de',
      },
    },
    {
      // Optional fields empty → null.
      name: 'only names',
      cells: ['', 'Rosa', 'Luxemburg', '', ' ', '', ''],
      record: { memberNumber: null, email: null, status: null, since: null, language: null },
    },
    { name: 'english', cells: ['A-12', 'Jo', 'Doe', '', '', '2001-09-30', 'English'], record: { language: 'en' } },
    {
      name: 'member number with spaces',
      cells: ['12 34', 'Karl', 'L', '', '', '', ''],
      problems: [['memberNumber', "member number '12 34' contains spaces"]],
    },
    {
      name: 'member number with bad characters',
      cells: ['-12', 'Karl', 'L', '', '', '', ''],
      problems: [['memberNumber', expect.stringMatching(/^member number '-12' is invalid/)]],
    },
    {
      // 10,000 characters: rejected, and the message does not repeat the value.
      name: '10,000-character first name',
      cells: ['', 'x'.repeat(10_000), 'L', '', '', '', ''],
      problems: [['firstName', 'first name is too long (10000 characters, at most 100)']],
    },
    {
      // Exactly 100 is fine.
      name: '100-character last name',
      cells: ['', 'K', 'y'.repeat(100), '', '', '', ''],
      record: { lastName: 'y'.repeat(100) },
    },
    {
      name: 'name with a line break',
      cells: ['', 'Karl\nRed', 'L', '', '', '', ''],
      problems: [['firstName', 'first name contains a line break or control character']],
    },
    {
      // Every problem of the row, in field order, not just the first.
      name: 'everything wrong at once',
      cells: ['1 2', '  ', '', 'a@b', '', '31.02.2020', 'fr'],
      problems: [
        ['firstName', 'first name is missing'],
        ['lastName', 'last name is missing'],
        ['memberNumber', "member number '1 2' contains spaces"],
        ['email', "email 'a@b' is not a valid address"],
        ['since', "date '31.02.2020' does not exist"],
        ['language', "language 'fr' is not supported (de or en)"],
      ],
    },
  ])('$name', ({ cells, record, problems }) => {
    const result = toImportRecords([row(2, ...cells)], COLUMNS, []);
    if (record) {
      expect(result.problems).toEqual([]);
      expect(result.records).toEqual([expect.objectContaining({ line: 2, ...record })]);
    } else {
      expect(result.records).toEqual([]);
      expect(result.problems).toMatchObject((problems ?? []).map(([field, message]) => ({ line: 2, field, message })));
    }
  });

  it.each([
    ['a@b.de', true],
    ['a.b+c@sub.example.org', true],
    ['ab.de', false], // no '@'
    ['a@@b.de', false], // two '@'
    ['a@b@c.de', false],
    ['@b.de', false], // empty local part
    ['a@localhost', false], // no dot in the domain
    ['a@.de', false],
    ['a b@c.de', false],
    [`${'a'.repeat(250)}@b.de`, false], // 255 characters > 254
  ])('email %s valid: %s', (email, valid) => {
    const { problems } = toImportRecords([row(2, '', 'K', 'L', email, '', '', '')], COLUMNS, []);
    expect(problems.length === 0).toBe(valid);
  });

  it('reports a wrong number of fields, more or fewer', () => {
    const columns: MemberColumn[] = ['firstName', 'lastName'];
    const { records, problems } = toImportRecords(
      [row(2, 'Karl'), row(3, 'Rosa', 'L', 'extra'), row(4, 'Clara', 'Z')],
      columns,
      [],
    );
    expect(problems).toMatchObject([
      { line: 2, message: 'expected 2 fields, found 1' },
      { line: 3, message: 'expected 2 fields, found 3' },
    ]);
    expect(records.map((r) => r.line)).toEqual([4]);
  });

  it('skips blank rows and flags values under an unnamed column', () => {
    const columns = ['firstName', 'lastName', null] as const;
    const { records, problems } = toImportRecords(
      [row(2, '', ' ', ''), row(3, 'Karl', 'L', ''), row(4, 'Rosa', 'L', 'x')],
      columns,
      [],
    );
    // Line 2 is all blank (Excel ';;'): silently skipped.
    expect(records.map((r) => r.line)).toEqual([3]);
    expect(problems).toMatchObject([{ line: 4, message: 'field 3 has a value but no column header' }]);
  });
});

describe('toImportRecords: duplicates within the file', () => {
  it('reports a second row with the same member number or email', () => {
    const { records, problems } = toImportRecords(
      [
        row(3, '1234', 'Karl', 'Liebknecht', 'karl@example.org', '', '', ''),
        row(4, '1235', 'Rosa', 'Luxemburg', 'rosa@example.org', '', '', ''),
        // Same number as line 3.
        row(5, '1234', 'Clara', 'Zetkin', '', '', '', ''),
        // Same email as line 4, differently cased.
        row(6, '', 'R.', 'Lux', 'ROSA@Example.org', '', '', ''),
        // Both at once, and also a third occurrence of 1234 (still points at line 3).
        row(7, '1234', 'K.', 'L.', 'Karl@example.org', '', '', ''),
      ],
      COLUMNS,
      [],
    );
    expect(records.map((r) => r.line)).toEqual([3, 4]);
    expect(problems).toMatchObject([
      { line: 5, field: 'memberNumber', message: 'member number 1234 already on line 3' },
      { line: 6, field: 'email', message: 'email rosa@example.org already on line 4' },
      { line: 7, field: 'memberNumber', message: 'member number 1234 already on line 3' },
      { line: 7, field: 'email', message: 'email karl@example.org already on line 3' },
    ]);
  });
});

describe('whole file', () => {
  it('reports a broken quote on line 7 and an empty first name on line 9, parsing the rest', () => {
    const text = [
      'Nr;Vorname;Nachname;E-Mail', // 1
      '1;Karl;Liebknecht;karl@example.org', // 2
      '2;Rosa;Luxemburg;', // 3
      '3;Clara;Zetkin;', // 4
      '4;August;Bebel;', // 5
      '5;Louise;Otto-Peters;', // 6
      '6;"Ferdinand;Lassalle;', // 7: quote never closed
      '7;Wilhelm;Liebknecht;', // 8
      '8;;Dohm;', // 9: empty first name
      '9;Franz;Mehring;', // 10
      '',
    ].join('\r\n');
    const { records, problems } = importText(text);
    expect(problems).toMatchObject([
      { line: 7, message: 'quote opened in field 2 is never closed' },
      { line: 9, field: 'firstName', message: 'first name is missing' },
    ]);
    expect(records.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 8, 10]);
    expect(records.find((r) => r.line === 8)).toMatchObject({ memberNumber: '7', firstName: 'Wilhelm' });
  });

  it('reads a Windows-1252 comma file with a multiline cell', () => {
    // "Nr,Vorname,Nachname\r\n1,Jürgen,"Müller\r\nSchmidt"\r\n2,Ömer,Öz\r\n" in Windows-1252.
    const latin = 'Nr,Vorname,Nachname\r\n1,J\u00fcrgen,"M\u00fcller\r\nSchmidt"\r\n2,\u00d6mer,\u00d6z\r\n';
    const bytes = Uint8Array.from([...latin].map((ch) => ch.charCodeAt(0)));
    const decoded = decodeCsvBytes(bytes);
    expect(decoded.encoding).toBe('windows-1252');
    const { records, problems } = importText(decoded.text);
    // The multiline name is rejected (line 2–3); the next record starts on line 4.
    expect(problems).toMatchObject([
      { line: 2, field: 'lastName', message: 'last name contains a line break or control character' },
    ]);
    expect(records).toEqual([
      {
        line: 4,
        memberNumber: '2',
        firstName: 'Ömer',
        lastName: 'Öz',
        email: null,
        status: null,
        since: null,
        language: null,
      },
    ]);
  });

  it('merges parse errors and row problems sorted by line', () => {
    const text = 'Vorname;Nachname\nKarl;\n"Rosa"x;L\nClara;Zetkin;extra\n';
    expect(importText(text).problems).toMatchObject([
      { line: 2, field: 'lastName', message: 'last name is missing' },
      { line: 3, message: "unexpected character 'x' after closing quote in field 1" },
      { line: 4, message: 'expected 2 fields, found 3' },
    ]);
  });
});
