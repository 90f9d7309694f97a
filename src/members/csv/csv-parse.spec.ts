import { describe, expect, it } from 'vitest';
import { parseCsv, type CsvLineError, type CsvRow } from './csv-parse.js';

describe('parseCsv: well-formed input', () => {
  it.each<{ name: string; text: string; delimiter: ';' | ','; rows: CsvRow[] }>([
    {
      name: 'semicolon file with LF',
      text: 'Vorname;Nachname\nKarl;Liebknecht\nRosa;Luxemburg\n',
      delimiter: ';',
      rows: [
        { line: 1, cells: ['Vorname', 'Nachname'] },
        { line: 2, cells: ['Karl', 'Liebknecht'] },
        { line: 3, cells: ['Rosa', 'Luxemburg'] },
      ],
    },
    {
      // Commas are ordinary characters in a ';' file and vice versa.
      name: 'comma file with CRLF',
      text: 'first,last\r\n"Liebknecht, Karl",x;y\r\n',
      delimiter: ',',
      rows: [
        { line: 1, cells: ['first', 'last'] },
        { line: 2, cells: ['Liebknecht, Karl', 'x;y'] },
      ],
    },
    {
      // Old Mac line ends.
      name: 'CR line ends',
      text: 'a;b\rc;d\r',
      delimiter: ';',
      rows: [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['c', 'd'] },
      ],
    },
    {
      // "" inside quotes is one quote; "" alone is an empty field.
      name: 'doubled quotes',
      text: '"Karl ""Red"" L";"";x',
      delimiter: ';',
      rows: [{ line: 1, cells: ['Karl "Red" L', '', 'x'] }],
    },
    {
      // Empty fields anywhere, including after a trailing delimiter.
      name: 'empty fields',
      text: ';a;;\n;',
      delimiter: ';',
      rows: [
        { line: 1, cells: ['', 'a', '', ''] },
        { line: 2, cells: ['', ''] },
      ],
    },
    {
      // Lines 2 and 4 are empty (skipped); trailing CRLFs give no record.
      name: 'empty lines and trailing newlines',
      text: 'a\r\n\r\nb\n\nc\r\n\r\n',
      delimiter: ';',
      rows: [
        { line: 1, cells: ['a'] },
        { line: 3, cells: ['b'] },
        { line: 5, cells: ['c'] },
      ],
    },
    {
      // The record on lines 3–4 is line 3; the next record is line 5.
      name: 'multiline quoted cell (LF)',
      text: 'h1;h2\nKarl;L\n1;"Zeile eins\nZeile zwei"\n2;x\n',
      delimiter: ';',
      rows: [
        { line: 1, cells: ['h1', 'h2'] },
        { line: 2, cells: ['Karl', 'L'] },
        { line: 3, cells: ['1', 'Zeile eins\nZeile zwei'] },
        { line: 5, cells: ['2', 'x'] },
      ],
    },
    {
      // Same with CRLF inside and between records; the CRLF inside is kept verbatim.
      // Record 2 spans lines 2–4 (two breaks inside), so the next starts on line 5.
      name: 'multiline quoted cell (CRLF, two breaks)',
      text: 'a;b\r\n"x\r\ny\r\nz";c\r\nd;e\r\n',
      delimiter: ';',
      rows: [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['x\r\ny\r\nz', 'c'] },
        { line: 5, cells: ['d', 'e'] },
      ],
    },
    {
      // A leading BOM is not part of the first cell.
      name: 'BOM at the start',
      text: '\uFEFFVorname;Nachname\r\n',
      delimiter: ';',
      rows: [{ line: 1, cells: ['Vorname', 'Nachname'] }],
    },
    {
      name: 'no trailing newline, last field quoted',
      text: 'a;"b"',
      delimiter: ';',
      rows: [{ line: 1, cells: ['a', 'b'] }],
    },
    { name: 'empty text', text: '', delimiter: ',', rows: [] },
    { name: 'only newlines', text: '\r\n\n\r', delimiter: ',', rows: [] },
  ])('$name', ({ text, delimiter, rows }) => {
    expect(parseCsv(text, delimiter)).toEqual({ rows, errors: [] });
  });
});

