import type { SyncPlan, SyncProblem } from '../sync/sync.target.js';

// Pure: wiki users from members. A member with service access has an unblocked wiki user with
// their password hash, real name, e-mail and mapped groups; a member without it keeps the user
// (wiki users cannot be deleted) with the password invalidated, sessions ended, real name and
// e-mail removed, and a block.

export interface DesiredWikiMember {
  memberId: number;
  access: boolean;
  // Canonical name, or why MediaWiki refuses the member's name.
  name: { ok: true; name: string } | { ok: false; reason: string };
  realName: string;
  email: string;
  // ':argon2:' + the PHC string; '' when the member has no service access.
  password: string;
  // Managed wiki groups the member should be in.
  groups: string[];
}

export interface WikiAccountLink {
  memberId: number;
  wikiUserId: number;
  wikiName: string;
}

export interface WikiDesired {
  members: DesiredWikiMember[];
  accounts: WikiAccountLink[];
  // Every wiki group allmende manages (the right side of ALLMENDE_WIKI_GROUPS).
  managedGroups: string[];
}

export interface WikiUser {
  id: number;
  name: string;
  realName: string;
  email: string;
  password: string;
  groups: string[];
  // A block by allmende (other blocks are the wiki admins' and left alone).
  blockedByUs: boolean;
}

export interface WikiActual {
  // allmende's users (by wiki_account) and users holding a name a member should get.
  byId: Map<number, WikiUser>;
  byName: Map<string, WikiUser>;
}

export type WikiAction =
  | {
      kind: 'create';
      item: string;
      memberId: number;
      name: string;
      realName: string;
      email: string;
      password: string;
      groups: string[];
    }
  // A user found under the member's name whose hash is the member's: made by an earlier run whose
  // bookkeeping was lost (the connection dropped between MariaDB's commit and ours).
  | { kind: 'adopt'; item: string; memberId: number; wikiUserId: number; name: string }
  | { kind: 'update'; item: string; wikiUserId: number; realName: string; email: string }
  | { kind: 'password'; item: string; wikiUserId: number; password: string }
  | { kind: 'groups'; item: string; wikiUserId: number; add: string[]; remove: string[] }
  | { kind: 'unblock'; item: string; wikiUserId: number }
  | { kind: 'disable'; item: string; wikiUserId: number; name: string; removeGroups: string[]; block: boolean };

export function planWiki(desired: WikiDesired, actual: WikiActual): SyncPlan<WikiAction> {
  const actions: WikiAction[] = [];
  const problems: SyncProblem[] = [];
  const accountOf = new Map(desired.accounts.map((a) => [a.memberId, a]));
  const managed = new Set(desired.managedGroups);
  const claimed = new Set<string>();
  for (const m of desired.members) {
    const account = accountOf.get(m.memberId);
    if (!account) {
      if (!m.access) continue;
      if (!m.name.ok) {
        problems.push({ item: `member ${m.memberId}`, message: `no wiki user for "${m.realName}": ${m.name.reason}` });
        continue;
      }
      const name = m.name.name;
      const existing = actual.byName.get(name);
      if (existing && existing.password === m.password && m.password !== '') {
        actions.push({ kind: 'adopt', item: name, memberId: m.memberId, wikiUserId: existing.id, name });
        continue;
      }
      if (existing || claimed.has(name)) {
        problems.push({
          item: name,
          message: `wiki user "${name}" already exists and is not member ${m.memberId}'s; left unchanged (rename one of them)`,
        });
        continue;
      }
      claimed.add(name);
      actions.push({
        kind: 'create',
        item: name,
        memberId: m.memberId,
        name,
        realName: m.realName,
        email: m.email,
        password: m.password,
        groups: m.groups,
      });
      continue;
    }
    const user = actual.byId.get(account.wikiUserId);
    const item = account.wikiName;
    if (!user) {
      problems.push({
        item,
        message: `wiki user #${account.wikiUserId} of member ${m.memberId} is missing from the wiki`,
      });
      continue;
    }
    const inManaged = user.groups.filter((g) => managed.has(g));
    if (!m.access) {
      const block = !user.blockedByUs;
      // The real name and address go too: a former member's data does not stay in the wiki.
      if (user.password !== '' || block || inManaged.length > 0 || user.realName !== '' || user.email !== '') {
        actions.push({ kind: 'disable', item, wikiUserId: user.id, name: user.name, removeGroups: inManaged, block });
      }
      continue;
    }
    if (user.blockedByUs) actions.push({ kind: 'unblock', item, wikiUserId: user.id });
    if (user.realName !== m.realName || user.email !== m.email) {
      actions.push({ kind: 'update', item, wikiUserId: user.id, realName: m.realName, email: m.email });
    }
    if (user.password !== m.password)
      actions.push({ kind: 'password', item, wikiUserId: user.id, password: m.password });
    const add = m.groups.filter((g) => !user.groups.includes(g));
    const remove = inManaged.filter((g) => !m.groups.includes(g));
    if (add.length > 0 || remove.length > 0) actions.push({ kind: 'groups', item, wikiUserId: user.id, add, remove });
  }
  return { actions, problems };
}

export function describeWikiAction(a: WikiAction): string {
  switch (a.kind) {
    case 'create':
      return `create wiki user "${a.name}" (${a.realName}${a.groups.length > 0 ? `; groups ${a.groups.join(', ')}` : ''})`;
    case 'adopt':
      return `record wiki user "${a.name}" as member ${a.memberId}'s (made by an earlier run)`;
    case 'update':
      return `set real name "${a.realName}" and e-mail ${a.email || '(none)'} of "${a.item}"`;
    case 'password':
      return `set the password hash of "${a.item}" and end its sessions`;
    case 'groups':
      return `groups of "${a.item}": ${[...a.add.map((g) => `+${g}`), ...a.remove.map((g) => `-${g}`)].join(' ')}`;
    case 'unblock':
      return `lift allmende's block of "${a.item}"`;
    case 'disable':
      return `invalidate the password and sessions of "${a.item}", remove its real name and e-mail${a.block ? ', block it' : ''}${a.removeGroups.length > 0 ? `, remove ${a.removeGroups.join(', ')}` : ''}`;
  }
}
