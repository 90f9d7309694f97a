// Builds the CSV files the import, export and CLI tests feed in, as bytes (the import decides
// the encoding, so the tests must control every byte). Nothing is read from fixture files.

export type CsvFileEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';

export interface CsvFileOptions {
  delimiter?: ';' | ',';
  encoding?: CsvFileEncoding;
  lineEnding?: '\r\n' | '\n';
}

export interface MemberCsvRow {
  memberNumber?: string;
  firstName: string;
  lastName: string;
  email?: string;
  status?: string;
  since?: string;
  language?: string;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// German header names, as a German club's spreadsheet has them.
export const GERMAN_HEADER = ['Mitgliedsnummer', 'Vorname', 'Nachname', 'E-Mail', 'Status', 'Eintritt', 'Sprache'];
// English header names (also accepted by the import).
export const ENGLISH_HEADER = ['member_number', 'first_name', 'last_name', 'email', 'status', 'since', 'language'];

/** Text → bytes in the given encoding. Windows-1252 is built with 'latin1' (same bytes for umlauts and ß). */
export function encodeCsv(text: string, encoding: CsvFileEncoding = 'utf-8'): Buffer {
  if (encoding === 'windows-1252') {
    const bytes = Buffer.from(text, 'latin1');
    if (bytes.toString('latin1') !== text) throw new Error('text has characters outside Latin-1');
    return bytes;
  }
  const utf8 = Buffer.from(text, 'utf8');
  return encoding === 'utf-8-bom' ? Buffer.concat([BOM, utf8]) : utf8;
}

function quote(cell: string, delimiter: string): string {
  return cell.includes(delimiter) || cell.includes('"') || /[\r\n]/.test(cell)
    ? `"${cell.replaceAll('"', '""')}"`
    : cell;
}

/** Raw lines (cells already as they should appear, no quoting added) → bytes. */
export function rawCsv(lines: readonly string[], opts: CsvFileOptions = {}): Buffer {
  const eol = opts.lineEnding ?? '\r\n';
  return encodeCsv(lines.map((l) => `${l}${eol}`).join(''), opts.encoding);
}

/** A header and rows of cells (quoted where needed) → bytes. */
export function csvFile(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: CsvFileOptions = {},
): Buffer {
  const d = opts.delimiter ?? ';';
  return rawCsv(
    [header, ...rows].map((cells) => cells.map((c) => quote(c, d)).join(d)),
    opts,
  );
}

/** A member file with the seven import columns (German or English header). */
export function memberCsv(
  rows: readonly MemberCsvRow[],
  opts: CsvFileOptions & { header?: 'german' | 'english' } = {},
): Buffer {
  const header = opts.header === 'english' ? ENGLISH_HEADER : GERMAN_HEADER;
  return csvFile(
    header,
    rows.map((r) => [
      r.memberNumber ?? '',
      r.firstName,
      r.lastName,
      r.email ?? '',
      r.status ?? '',
      r.since ?? '',
      r.language ?? '',
    ]),
    opts,
  );
}

/**
 * Eleven lines: a quote opened on line 7 is never closed, and line 9 has an empty first name.
 * Every other data row is fine. `prefix` keeps member numbers and e-mails unique per test.
 */
export function brokenQuoteCsv(prefix: string): Buffer {
  return rawCsv([
    'Mitgliedsnummer;Vorname;Nachname;E-Mail', // 1
    `${prefix}-1;Karl;Liebknecht;${prefix}.karl@example.org`, // 2
    `${prefix}-2;Rosa;Luxemburg;${prefix}.rosa@example.org`, // 3
    `${prefix}-3;Clara;Zetkin;${prefix}.clara@example.org`, // 4
    `${prefix}-4;August;Bebel;${prefix}.august@example.org`, // 5
    `${prefix}-5;Louise;Otto-Peters;${prefix}.louise@example.org`, // 6
    `${prefix}-6;"Ferdinand;Lassalle;${prefix}.ferdinand@example.org`, // 7: quote never closed
    `${prefix}-7;Wilhelm;Liebknecht;${prefix}.wilhelm@example.org`, // 8
    `${prefix}-8;;Dohm;${prefix}.hedwig@example.org`, // 9: first name missing
    `${prefix}-9;Franz;Mehring;${prefix}.franz@example.org`, // 10
    `${prefix}-10;Minna;Cauer;${prefix}.minna@example.org`, // 11
  ]);
}

/** A small good file: three new members with umlauts, German header, ';', UTF-8. */
export function goodMemberCsv(prefix: string, opts: CsvFileOptions = {}): Buffer {
  return memberCsv(
    [
      { memberNumber: `${prefix}-1`, firstName: 'Jürgen', lastName: 'Müller', email: `${prefix}.juergen@example.org` },
      {
        memberNumber: `${prefix}-2`,
        firstName: 'Käthe',
        lastName: 'Kollwitz',
        email: `${prefix}.kaethe@example.org`,
        status: 'supporter',
      },
      { memberNumber: `${prefix}-3`, firstName: 'Grete', lastName: 'Straßmann', since: '01.03.2020', language: 'de' },
    ],
    opts,
  );
}
