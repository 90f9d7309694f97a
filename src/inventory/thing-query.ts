import type { Ownership } from './entities/thing.entity.js';

// A filter is data; this file alone turns it into SQL (fixed clauses, values as parameters).
export interface ThingFilter {
  q?: string;
  tag?: string;
  // The location and everything below it.
  locationId?: number;
  ownerMemberId?: number;
  ownership?: Ownership;
  lent?: boolean;
  includeArchived?: boolean;
  ids?: readonly number[];
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

const VIEW_COLUMNS = `
  t.id, t.slug, t.name, t.description, t.tags, t.ownership, t.owner_member_id,
  om.display_name as owner_member_name, t.owner_name, to_char(t.owner_until, 'YYYY-MM-DD') as owner_until,
  t.needs_induction, t.archived_at, t.location_id, t.created_at, t.updated_at, t.version,
  l.id as loan_id, l.borrower_id, b.display_name as borrower_name, to_char(l.due_on, 'YYYY-MM-DD') as loan_due_on,
  coalesce((select array_agg(ph.id order by ph.id) from thing_photo ph where ph.thing_id = t.id), '{}') as photo_ids`;

const FROM = `from thing t
  left join member om on om.id = t.owner_member_id
  left join loan l on l.thing_id = t.id and l.returned_at is null
  left join member b on b.id = l.borrower_id`;

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// Words of the query as a prefix tsquery: "löt stat" → 'löt':* & 'stat':*. Only letters and
// digits reach to_tsquery, so no user input is ever parsed as tsquery syntax.
export function toPrefixQuery(q: string): string | undefined {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words
    .slice(0, 8)
    .map((w) => `'${w}':*`)
    .join(' & ');
}

function whereClause(f: ThingFilter, params: unknown[]): { where: string; rank?: string } {
  const clauses: string[] = [];
  let rank: string | undefined;
  const add = (value: unknown) => {
    params.push(value);
    return '?';
  };
  if (!f.includeArchived) clauses.push('t.archived_at is null');
  const q = f.q?.trim();
  if (q) {
    const tsquery = toPrefixQuery(q);
    const substring = `%${escapeLike(q.toLowerCase())}%`;
    // Full-text words (any field) or a substring of the slug or name ("mk3" in "prusa-mk3s").
    clauses.push(
      tsquery === undefined
        ? `t.search_name like ${add(substring)}`
        : `(t.search_vector @@ to_tsquery('simple', ${add(tsquery)}) or t.search_name like ${add(substring)})`,
    );
    if (tsquery !== undefined) rank = tsquery;
  }
  if (f.tag !== undefined) clauses.push(`t.tags @> array[${add(f.tag)}]::text[]`);
  if (f.locationId !== undefined) {
    clauses.push(`t.location_id in (
      with recursive below as (
        select id from location where id = ${add(f.locationId)}
        union select c.id from location c join below on c.parent_id = below.id)
      select id from below)`);
  }
  if (f.ownerMemberId !== undefined) clauses.push(`t.owner_member_id = ${add(f.ownerMemberId)}`);
  if (f.ownership !== undefined) clauses.push(`t.ownership = ${add(f.ownership)}`);
  if (f.lent !== undefined) clauses.push(f.lent ? 'l.id is not null' : 'l.id is null');
  if (f.ids) clauses.push(f.ids.length === 0 ? 'false' : `t.id in (${f.ids.map((id) => add(id)).join(', ')})`);
  return { where: clauses.length > 0 ? `where ${clauses.join(' and ')}` : '', rank };
}

export function listQuery(f: ThingFilter, limit: number, offset: number): SqlQuery {
  const params: unknown[] = [];
  const { where, rank } = whereClause(f, params);
  let order = 't.name, t.id';
  if (rank !== undefined) {
    params.push(rank);
    order = `ts_rank(t.search_vector, to_tsquery('simple', ?)) desc, t.name, t.id`;
  }
  params.push(limit, offset);
  return { sql: `select ${VIEW_COLUMNS} ${FROM} ${where} order by ${order} limit ? offset ?`, params };
}

// The count needs the loan join only to filter on it; the member joins never change it.
export function countQuery(f: ThingFilter): SqlQuery {
  const params: unknown[] = [];
  const { where } = whereClause(f, params);
  const from =
    f.lent === undefined
      ? 'from thing t'
      : 'from thing t left join loan l on l.thing_id = t.id and l.returned_at is null';
  return { sql: `select count(*)::int as total ${from} ${where}`, params };
}

export interface ThingRow {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  tags: string[] | string;
  ownership: Ownership;
  owner_member_id: number | null;
  owner_member_name: string | null;
  owner_name: string | null;
  owner_until: string | null;
  needs_induction: boolean;
  archived_at: Date | string | null;
  location_id: number | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
  loan_id: number | null;
  borrower_id: number | null;
  borrower_name: string | null;
  loan_due_on: string | null;
  photo_ids: number[] | string;
}
