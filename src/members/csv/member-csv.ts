// Maps parsed CSV rows to member import records, collecting every problem per row
// so the club can fix the whole file in one go.

import type { Problem } from '../../core/app.errors.js';
import type { ProblemKey } from '../../core/problem-keys.js';
import type { CsvLineError, CsvRow } from './csv-parse.js';
import { restoreDefusedCell } from './csv-write.js';

export interface MemberImportRecord {
  line: number;
  memberNumber: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  status: string | null;
  /** ISO date YYYY-MM-DD. */
  since: string | null;
  language: 'de' | 'en' | null;
  /** Lower-cased; only a match key for rows without member number and e-mail, never changed by an import. */
  username?: string;
}

// A row's problem in English, with the key a page says it by in its language (see Problem).
export interface MemberImportProblem extends Problem {
  line: number;
  field?: string;
  // For the page, not the API: the header the file gave the field's column ("Vorname")…
  column?: string;
  // …and the problems a message joins ("; "), each with its key (the header's).
  parts?: Problem[];
}

export type MemberColumn =
  'memberNumber' | 'firstName' | 'lastName' | 'email' | 'status' | 'since' | 'language' | 'username';

// German first: the typical file comes from a German club's spreadsheet.
export const MEMBER_COLUMN_ALIASES: Readonly<Record<MemberColumn, readonly string[]>> = {
  memberNumber: ['Mitgliedsnummer', 'Mitgliedsnr', 'Nr', 'Nummer', 'member_number', 'number'],
  firstName: ['Vorname', 'first_name', 'firstname', 'given_name'],
  lastName: ['Nachname', 'Name', 'last_name', 'lastname', 'surname', 'family_name'],
  email: ['E-Mail', 'Email', 'Mail', 'private_email'],
  status: ['Status', 'Mitgliedsstatus'],
  since: ['Eintritt', 'Eintrittsdatum', 'seit', 'since', 'begin', 'joined'],
  language: ['Sprache', 'language', 'lang'],
  // As allmende's export writes it: lets an exported member without number and e-mail match again.
  username: ['Benutzername', 'username'],
};

// Columns that allmende's own export writes but an import does not take (derived or managed
// elsewhere): accepted and ignored, so an exported file imports back without changes.
export const EXPORT_ONLY_ALIASES: readonly string[] = [
  'Anzeigename',
  'display_name',
  'Zustand',
  'state',
  'Gruppen',
  'groups',
];

export type MappedColumn = MemberColumn | 'ignore' | null;

const COLUMN_LABELS: Readonly<Record<MemberColumn, string>> = {
  memberNumber: 'member number',
  firstName: 'first name',
  lastName: 'last name',
  email: 'email',
  status: 'status',
  since: 'date',
  language: 'language',
  username: 'username',
};

const REQUIRED_COLUMNS = ['firstName', 'lastName'] as const;

/** Header matching ignores case, BOM, surrounding space and '-', '_', ' ', '.' ("Mitglieds-Nr." = "mitgliedsnr"). */
export function normalizeHeader(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[-_\s.]/g, '');
}

const ALIAS_TO_COLUMN: ReadonlyMap<string, MemberColumn> = new Map(
  (Object.entries(MEMBER_COLUMN_ALIASES) as [MemberColumn, readonly string[]][]).flatMap(([column, aliases]) =>
    aliases.map((alias) => [normalizeHeader(alias), column] as const),
  ),
);

const EXPORT_ONLY: ReadonlySet<string> = new Set(EXPORT_ONLY_ALIASES.map(normalizeHeader));

const ALL_ALIASES = Object.values(MEMBER_COLUMN_ALIASES).flat().join(', ');

export type HeaderMapping = { columns: MappedColumn[] } | { problems: Problem[] };

const REQUIRED_KEYS: Readonly<Record<(typeof REQUIRED_COLUMNS)[number], ProblemKey>> = {
  firstName: 'import.firstNameColumn',
  lastName: 'import.lastNameColumn',
};