describe('parseCsv: errors and recovery', () => {
  it.each<{ name: string; text: string; lines: number[]; errors: CsvLineError[] }>([
    {
      // Line 2: `"Karl "` closes, then 'R' follows → error; lines 1 and 3 survive.
      name: 'character after closing quote',
      text: 'h;a;b\n1;"Karl "Red" L";x\n2;Rosa;L\n',
      lines: [1, 3],
      errors: [{ line: 2, message: "unexpected character 'R' after closing quote in field 2" }],
    },
    {
      name: 'quote inside an unquoted field',
      text: 'h;a\nKarl"s;x\nok;y\n',
      lines: [1, 3],
      errors: [{ line: 2, message: 'quote inside an unquoted field 1' }],
    },
    {
      // Line 2's quote runs to EOF; recovery re-parses lines 3.. on their own.
      name: 'quote never closed',
      text: 'h;a\n1;"Karl;L\n2;Rosa;L\n3;Clara;Z',
      lines: [1, 3, 4],
      errors: [{ line: 2, message: 'quote opened in field 2 is never closed' }],
    },
    {
      // Line 2's stray quote pairs with line 4's opening quote, then 'M' follows on line 4.
      // Reported on line 2 (with where it noticed); lines 3 and 4 still parse.
      name: 'stray quote that a later quoted field "closes"',
      text: 'h;a\n1;"Karl;L\n2;Rosa\n3;"Müller, Hans"\n',
      lines: [1, 3, 4],
      errors: [{ line: 2, message: "unexpected character 'M' after closing quote in field 2 (on line 4)" }],
    },
    {
      // Every broken line is reported, not just the first.
      name: 'several errors',
      text: 'a"\n"b"c\nok\nd"\n',
      lines: [3],
      errors: [
        { line: 1, message: 'quote inside an unquoted field 1' },
        { line: 2, message: "unexpected character 'c' after closing quote in field 1" },
        { line: 4, message: 'quote inside an unquoted field 1' },
      ],
    },
  ])('$name', ({ text, lines, errors }) => {
    const result = parseCsv(text, ';');
    expect(result.rows.map((r) => r.line)).toEqual(lines);
    expect(result.errors).toMatchObject(errors);
  });

  it('names each error by its key and values, for a page to say it in its language', () => {
    const { errors } = parseCsv('a;b\n1;"x"y\n2;"z\nw"v\n3;q"r\n4;"open\n', ';');
    expect(errors.map(({ line, key, params }) => ({ line, key, params }))).toEqual([
      { line: 2, key: 'import.quoteAfter', params: { char: 'y', field: 2 } },
      { line: 3, key: 'import.quoteAfterOn', params: { char: 'v', field: 2, on: 4 } },
      // Parsing resumes on line 4, whose own quote is stray.
      { line: 4, key: 'import.quoteInside', params: { field: 1 } },
      { line: 5, key: 'import.quoteInside', params: { field: 2 } },
      { line: 6, key: 'import.quoteOpen', params: { field: 2 } },
    ]);
  });

  it('a broken quote on line 7 does not swallow lines 8 and later', () => {
    const text = [
      'Nr;Vorname;Nachname', // 1
      '1;Karl;Liebknecht', // 2
      '2;Rosa;Luxemburg', // 3
      '3;Clara;Zetkin', // 4
      '4;August;Bebel', // 5
      '5;Louise;Otto-Peters', // 6
      '6;"Ferdinand;Lassalle', // 7: quote never closed
      '7;Wilhelm;Liebknecht', // 8
      '8;;Dohm', // 9: empty first name (not a CSV error)
      '9;"Hedwig, Dr.";Dohm', // 10: a well-formed quoted field after the break
      '10;Franz;Mehring', // 11
      '',
    ].join('\r\n');
    const { rows, errors } = parseCsv(text, ';');
    // The quote on line 7 "closes" at line 10's first quote, then 'H' follows.
    expect(errors).toMatchObject([
      { line: 7, message: "unexpected character 'H' after closing quote in field 2 (on line 10)" },
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11]);
    expect(rows.find((r) => r.line === 9)?.cells).toEqual(['8', '', 'Dohm']);
    expect(rows.find((r) => r.line === 10)?.cells).toEqual(['9', 'Hedwig, Dr.', 'Dohm']);
  });

  it('stays fast on a large file full of broken quotes', () => {
    // 5,000 lines each opening a quote that never closes: every one is reported.
    const text = Array.from({ length: 5000 }, (_, i) => `${i};"x`).join('\n');
    const { rows, errors } = parseCsv(text, ';');
    expect(rows).toHaveLength(0);
    expect(errors).toHaveLength(5000);
    expect(errors[4999]).toMatchObject({ line: 5000, message: 'quote opened in field 2 is never closed' });
  });
});
