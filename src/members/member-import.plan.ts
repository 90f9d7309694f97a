import type { MemberImportProblem, MemberImportRecord } from './csv/member-csv.js';
import type { FieldChange } from './entities/revision.entity.js';

export interface ExistingMember {
  id: number;
  memberNumber: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  language: 'de' | 'en' | null;
  status: string | null;
  username?: string;
}

export interface ImportAction {
  line: number;
  kind: 'create' | 'update' | 'unchanged';
  memberId?: number;
  name: string;
  changes: FieldChange[];
}

export interface ImportPlan {
  actions: ImportAction[];
  problems: MemberImportProblem[];
}

// Pure: what an import would do. A row matches a member by member number, else by e-mail, else
// (so that an exported member without either comes back unchanged) by username.
// An empty cell means "not given" and never erases a stored value.
export function planImport(
  records: readonly MemberImportRecord[],
  existing: readonly ExistingMember[],
  statuses: ReadonlySet<string>,
  today: string,
): ImportPlan {
  const byNumber = new Map(existing.flatMap((m) => (m.memberNumber ? [[m.memberNumber, m] as const] : [])));
  const byEmail = new Map(existing.flatMap((m) => (m.email ? [[m.email, m] as const] : [])));
  const byUsername = new Map(existing.flatMap((m) => (m.username ? [[m.username, m] as const] : [])));
  const actions: ImportAction[] = [];
  const problems: MemberImportProblem[] = [];

  for (const r of records) {
    const name = `${r.firstName} ${r.lastName}`;
    // Without a key the next run of the same file could not find the member again: it would
    // take them in twice. Names are no key (two members may share one).
    if (!r.memberNumber && !r.email && !r.username) {
      problems.push({
        line: r.line,
        message: `${name} has neither member number nor e-mail: give one, so that re-running the file finds the member`,
        key: 'import.noKey',
        params: { name },
      });
      continue;
    }
    if (r.status !== null && !statuses.has(r.status)) {
      const params = { status: r.status, known: [...statuses].join(', ') };
      problems.push({
        line: r.line,
        field: 'status',
        message: `unknown status '${params.status}' (known: ${params.known})`,
        key: 'import.status',
        params,
      });
      continue;
    }
    const numberMatch = r.memberNumber ? byNumber.get(r.memberNumber) : undefined;
    const emailMatch = r.email ? byEmail.get(r.email) : undefined;
    if (emailMatch && numberMatch && emailMatch.id !== numberMatch.id) {
      problems.push({
        line: r.line,
        field: 'email',
        message: `e-mail ${r.email} belongs to another member (${describe(emailMatch)})`,
        ...(emailMatch.memberNumber
          ? { key: 'import.emailOfNumber', params: { email: r.email ?? '', number: emailMatch.memberNumber } }
          : { key: 'import.emailOfName', params: { email: r.email ?? '', name: describe(emailMatch) } }),
      });
      continue;
    }
    if (
      emailMatch &&
      !numberMatch &&
      r.memberNumber &&
      emailMatch.memberNumber &&
      emailMatch.memberNumber !== r.memberNumber
    ) {
      problems.push({
        line: r.line,
        field: 'email',
        message: `e-mail ${r.email} belongs to member number ${emailMatch.memberNumber}`,
        key: 'import.emailNumber',
        params: { email: r.email ?? '', number: emailMatch.memberNumber },
      });
      continue;
    }
    const usernameMatch =
      !numberMatch && !emailMatch && r.username !== undefined ? byUsername.get(r.username) : undefined;
    if (
      usernameMatch &&
      r.memberNumber &&
      usernameMatch.memberNumber &&
      usernameMatch.memberNumber !== r.memberNumber
    ) {
      problems.push({
        line: r.line,
        field: 'username',
        message: `username ${r.username} belongs to member number ${usernameMatch.memberNumber}`,
        key: 'import.usernameNumber',
        params: { username: r.username ?? '', number: usernameMatch.memberNumber },
      });
      continue;
    }
    const match = numberMatch ?? emailMatch ?? usernameMatch;
    if (!match) {
      actions.push({ line: r.line, kind: 'create', name, changes: creationChanges(r, today) });
      continue;
    }
    const changes = updateChanges(match, r);
    actions.push({
      line: r.line,
      kind: changes.length > 0 ? 'update' : 'unchanged',
      memberId: match.id,
      name,
      changes,
    });
  }
  return { actions, problems };
}

function creationChanges(r: MemberImportRecord, today: string): FieldChange[] {
  return [
    { field: 'memberNumber', old: null, new: r.memberNumber },
    { field: 'firstName', old: null, new: r.firstName },
    { field: 'lastName', old: null, new: r.lastName },
    { field: 'privateEmail', old: null, new: r.email },
    { field: 'language', old: null, new: r.language },
    { field: 'status', old: null, new: r.status ?? 'member' },
    { field: 'since', old: null, new: r.since ?? today },
  ].filter((c) => c.new !== null);
}

function updateChanges(m: ExistingMember, r: MemberImportRecord): FieldChange[] {
  const changes: FieldChange[] = [];
  const set = (field: string, old: unknown, value: unknown) => {
    if (value !== null && value !== old) changes.push({ field, old, new: value });
  };
  set('memberNumber', m.memberNumber, r.memberNumber);
  set('firstName', m.firstName, r.firstName);
  set('lastName', m.lastName, r.lastName);
  set('privateEmail', m.email, r.email);
  set('language', m.language, r.language);
  set('status', m.status, r.status);
  return changes;
}

function describe(m: ExistingMember): string {
  return m.memberNumber ? `number ${m.memberNumber}` : `${m.firstName} ${m.lastName}`;
}
