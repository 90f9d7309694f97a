// CSV export that spreadsheet programs open correctly and cannot be tricked into
// running formulas with.

export type CsvFlavor = 'excel' | 'rfc4180';
export type CsvCell = string | number | null | undefined;

export interface WriteCsvOptions {
  flavor: CsvFlavor;
}

// OWASP CSV injection: spreadsheets treat cells starting with these as formulas.
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes formula-looking cells with "'". Negative numbers ("-1") are hit too; accepted. */
export function defuseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Undoes defuseCell for a cell read back from a CSV: "'=x" → "=x". A spreadsheet's own text marker
 * (the leading "'") is not written into CSV files, so such a cell comes from an export of ours.
 */
export function restoreDefusedCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

function formatCell(cell: CsvCell, separator: string): string {
  const value = defuseCell(cell === null || cell === undefined ? '' : String(cell));
  const needsQuotes = value.includes(separator) || value.includes('"') || value.includes('\r') || value.includes('\n');
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

function formatRow(row: readonly CsvCell[], separator: string): string {
  // A lone empty cell would be an empty line, which readers skip; "" keeps the row.
  if (row.length === 1 && formatCell(row[0], separator) === '') return '""';
  return row.map((cell) => formatCell(cell, separator)).join(separator);
}

/**
 * excel: BOM (so Excel picks UTF-8), ';' (German locale), CRLF.
 * rfc4180: ',' and CRLF, no BOM. Every line, the last included, ends with CRLF.
 */
export function writeCsv(rows: readonly (readonly CsvCell[])[], options: WriteCsvOptions): string {
  const excel = options.flavor === 'excel';
  const separator = excel ? ';' : ',';
  const body = rows.map((row) => `${formatRow(row, separator)}\r\n`).join('');
  return excel ? `\uFEFF${body}` : body;
}
