// Maps parsed CSV rows to thing import records, collecting every problem of every row, so the
// file can be fixed in one go. The CSV reader and writer are the member import's (src/members/csv).

import type { CsvLineError, CsvRow } from '../../members/csv/csv-parse.js';
import { restoreDefusedCell } from '../../members/csv/csv-write.js';
import { normalizeHeader, parseImportDate } from '../../members/csv/member-csv.js';
import { OWNERSHIPS, type Ownership } from '../entities/thing.entity.js';
import { parsePath } from '../location-tree.js';
import { slugProblem } from '../thing-ref.js';

export interface ThingImportRecord {
  line: number;
  id: number | null;
  slug: string | null;
  name: string;
  description: string | null;
  location: string[];
  tags: string[];
  ownership: Ownership;
  // A member's username, or the name of someone who is not a member.
  owner: string | null;
  ownerUntil: string | null;
  needsInduction: boolean;
}

export interface ThingImportProblem {
  line: number;
  field?: string;
  message: string;
}

export type ThingColumn =
  | 'id'
  | 'slug'
  | 'name'
  | 'description'
  | 'location'
  | 'tags'
  | 'ownership'
  | 'owner'
  | 'ownerUntil'
  | 'needsInduction';

// The first alias is what the export writes.
export const THING_COLUMN_ALIASES: Readonly<Record<ThingColumn, readonly string[]>> = {
  id: ['Nummer', 'Nr', 'id'],
  slug: ['Kurzname', 'slug', 'short name'],
  name: ['Name', 'Bezeichnung', 'name'],
  description: ['Beschreibung', 'description'],
  location: ['Ort', 'Standort', 'location'],
  tags: ['Schlagworte', 'Tags', 'Schlagwörter'],
  ownership: ['Eigentum', 'ownership'],
  owner: ['Eigentümer', 'Eigentuemer', 'owner'],
  ownerUntil: ['Leihgabe bis', 'owner until', 'until'],
  needsInduction: ['Einweisung', 'needs induction', 'induction'],
};

// Columns the export writes for people to read, ignored on the way back in.
const EXPORT_ONLY = new Set(['ausgeliehenan', 'lentto', 'zurückam', 'dueon'].map(normalizeHeader));

export const EXPORT_HEADER = [
  ...Object.values(THING_COLUMN_ALIASES).map((aliases) => aliases[0] ?? ''),
  'Ausgeliehen an',
  'Zurück am',
];

const ALIAS_TO_COLUMN = new Map(
  (Object.entries(THING_COLUMN_ALIASES) as [ThingColumn, readonly string[]][]).flatMap(([column, aliases]) =>
    aliases.map((a) => [normalizeHeader(a), column] as const),
  ),
);

const OWNERSHIP_ALIASES: Readonly<Record<string, Ownership>> = {
  ...Object.fromEntries(OWNERSHIPS.map((o) => [o, o])),
  '': 'club',
  verein: 'club',
  vereinseigentum: 'club',
  leihgabe: 'lent-to-club',
  mitglied: 'member-owned',
  privat: 'member-owned',
  spende: 'donated',
  geschenkt: 'donated',
};

const YES = new Set(['ja', 'yes', 'true', '1', 'x']);
const NO = new Set(['nein', 'no', 'false', '0', '']);

export type MappedThingColumn = ThingColumn | 'ignore' | null;

export function mapThingHeader(cells: readonly string[]): { columns: MappedThingColumn[] } | { error: string } {
  const columns: MappedThingColumn[] = [];
  const problems: string[] = [];
  const seen = new Set<ThingColumn>();
  for (const cell of cells) {
    const key = normalizeHeader(cell);
    if (key === '') {
      columns.push(null);
      continue;
    }
    if (EXPORT_ONLY.has(key)) {
      columns.push('ignore');
      continue;
    }
    const column = ALIAS_TO_COLUMN.get(key);
    if (!column) problems.push(`unknown column '${cell.trim()}'`);
    else if (seen.has(column)) problems.push(`column '${cell.trim()}' appears twice`);
    else seen.add(column);
    columns.push(column ?? null);
  }
  if (!seen.has('name')) problems.push('the column Name is missing');
  if (problems.length > 0) {
    const accepted = Object.values(THING_COLUMN_ALIASES)
      .map((a) => a[0])
      .join(', ');
    return { error: `${problems.join('; ')} (columns: ${accepted})` };
  }
  return { columns };
}

function show(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

const CONTROL = /[\p{Cc}\p{Cf}]/u;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,39}$/u;

