import { describe, expect, it } from 'vitest';
import { looksBinary, openCsv } from './csv-file.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('openCsv', () => {
  it('splits off the header and keeps the rows, delimiter and encoding', () => {
    const file = openCsv(bytes('Vorname;Nachname\r\nAda;Lovelace\r\n'));
    expect(file).toMatchObject({ ok: true, delimiter: ';', encoding: 'utf-8' });
    if (!file.ok) return;
    expect(file.header.cells).toEqual(['Vorname', 'Nachname']);
    expect(file.rows).toEqual([{ line: 2, cells: ['Ada', 'Lovelace'] }]);
  });

  it('refuses a binary file, a file without a header, and a broken header', () => {
    expect(openCsv(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toMatchObject({
      ok: false,
      problem: { line: 1, key: 'import.notCsv' },
    });
    expect(openCsv(bytes('\n\n'))).toMatchObject({ ok: false, problem: { line: 1, key: 'import.noHeader' } });
    const broken = openCsv(bytes('"Vorname;Nachname\nAda;Lovelace\n'));
    expect(broken.ok).toBe(false);
  });

  it('keeps a broken row for the caller to report, not the header', () => {
    const file = openCsv(bytes('a,b\n"x,y\n'));
    expect(file.ok).toBe(true);
    if (file.ok) expect(file.errors.map((e) => e.line)).toEqual([2]);
  });
});

describe('looksBinary', () => {
  it('tells text from a ZIP', () => {
    expect(looksBinary(bytes('a;b\n1;2\n'))).toBe(false);
    expect(looksBinary(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toBe(true);
  });
});
