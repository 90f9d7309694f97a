import type { MemberState } from './entities/member.entity.js';

// A filter is data; this file alone turns it into SQL (fixed clauses, values as parameters).
export interface MemberFilter {
  q?: string;
  // Members (not the board) search only names and usernames, never e-mail or number.
  searchScope: 'all' | 'names';
  states?: readonly MemberState[];
  status?: string;
  group?: string;
  ids?: readonly number[];
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

const VIEW_COLUMNS = `
  m.id, m.username, m.display_name, m.first_name, m.last_name, m.member_number, m.private_email,
  m.language, m.state, m.profile, (m.password_hash is not null) as has_password,
  m.created_at, m.updated_at, m.version,
  m.wants_named_address, m.wants_pseudonymous_address, m.forward_to_private,
  m.registered_at, m.activated_at, to_char(m.exit_on, 'YYYY-MM-DD') as exit_on, m.erased_at,
  (select p.status_code from membership_period p
     where p.member_id = m.id and p."end" is null order by p.begin desc limit 1) as status,
  (select to_char(p.begin, 'YYYY-MM-DD') from membership_period p
     where p.member_id = m.id and p."end" is null order by p.begin desc limit 1) as status_since,
  coalesce((select array_agg(g.slug order by g.slug) from group_membership gm
     join member_group g on g.id = gm.group_id where gm.member_id = m.id), '{}') as groups`;

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function whereClause(f: MemberFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `?`;
  };
  if (f.q !== undefined && f.q !== '') {
    const pattern = `%${escapeLike(f.q.toLowerCase())}%`;
    clauses.push(
      f.searchScope === 'all'
        ? `m.search_text like ${add(pattern)}`
        : `lower(m.display_name || ' ' || m.username) like ${add(pattern)}`,
    );
  }
  if (f.states && f.states.length > 0) clauses.push(`m.state in (${f.states.map((s) => add(s)).join(', ')})`);
  if (f.status !== undefined) {
    clauses.push(
      `exists (select 1 from membership_period p where p.member_id = m.id and p."end" is null and p.status_code = ${add(f.status)})`,
    );
  }
  if (f.group !== undefined) {
    clauses.push(
      `exists (select 1 from group_membership gm join member_group g on g.id = gm.group_id
               where gm.member_id = m.id and g.slug = ${add(f.group)})`,
    );
  }
  if (f.ids) clauses.push(f.ids.length === 0 ? 'false' : `m.id in (${f.ids.map((id) => add(id)).join(', ')})`);
  return clauses.length > 0 ? `where ${clauses.join(' and ')}` : '';
}

export function listQuery(f: MemberFilter, limit: number, offset: number): SqlQuery {
  const params: unknown[] = [];
  const where = whereClause(f, params);
  params.push(limit, offset);
  // The page's ids first, then the view columns for those rows only: with OFFSET, PostgreSQL
  // computes the select list (three subqueries) for every row it skips, so a late page of 10,000
  // members read every member's periods and groups.
  return {
    sql: `select ${VIEW_COLUMNS} from member m
          join (select m.id from member m ${where}
                order by m.last_name, m.first_name, m.id limit ? offset ?) page on page.id = m.id
          order by m.last_name, m.first_name, m.id`,
    params,
  };
}

export function countQuery(f: MemberFilter): SqlQuery {
  const params: unknown[] = [];
  const where = whereClause(f, params);
  return { sql: `select count(*)::int as total from member m ${where}`, params };
}

export interface MemberRow {
  id: number;
  username: string;
  display_name: string;
  first_name: string;
  last_name: string;
  member_number: string | null;
  private_email: string | null;
  language: 'de' | 'en' | null;
  state: MemberState;
  profile: Record<string, string> | string | null;
  has_password: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
  status: string | null;
  status_since: string | null;
  groups: string[] | string;
  wants_named_address: boolean;
  wants_pseudonymous_address: boolean;
  forward_to_private: boolean;
  registered_at: Date | string | null;
  activated_at: Date | string | null;
  exit_on: string | null;
  erased_at: Date | string | null;
}
