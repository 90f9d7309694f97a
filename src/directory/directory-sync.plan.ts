import type { SyncPlan, SyncProblem } from '../sync/sync.target.js';
import { groupDn, personDn } from './ldap-dn.js';

// Pure: directory entries from members and groups.
// - An active member with a password has an inetOrgPerson under ou=people (uid = username).
// - Suspension or exit DELETES the entry (not a lock): OpenLDAP has no lock for simple binds
//   without the ppolicy overlay, a deleted entry cannot bind anywhere, and a former member's
//   name and address do not stay in the directory. Usernames are never reused, so a member who
//   comes back gets the same DN again.
// - Every allmende group is a groupOfNames under ou=groups (cn = slug, plus the name as a second
//   cn). groupOfNames must have a member: an EMPTY group holds the single value `member: ` (the
//   empty DN, RFC 4512's root), which names no entry, so no person ever matches it.
// - Entries allmende made carry MANAGED_MARK in `description`. Others are left alone (reported
//   when they hold a member's uid or a group's cn) unless the target is exclusive: then allmende
//   adopts what matches and deletes the rest under ou=people and ou=groups.

export const MANAGED_MARK = 'managed by allmende; changes made here are overwritten';
export const EMPTY_GROUP_MEMBER = '';

export const PERSON_ATTRIBUTES = ['cn', 'sn', 'givenName', 'displayName', 'mail', 'userPassword', 'description'];
export const GROUP_ATTRIBUTES = ['cn', 'member', 'description'];

export type Attributes = Record<string, string[]>;

export interface DirectoryEntry {
  dn: string;
  // Attribute names as in PERSON_ATTRIBUTES/GROUP_ATTRIBUTES (plus uid for people).
  attributes: Attributes;
}

export interface DesiredPerson {
  uid: string;
  cn: string;
  sn: string;
  givenName: string;
  displayName: string;
  mail: string | null;
  // '{ARGON2}' + the PHC string.
  userPassword: string;
}

export interface DesiredGroup {
  slug: string;
  name: string;
  // uids of the group's members (with or without an entry: plan() keeps those with one).
  members: string[];
}

export interface DirectoryDesired {
  base: string;
  exclusive: boolean;
  people: DesiredPerson[];
  groups: DesiredGroup[];
}

export interface DirectoryActual {
  people: DirectoryEntry[];
  groups: DirectoryEntry[];
}

export type DirectoryAction =
  | { kind: 'create'; item: string; dn: string; objectClass: string[]; attributes: Attributes }
  // Replaces the listed attributes; [] removes one.
  | { kind: 'update' | 'password'; item: string; dn: string; changes: Attributes; adopt: boolean }
  | { kind: 'delete'; item: string; dn: string }
  | { kind: 'create-group'; item: string; dn: string; attributes: Attributes }
  | { kind: 'update-group'; item: string; dn: string; changes: Attributes; adopt: boolean }
  | { kind: 'delete-group'; item: string; dn: string };

export const PERSON_CLASSES = ['top', 'person', 'organizationalPerson', 'inetOrgPerson'];
export const GROUP_CLASSES = ['top', 'groupOfNames'];

export function personAttributes(p: DesiredPerson): Attributes {
  return {
    uid: [p.uid],
    cn: [p.cn],
    sn: [p.sn],
    givenName: p.givenName === '' ? [] : [p.givenName],
    displayName: [p.displayName],
    mail: p.mail ? [p.mail] : [],
    userPassword: [p.userPassword],
    description: [MANAGED_MARK],
  };
}

export function groupAttributes(g: DesiredGroup, memberDns: string[]): Attributes {
  const cn = g.name.toLowerCase() === g.slug.toLowerCase() || g.name.trim() === '' ? [g.slug] : [g.slug, g.name];
  return {
    cn,
    member: memberDns.length > 0 ? memberDns : [EMPTY_GROUP_MEMBER],
    description: [MANAGED_MARK],
  };
}