// Pure: rows (without the header) → records, or every problem of every row.
export function toThingRecords(
  rows: readonly CsvRow[],
  columns: readonly MappedThingColumn[],
  parseErrors: readonly CsvLineError[],
): { records: ThingImportRecord[]; problems: ThingImportProblem[] } {
  const records: ThingImportRecord[] = [];
  const problems: ThingImportProblem[] = parseErrors.map((e) => ({ line: e.line, message: e.message }));
  const slugLines = new Map<string, number>();
  const idLines = new Map<number, number>();
  for (const row of rows) {
    if (row.cells.every((c) => c.trim() === '')) continue;
    const rowProblems: ThingImportProblem[] = [];
    const problem = (field: string | undefined, message: string) =>
      rowProblems.push(field ? { line: row.line, field, message } : { line: row.line, message });
    if (row.cells.length !== columns.length) {
      problems.push({ line: row.line, message: `expected ${columns.length} fields, found ${row.cells.length}` });
      continue;
    }
    const cells: Partial<Record<ThingColumn, string>> = {};
    row.cells.forEach((cell, i) => {
      const column = columns[i];
      if (column && column !== 'ignore') cells[column] = restoreDefusedCell(cell.trim());
      else if (!column && cell.trim() !== '') problem(undefined, `field ${i + 1} has a value but no column header`);
    });

    let id: number | null = null;
    if (cells.id) {
      if (!/^[0-9]{1,9}$/.test(cells.id) || Number(cells.id) < 1)
        problem('id', `number '${show(cells.id)}' is not a thing's number`);
      else {
        id = Number(cells.id);
        const earlier = idLines.get(id);
        if (earlier !== undefined) problem('id', `number ${id} already on line ${earlier}`);
        idLines.set(id, row.line);
      }
    }
    const slug = cells.slug ? cells.slug.toLowerCase() : null;
    if (slug !== null) {
      const p = slugProblem(slug);
      if (p) problem('slug', `short name '${show(slug)}': ${p.message}`);
      const earlier = slugLines.get(slug);
      if (earlier !== undefined) problem('slug', `short name ${slug} already on line ${earlier}`);
      slugLines.set(slug, row.line);
    }
    const name = cells.name ?? '';
    if (name === '') problem('name', 'the name is missing');
    else if (name.length > 200) problem('name', `the name is too long (${name.length} characters, at most 200)`);
    if (CONTROL.test(name)) problem('name', 'the name contains a line break or control character');
    const description = cells.description || null;
    if (description !== null && description.length > 10_000)
      problem('description', 'the description is longer than 10,000 characters');

    const location = parsePath(cells.location ?? '');
    for (const part of location) {
      if (part.length > 100 || CONTROL.test(part))
        problem('location', `place '${show(part)}' is too long or has control characters`);
    }
    const tags = [
      ...new Set(
        (cells.tags ?? '')
          .split(/[,\s]+/)
          .map((t) => t.trim().toLowerCase())
          .filter((t) => t !== ''),
      ),
    ];
    for (const tag of tags)
      if (!TAG.test(tag)) problem('tags', `tag '${show(tag)}' is not letters, digits, ".", "_" or "-"`);

    const ownership = OWNERSHIP_ALIASES[(cells.ownership ?? '').toLowerCase()];
    if (!ownership) {
      problem('ownership', `ownership '${show(cells.ownership ?? '')}' is not one of ${OWNERSHIPS.join(', ')}`);
    }
    const owner = cells.owner || null;
    if (owner !== null && (owner.length > 200 || CONTROL.test(owner)))
      problem('owner', 'the owner is too long or has control characters');
    let ownerUntil: string | null = null;
    if (cells.ownerUntil) {
      const parsed = parseImportDate(cells.ownerUntil);
      if ('error' in parsed) problem('ownerUntil', parsed.error.message);
      else ownerUntil = parsed.iso;
    }
    const induction = (cells.needsInduction ?? '').toLowerCase();
    if (!YES.has(induction) && !NO.has(induction)) problem('needsInduction', `'${show(induction)}' is not ja or nein`);

    if (rowProblems.length > 0 || !ownership) {
      problems.push(...rowProblems);
      continue;
    }
    records.push({
      line: row.line,
      id,
      slug,
      name,
      description,
      location,
      tags,
      ownership,
      owner,
      ownerUntil,
      needsInduction: YES.has(induction),
    });
  }
  return { records, problems: problems.sort((a, b) => a.line - b.line) };
}
