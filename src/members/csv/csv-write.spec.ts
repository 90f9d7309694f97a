import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-parse.js';
import { defuseCell, writeCsv, type CsvCell } from './csv-write.js';

describe('defuseCell', () => {
  it.each([
    // Formula starters get a leading "'".
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'],
    // Harmless cells are unchanged, even with a formula character later on.
    ['Karl', 'Karl'],
    ['1+1', '1+1'],
    ['a@b.de', 'a@b.de'],
    ['Müller-Lüdenscheidt', 'Müller-Lüdenscheidt'],
    ['', ''],
    [' =x', ' =x'],
  ])('%j → %j', (input, expected) => {
    expect(defuseCell(input)).toBe(expected);
  });
});

describe('writeCsv', () => {
  it.each<{ name: string; rows: CsvCell[][]; flavor: 'excel' | 'rfc4180'; out: string }>([
    {
      // BOM, ';' and CRLF after every line including the last.
      name: 'excel flavor',
      rows: [
        ['Vorname', 'Nachname'],
        ['Jürgen', 'Müller'],
      ],
      flavor: 'excel',
      out: '\uFEFFVorname;Nachname\r\nJürgen;Müller\r\n',
    },
    {
      name: 'rfc4180 flavor',
      rows: [
        ['first', 'last'],
        ['Karl', 'Liebknecht'],
      ],
      flavor: 'rfc4180',
      out: 'first,last\r\nKarl,Liebknecht\r\n',
    },
    {
      // ',' needs quoting only in rfc4180, ';' only in excel.
      name: 'separator quoting (excel)',
      rows: [['a;b', 'c,d']],
      flavor: 'excel',
      out: '\uFEFF"a;b";c,d\r\n',
    },
    {
      name: 'separator quoting (rfc4180)',
      rows: [['a;b', 'c,d']],
      flavor: 'rfc4180',
      out: 'a;b,"c,d"\r\n',
    },
    {
      // Quotes doubled; CR/LF force quotes.
      name: 'quotes and newlines',
      rows: [['Karl "Red" L', 'two\nlines', 'cr\rhere']],
      flavor: 'rfc4180',
      out: '"Karl ""Red"" L","two\nlines","cr\rhere"\r\n',
    },
    {
      // null/undefined are empty; numbers are stringified (and -5 is defused).
      name: 'null, undefined and numbers',
      rows: [[null, undefined, 42, -5, 1.5]],
      flavor: 'rfc4180',
      out: ",,42,'-5,1.5\r\n",
    },
    {
      // Defused first, then quoted: "\tx" → "'\tx" (no quoting needed for a tab).
      name: 'defuse before quoting',
      rows: [['=1;2', '\tx']],
      flavor: 'excel',
      out: '\uFEFF"\'=1;2";\'\tx\r\n',
    },
    {
      // A row with one empty cell is written as "" so it is not an empty line.
      name: 'single empty cell',
      rows: [['a'], [''], [null]],
      flavor: 'rfc4180',
      out: 'a\r\n""\r\n""\r\n',
    },
    { name: 'no rows (excel)', rows: [], flavor: 'excel', out: '\uFEFF' },
    { name: 'no rows (rfc4180)', rows: [], flavor: 'rfc4180', out: '' },
  ])('$name', ({ rows, flavor, out }) => {
    expect(writeCsv(rows, { flavor })).toBe(out);
  });
});

describe('writeCsv → parseCsv round trip', () => {
  const rows: CsvCell[][] = [
    ['Nr', 'Vorname', 'Nachname', 'Notiz'],
    [1, 'Karl', 'Liebknecht', '=SUM(A1)'],
    [2, 'Rosa', 'Luxemburg, Dr.', 'say "hi"; bye'],
    [3, 'Jürgen', 'Müller', 'line one\r\nline two\nline three'],
    [-4, null, undefined, '@home'],
    [5, '', '', ''],
  ];
  // What a reader gets back: every cell stringified and defused.
  const expected = rows.map((row) => row.map((c) => defuseCell(c === null || c === undefined ? '' : String(c))));

  it.each(['excel', 'rfc4180'] as const)('%s', (flavor) => {
    const { rows: parsed, errors } = parseCsv(writeCsv(rows, { flavor }), flavor === 'excel' ? ';' : ',');
    expect(errors).toEqual([]);
    expect(parsed.map((r) => r.cells)).toEqual(expected);
    // The multiline cell spans lines 4–6, so the row after it starts on line 7.
    expect(parsed.map((r) => r.line)).toEqual([1, 2, 3, 4, 7, 8]);
  });
});