/** Maps header cells to columns; empty header cells become null (ignored columns). */
export function mapHeader(headerCells: string[]): HeaderMapping {
  const columns: MappedColumn[] = [];
  const unknown: string[] = [];
  const problems: Problem[] = [];
  const seen = new Map<MemberColumn, { cell: string; field: number }>();

  headerCells.forEach((cell, index) => {
    const normalized = normalizeHeader(cell);
    // Excel often writes trailing ';' in the header; an unnamed column is ignored.
    if (normalized === '') {
      columns.push(null);
      return;
    }
    if (EXPORT_ONLY.has(normalized)) {
      columns.push('ignore');
      return;
    }
    const column = ALIAS_TO_COLUMN.get(normalized);
    if (column === undefined) {
      unknown.push(cell.trim());
      columns.push(null);
      return;
    }
    const earlier = seen.get(column);
    if (earlier !== undefined) {
      const params = { column: cell.trim(), field: index + 1, earlier: earlier.cell, earlierField: earlier.field };
      problems.push({
        message: `column '${params.column}' (field ${params.field}) duplicates '${earlier.cell}' (field ${earlier.field})`,
        key: 'import.duplicateColumn',
        params,
      });
    } else {
      seen.set(column, { cell: cell.trim(), field: index + 1 });
    }
    columns.push(column);
  });

  const [one] = unknown;
  if (one !== undefined) {
    const accepted = ALL_ALIASES;
    problems.unshift(
      unknown.length === 1
        ? {
            message: `unknown column '${one}'; accepted: ${accepted}`,
            key: 'import.unknownColumn',
            params: { column: one, accepted },
          }
        : {
            message: `unknown columns ${quoted(unknown)}; accepted: ${accepted}`,
            key: 'import.unknownColumns',
            params: { columns: quoted(unknown), accepted },
          },
    );
  }
  for (const column of REQUIRED_COLUMNS) {
    if (!seen.has(column)) {
      const aliases = MEMBER_COLUMN_ALIASES[column].join(', ');
      const message = `required column ${COLUMN_LABELS[column]} is missing (${aliases})`;
      problems.push({ message, key: REQUIRED_KEYS[column], params: { aliases } });
    }
  }
  return problems.length > 0 ? { problems } : { columns };
}

function quoted(cells: readonly string[]): string {
  return cells.map((c) => `'${c}'`).join(', ');
}

// A value given on an earlier line already.
function twice(what: string, key: ProblemKey, value: string, earlier: number): Problem {
  return { message: `${what} ${value} already on line ${earlier}`, key, params: { value, line: earlier } };
}