export function planDirectory(desired: DirectoryDesired, actual: DirectoryActual): SyncPlan<DirectoryAction> {
  const actions: DirectoryAction[] = [];
  const problems: SyncProblem[] = [];
  const base = desired.base;

  // People, keyed by uid (usernames are lower case; LDAP compares uid case-insensitively).
  const actualPeople = new Map<string, DirectoryEntry>();
  for (const e of actual.people) {
    const uid = first(e.attributes.uid);
    if (uid !== undefined) actualPeople.set(uid.toLowerCase(), e);
  }
  const withEntry = new Set<string>();
  const wanted = new Set<string>();
  for (const p of desired.people) {
    const uid = p.uid.toLowerCase();
    wanted.add(uid);
    const attributes = personAttributes(p);
    const existing = actualPeople.get(uid);
    if (!existing) {
      const { uid: _uid, ...rest } = attributes;
      actions.push({
        kind: 'create',
        item: p.uid,
        dn: personDn(p.uid, base),
        objectClass: PERSON_CLASSES,
        attributes: { uid: [p.uid], ...rest },
      });
      withEntry.add(uid);
      continue;
    }
    const managed = isManaged(existing);
    if (!managed && !desired.exclusive) {
      problems.push({
        item: p.uid,
        message: `${existing.dn} exists and was not made by allmende; left unchanged (delete it, or set ALLMENDE_LDAP_EXCLUSIVE=true)`,
      });
      continue;
    }
    withEntry.add(uid);
    const { uid: _uid, ...compared } = attributes;
    const changes = diff(existing.attributes, compared);
    const { userPassword, ...others } = changes;
    if (Object.keys(others).length > 0) {
      actions.push({ kind: 'update', item: p.uid, dn: existing.dn, changes: others, adopt: !managed });
    }
    if (userPassword) {
      actions.push({ kind: 'password', item: p.uid, dn: existing.dn, changes: { userPassword }, adopt: false });
    }
  }
  for (const [uid, e] of actualPeople) {
    if (wanted.has(uid)) continue;
    if (isManaged(e) || desired.exclusive)
      actions.push({ kind: 'delete', item: first(e.attributes.uid) ?? uid, dn: e.dn });
  }
  // Entries without a uid under ou=people are not people allmende knows; only exclusive removes them.
  if (desired.exclusive) {
    for (const e of actual.people) {
      if (first(e.attributes.uid) === undefined) actions.push({ kind: 'delete', item: e.dn, dn: e.dn });
    }
  }

  // Groups, keyed by their DN's cn (the slug).
  const actualGroups = new Map<string, DirectoryEntry>();
  for (const e of actual.groups) actualGroups.set(e.dn.toLowerCase(), e);
  const wantedGroups = new Set<string>();
  for (const g of desired.groups) {
    const dn = groupDn(g.slug, base);
    wantedGroups.add(dn.toLowerCase());
    const members = [...new Set(g.members.map((m) => m.toLowerCase()))]
      .filter((uid) => withEntry.has(uid))
      .sort()
      .map((uid) => personDn(uid, base));
    const attributes = groupAttributes(g, members);
    const existing = actualGroups.get(dn.toLowerCase());
    if (!existing) {
      actions.push({ kind: 'create-group', item: g.slug, dn, attributes });
      continue;
    }
    const managed = isManaged(existing);
    if (!managed && !desired.exclusive) {
      problems.push({
        item: g.slug,
        message: `${existing.dn} exists and was not made by allmende; left unchanged (delete it, or set ALLMENDE_LDAP_EXCLUSIVE=true)`,
      });
      continue;
    }
    const changes = diff(existing.attributes, attributes);
    if (Object.keys(changes).length > 0) {
      actions.push({ kind: 'update-group', item: g.slug, dn: existing.dn, changes, adopt: !managed });
    }
  }
  for (const [key, e] of actualGroups) {
    if (wantedGroups.has(key)) continue;
    if (isManaged(e) || desired.exclusive) actions.push({ kind: 'delete-group', item: e.dn, dn: e.dn });
  }
  return { actions, problems };
}

export function isManaged(e: DirectoryEntry): boolean {
  return (e.attributes.description ?? []).includes(MANAGED_MARK);
}

// The attributes of `want` whose values differ from `have`, compared as sets. Values are compared
// exactly (slapd returns what we wrote), member DNs without regard to case.
export function diff(have: Attributes, want: Attributes): Attributes {
  const out: Attributes = {};
  for (const [name, values] of Object.entries(want)) {
    const norm = (v: string) => (name === 'member' ? v.toLowerCase() : v);
    const a = [...new Set((have[name] ?? []).map(norm))].sort();
    const b = [...new Set(values.map(norm))].sort();
    if (a.length !== b.length || a.some((v, i) => v !== b[i])) out[name] = values;
  }
  return out;
}

function first(values: string[] | undefined): string | undefined {
  return values?.[0];
}

export function describeDirectoryAction(a: DirectoryAction): string {
  switch (a.kind) {
    case 'create':
      return `create ${a.dn} (${a.attributes.cn?.[0] ?? ''}${a.attributes.mail?.[0] ? `, ${a.attributes.mail[0]}` : ''})`;
    case 'update':
      return `${a.adopt ? 'adopt and ' : ''}set ${Object.keys(a.changes).join(', ')} of ${a.dn}`;
    case 'password':
      return `set the password hash of ${a.dn}`;
    case 'delete':
      return `delete ${a.dn}`;
    case 'create-group':
      return `create group ${a.dn} (${describeMembers(a.attributes.member ?? [])})`;
    case 'update-group':
      return `${a.adopt ? 'adopt and ' : ''}set ${Object.keys(a.changes).join(', ')} of ${a.dn}${a.changes.member ? ` (${describeMembers(a.changes.member)})` : ''}`;
    case 'delete-group':
      return `delete group ${a.dn}`;
  }
}

function describeMembers(members: string[]): string {
  const real = members.filter((m) => m !== EMPTY_GROUP_MEMBER);
  return real.length === 0 ? 'no members' : `${real.length} member(s)`;
}
