// Pure: the steps every CSV import starts with — decode the bytes, guess the delimiter, refuse a
// binary file (an .xlsx is a ZIP), parse, and split off the header row (refused when missing or
// broken itself). Members and things import through it.

import type { Problem } from '../../core/app.errors.js';
import { decodeCsvBytes, detectDelimiter, type CsvEncoding, type DetectedCsvEncoding } from './csv-decode.js';
import { parseCsv, type CsvLineError, type CsvRow } from './csv-parse.js';

export interface OpenedCsv {
  encoding: DetectedCsvEncoding;
  delimiter: ';' | ',';
  text: string;
}

export type CsvFile =
  | (OpenedCsv & { ok: true; header: CsvRow; rows: CsvRow[]; errors: CsvLineError[] })
  // Nothing to import: the file as a whole is refused, at this line.
  | (OpenedCsv & { ok: false; problem: Problem & { line: number } });

export function openCsv(bytes: Uint8Array, encoding?: CsvEncoding): CsvFile {
  const decoded = decodeCsvBytes(bytes, encoding);
  const delimiter = detectDelimiter(decoded.text);
  const opened = { encoding: decoded.encoding, delimiter, text: decoded.text };
  if (looksBinary(bytes)) {
    const message = 'this is not a CSV text file; in the spreadsheet, save or export it as CSV';
    return { ...opened, ok: false, problem: { line: 1, message, key: 'import.notCsv' } };
  }
  const parsed = parseCsv(decoded.text, delimiter);
  const [header, ...rows] = parsed.rows;
  const headerError = parsed.errors.find((e) => header === undefined || e.line < header.line);
  if (!header || headerError) {
    const problem = headerError ?? { line: 1, message: 'the file has no header row', key: 'import.noHeader' as const };
    return { ...opened, ok: false, problem };
  }
  return { ...opened, ok: true, header, rows, errors: parsed.errors };
}

// A NUL byte or many control characters in the first 4 KiB: not text.
export function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  return control > head.length / 100;
}