// Long values (a pasted 10,000-character blob) must not flood the error report.
function show(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

const NAME_MAX_LENGTH = 100;
const EMAIL_MAX_LENGTH = 254;
const MEMBER_NUMBER_PATTERN = /^[0-9A-Za-z][0-9A-Za-z-]{0,31}$/;

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (UTC avoids DST surprises).
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 'DD.MM.YYYY', 'D.M.YYYY' or 'YYYY-MM-DD' → ISO date, or an error for a malformed or non-existent date. */
export function parseImportDate(value: string): { iso: string } | { error: Problem } {
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const parts = german ? [german[3], german[2], german[1]] : iso ? [iso[1], iso[2], iso[3]] : null;
  const params = { value: show(value) };
  if (parts === null) {
    return {
      error: { message: `date '${params.value}' is not DD.MM.YYYY or YYYY-MM-DD`, key: 'import.dateForm', params },
    };
  }
  const [year, month, day] = parts.map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { error: { message: `date '${params.value}' does not exist`, key: 'import.dateMissing', params } };
  }
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return { iso: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` };
}

const LANGUAGES: Readonly<Record<string, 'de' | 'en'>> = {
  de: 'de',
  deutsch: 'de',
  german: 'de',
  en: 'en',
  englisch: 'en',
  english: 'en',
};

// Simple on purpose: the real check is the confirmation mail, this only catches typos.
function looksLikeEmail(value: string): boolean {
  if (value.length > EMAIL_MAX_LENGTH || /\s/.test(value)) return false;
  const at = value.split('@');
  if (at.length !== 2) return false;
  const [local = '', domain = ''] = at;
  return local !== '' && domain.includes('.') && !domain.startsWith('.') && !domain.endsWith('.');
}

type Cells = Partial<Record<MemberColumn, string>>;

const NAME_KEYS: Record<'firstName' | 'lastName', Record<'missing' | 'long' | 'control', ProblemKey>> = {
  firstName: { missing: 'import.firstNameMissing', long: 'import.firstNameLong', control: 'import.firstNameControl' },
  lastName: { missing: 'import.lastNameMissing', long: 'import.lastNameLong', control: 'import.lastNameControl' },
};

function validateName(
  value: string,
  field: 'firstName' | 'lastName',
  problem: (field: MemberColumn, p: Problem) => void,
): void {
  const label = COLUMN_LABELS[field];
  const keys = NAME_KEYS[field];
  if (value === '') problem(field, { message: `${label} is missing`, key: keys.missing });
  else if (value.length > NAME_MAX_LENGTH) {
    problem(field, {
      message: `${label} is too long (${value.length} characters, at most ${NAME_MAX_LENGTH})`,
      key: keys.long,
      params: { length: value.length, max: NAME_MAX_LENGTH },
    });
  }
  // Line breaks or control characters in a name break mail headers and directory entries.
  if (/\p{Cc}/u.test(value)) {
    problem(field, { message: `${label} contains a line break or control character`, key: keys.control });
  }
}

/**
 * Validates data rows (header removed) against the mapped columns. Rows with any
 * problem produce no record; every problem of every row is reported, sorted by line.
 */
export function toImportRecords(
  rows: CsvRow[],
  columns: readonly MappedColumn[],
  parseErrors: CsvLineError[],
): { records: MemberImportRecord[]; problems: MemberImportProblem[] } {
  const records: MemberImportRecord[] = [];
  const problems: MemberImportProblem[] = parseErrors.map((e) => ({ ...e }));
  const numberLines = new Map<string, number>();
  const emailLines = new Map<string, number>();
  const usernameLines = new Map<string, number>();

  for (const row of rows) {
    // Excel writes ';;;;' for rows that were merely formatted; they are not members.
    if (row.cells.every((cell) => cell.trim() === '')) continue;

    const rowProblems: MemberImportProblem[] = [];
    const problem = (field: MemberColumn | undefined, p: Problem): void => {
      rowProblems.push(field === undefined ? { line: row.line, ...p } : { line: row.line, field, ...p });
    };

    // With a wrong cell count the values are shifted; judging them would only add noise.
    if (row.cells.length !== columns.length) {
      const params = { expected: columns.length, found: row.cells.length };
      const message = `expected ${params.expected} fields, found ${params.found}`;
      problem(undefined, { message, key: 'import.fieldCount', params });
      problems.push(...rowProblems);
      continue;
    }

    const cells: Cells = {};
    row.cells.forEach((cell, index) => {
      const column = columns[index];
      if (column === 'ignore') return;
      // A formula-looking cell comes back from our own export as "'=…": read it as it was.
      if (column) cells[column] = restoreDefusedCell(cell.trim());
      else if (cell.trim() !== '') {
        const message = `field ${index + 1} has a value but no column header`;
        problem(undefined, { message, key: 'import.noColumn', params: { n: index + 1 } });
      }
    });

    const firstName = cells.firstName ?? '';
    const lastName = cells.lastName ?? '';
    validateName(firstName, 'firstName', problem);
    validateName(lastName, 'lastName', problem);

    const memberNumber = cells.memberNumber || null;
    if (memberNumber !== null) {
      const params = { value: show(memberNumber) };
      if (/\s/.test(memberNumber)) {
        const message = `member number '${params.value}' contains spaces`;
        problem('memberNumber', { message, key: 'import.numberSpaces', params });
      } else if (!MEMBER_NUMBER_PATTERN.test(memberNumber)) {
        problem('memberNumber', {
          message: `member number '${params.value}' is invalid (up to 32 letters, digits and '-', starting with a letter or digit)`,
          key: 'import.numberInvalid',
          params,
        });
      } else {
        const earlier = numberLines.get(memberNumber);
        if (earlier !== undefined)
          problem('memberNumber', twice('member number', 'import.numberTwice', memberNumber, earlier));
        else numberLines.set(memberNumber, row.line);
      }
    }

    const email = cells.email?.toLowerCase() || null;
    if (email !== null) {
      if (!looksLikeEmail(email)) {
        const params = { value: show(email) };
        problem('email', { message: `email '${params.value}' is not a valid address`, key: 'import.email', params });
      } else {
        const earlier = emailLines.get(email);
        if (earlier !== undefined) problem('email', twice('email', 'import.emailTwice', email, earlier));
        else emailLines.set(email, row.line);
      }
    }

    const username = cells.username?.toLowerCase() || undefined;
    if (username !== undefined) {
      const earlier = usernameLines.get(username);
      if (earlier !== undefined) problem('username', twice('username', 'import.usernameTwice', username, earlier));
      else usernameLines.set(username, row.line);
    }

    const status = cells.status?.toLowerCase() || null;

    let since: string | null = null;
    if (cells.since) {
      const parsed = parseImportDate(cells.since);
      if ('error' in parsed) problem('since', parsed.error);
      else since = parsed.iso;
    }

    let language: 'de' | 'en' | null = null;
    if (cells.language) {
      language = LANGUAGES[cells.language.toLowerCase()] ?? null;
      if (language === null) {
        const params = { value: show(cells.language) };
        const message = `language '${params.value}' is not supported (de or en)`;
        problem('language', { message, key: 'import.language', params });
      }
    }

    if (rowProblems.length > 0) problems.push(...rowProblems);
    else {
      records.push({
        line: row.line,
        memberNumber,
        firstName,
        lastName,
        email,
        status,
        since,
        language,
        ...(username ? { username } : {}),
      });
    }
  }

  // Array.prototype.sort is stable, so a row's problems keep their field order.
  problems.sort((a, b) => a.line - b.line);
  return { records, problems };
}
