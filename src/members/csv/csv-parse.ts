// RFC 4180 parser that keeps going after a bad record, so an import can report
// every broken row with its line number instead of stopping at the first.

import type { Problem, ProblemParams } from '../../core/app.errors.js';

export interface CsvRow {
  /** 1-based physical line on which the record starts. */
  line: number;
  cells: string[];
}

// In English, with the key a page says it by (see Problem).
export interface CsvLineError extends Problem {
  /** 1-based physical line on which the broken record starts. */
  line: number;
}

export interface CsvParseResult {
  rows: CsvRow[];
  errors: CsvLineError[];
}

type RecordResult = { ok: true; cells: string[]; next: number; nextLine: number } | { ok: false; problem: Problem };

function isLineBreak(ch: string | undefined): boolean {
  return ch === '\n' || ch === '\r';
}

/** Index just past the line break at `pos` (CRLF counts as one). */
function skipLineBreak(text: string, pos: number): number {
  return text[pos] === '\r' && text[pos + 1] === '\n' ? pos + 2 : pos + 1;
}

/** Index of the start of the physical line after the one containing `pos`, or text.length. */
function nextLineStart(text: string, pos: number): number {
  for (let i = pos; i < text.length; i++) {
    if (isLineBreak(text[i])) return skipLineBreak(text, i);
  }
  return text.length;
}

/** Number of physical line breaks in text[from, to). */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    // The '\r' of a CRLF is skipped; its '\n' is the one counted.
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) count++;
  }
  return count;
}

/** Reads one record starting at `start` (the start of a non-empty physical line). */
function readRecord(text: string, start: number, startLine: number, delimiter: string): RecordResult {
  const cells: string[] = [];
  let pos = start;
  let line = startLine;
  // Quoted fields can move us to a later physical line; say so when an error lands there.
  const where = (): string => (line === startLine ? '' : ` (on line ${line})`);
  const broken = (message: string, key: 'import.quoteAfter' | 'import.quoteInside', params: ProblemParams) =>
    line === startLine
      ? { ok: false as const, problem: { message, key, params } }
      : { ok: false as const, problem: { message, key: `${key}On` as const, params: { ...params, on: line } } };

  for (let field = 1; ; field++) {
    if (text[pos] === '"') {
      pos++;
      let value = '';
      for (;;) {
        const quote = text.indexOf('"', pos);
        if (quote === -1) {
          const message = `quote opened in field ${field} is never closed`;
          return { ok: false, problem: { message, key: 'import.quoteOpen', params: { field } } };
        }
        line += countLineBreaks(text, pos, quote);
        if (text[quote + 1] === '"') {
          // Doubled quote: keep one and stay inside the field.
          value += text.slice(pos, quote + 1);
          pos = quote + 2;
          continue;
        }
        value += text.slice(pos, quote);
        pos = quote + 1;
        break;
      }
      cells.push(value);
      const after = text[pos];
      if (after === delimiter) {
        pos++;
        continue;
      }
      if (after === undefined) return { ok: true, cells, next: pos, nextLine: line + 1 };
      if (isLineBreak(after)) return { ok: true, cells, next: skipLineBreak(text, pos), nextLine: line + 1 };
      const message = `unexpected character '${after}' after closing quote in field ${field}${where()}`;
      return broken(message, 'import.quoteAfter', { char: after, field });
    }

    let end = pos;
    while (end < text.length) {
      const ch = text[end];
      if (ch === delimiter || isLineBreak(ch)) break;
      if (ch === '"')
        return broken(`quote inside an unquoted field ${field}${where()}`, 'import.quoteInside', { field });
      end++;
    }
    cells.push(text.slice(pos, end));
    if (text[end] === delimiter) {
      pos = end + 1;
      continue;
    }
    if (end === text.length) return { ok: true, cells, next: end, nextLine: line + 1 };
    return { ok: true, cells, next: skipLineBreak(text, end), nextLine: line + 1 };
  }
}

/**
 * Parses CSV text. A broken record is reported and left out; parsing resumes at the
 * physical line after the one where that record started.
 */
export function parseCsv(text: string, delimiter: ';' | ','): CsvParseResult {
  const rows: CsvRow[] = [];
  const errors: CsvLineError[] = [];
  // Tolerate a BOM that survived decoding (e.g. text from writeCsv's excel flavor).
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;

  while (pos < text.length) {
    if (isLineBreak(text[pos])) {
      // Empty lines (including the one after a trailing newline) are not records.
      pos = skipLineBreak(text, pos);
      line++;
      continue;
    }
    const result = readRecord(text, pos, line, delimiter);
    if (result.ok) {
      rows.push({ line, cells: result.cells });
      pos = result.next;
      line = result.nextLine;
    } else {
      errors.push({ line, ...result.problem });
      // Resume right after the record's first line: a stray quote on line 7 must not
      // swallow lines 8.. (they are most likely fine records of their own).
      pos = nextLineStart(text, pos);
      line++;
    }
  }
  return { rows, errors };
}
