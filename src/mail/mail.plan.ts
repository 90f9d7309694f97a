import { memberAddresses } from '../members/member-addresses.js';

// Pure: the mail rows the member store asks for, and the actions that bring the mail tables there.

export interface MemberMailFacts {
  id: number;
  username: string;
  memberNumber: string | null;
  privateEmail: string | null;
  active: boolean;
  erased: boolean;
  hasPassword: boolean;
  wantsNamedAddress: boolean;
  wantsPseudonymousAddress: boolean;
  forwardToPrivate: boolean;
  keepCopy: boolean;
  // Usernames the member had before a rename: their named addresses stay as aliases.
  formerUsernames: readonly string[];
}

export interface GroupMailFacts {
  id: number;
  slug: string;
  mailAddress: string;
  memberIds: readonly number[];
}

export interface DesiredMailbox {
  memberId: number;
  address: string;
  login: string;
  maildir: string;
}

export interface DesiredAlias {
  source: string;
  destination: string;
  origin: 'member' | 'group';
  memberId: number | null;
  groupId: number | null;
}

export interface MailProblem {
  subject: string;
  message: string;
}

export interface DesiredMail {
  mailboxes: DesiredMailbox[];
  aliases: DesiredAlias[];
  problems: MailProblem[];
}

export interface ActualMailbox {
  id: number;
  memberId: number;
  address: string;
  login: string;
  endedAt: Date | null;
  receiveUntil: Date | null;
}

export interface ActualAlias {
  id: number;
  source: string;
  destination: string;
  origin: 'member' | 'group';
  memberId: number | null;
  groupId: number | null;
  receiveUntil: Date | null;
}

export interface ActualMail {
  mailboxes: ActualMailbox[];
  aliases: ActualAlias[];
  // Addresses the board made by hand (manual mailboxes, manual alias sources): never taken over.
  manualAddresses: ReadonlySet<string>;
}

export type MailAction =
  | { kind: 'create-mailbox'; mailbox: DesiredMailbox }
  | { kind: 'update-mailbox'; id: number; memberId: number; address: string; login: string }
  | { kind: 'revive-mailbox'; id: number; memberId: number }
  | { kind: 'end-mailbox'; id: number; memberId: number; receiveUntil: Date }
  | { kind: 'delete-mailbox'; id: number; memberId: number }
  | { kind: 'create-alias'; alias: DesiredAlias }
  | { kind: 'revive-alias'; id: number; source: string; destination: string }
  | { kind: 'end-alias'; id: number; source: string; destination: string; receiveUntil: Date }
  | { kind: 'delete-alias'; id: number; source: string; destination: string };

export interface MailPlan {
  actions: MailAction[];
  problems: MailProblem[];
}

export interface MailOptions {
  domain: string;
  pseudonymPattern: string;
}

export function desiredMail(
  members: readonly MemberMailFacts[],
  groups: readonly GroupMailFacts[],
  opts: MailOptions,
): DesiredMail {
  const out: DesiredMail = { mailboxes: [], aliases: [], problems: [] };
  const named = new Map<number, string>();
  for (const m of members) {
    if (!m.active) continue;
    const a = memberAddresses(m, opts.domain, opts.pseudonymPattern);
    if (a.named) named.set(m.id, a.named);
    const primary = a.named ?? a.pseudonymous;
    if (!primary) continue;
    const forward = m.forwardToPrivate && m.privateEmail !== null;
    if (!m.hasPassword && !forward) continue; // nothing could receive the mail
    const alias = (source: string, destination: string) =>
      out.aliases.push({ source, destination, origin: 'member', memberId: m.id, groupId: null });
    if (m.hasPassword) {
      out.mailboxes.push({
        memberId: m.id,
        address: primary,
        login: m.username,
        maildir: `${opts.domain}/${m.username}/`,
      });
    }
    if (forward && m.privateEmail) {
      alias(primary, m.privateEmail);
      if (m.hasPassword && m.keepCopy) alias(primary, primary);
    }
    if (a.named && a.pseudonymous) alias(a.pseudonymous, primary);
    if (a.named) for (const former of m.formerUsernames) alias(`${former}@${opts.domain}`, primary);
  }
  const byId = new Map(members.map((m) => [m.id, m]));
  for (const g of groups) {
    let count = 0;
    for (const id of g.memberIds) {
      const m = byId.get(id);
      if (!m?.active) continue;
      const destination = named.get(id) ?? m.privateEmail;
      if (!destination) continue;
      out.aliases.push({ source: g.mailAddress, destination, origin: 'group', memberId: null, groupId: g.id });
      count++;
    }
    if (count === 0) {
      out.problems.push({
        subject: `group:${g.slug}`,
        message: `${g.mailAddress} has no active member with an address: mail to it bounces`,
      });
    }
  }
  return out;
}

const DAY_MS = 86_400_000;

export function planMail(
  desired: DesiredMail,
  actual: ActualMail,
  members: ReadonlyMap<number, Pick<MemberMailFacts, 'active' | 'erased'>>,
  now: Date,
  graceDays: number,
): MailPlan {
  const problems = [...desired.problems];
  const actions: MailAction[] = [];
  const receiveUntil = new Date(now.getTime() + graceDays * DAY_MS);
  const past = (d: Date | null) => d !== null && d.getTime() <= now.getTime();

  // Whose is each address? Manual rows first, then the lowest member id; the others are refused.
  const owner = new Map<string, string>();
  for (const a of actual.manualAddresses) owner.set(a, 'manual');
  const refused = new Set<number>();
  const claim = (address: string, who: string, memberId: number | null) => {
    const held = owner.get(address);
    if (held === undefined) {
      owner.set(address, who);
      return;
    }
    if (held === who) return;
    if (memberId !== null) refused.add(memberId);
    problems.push({
      subject: who,
      message: `${address} is already ${held === 'manual' ? 'a manual mailbox or alias' : `the address of ${held}`}: not given to ${who}`,
    });
  };
  const sorted = [...desired.mailboxes].sort((a, b) => a.memberId - b.memberId);
  for (const b of sorted) claim(b.address, `member:${b.memberId}`, b.memberId);
  for (const a of desired.aliases) {
    if (a.origin === 'member' && a.source !== a.destination) claim(a.source, `member:${a.memberId}`, a.memberId);
    if (a.origin === 'group') claim(a.source, `group:${a.groupId}`, null);
  }
  // An ended mailbox of someone else still receives during its grace period: its address is taken.
  for (const b of actual.mailboxes) {
    if (b.endedAt && !past(b.receiveUntil)) {
      const mine = desired.mailboxes.find((d) => d.address === b.address);
      if (mine && mine.memberId !== b.memberId) {
        refused.add(mine.memberId);
        problems.push({
          subject: `member:${mine.memberId}`,
          message: `${b.address} still receives for member ${b.memberId} until ${b.receiveUntil?.toISOString() ?? '?'}`,
        });
      }
    }
  }
  const groupRefused = new Set(
    desired.aliases
      .filter((a) => a.origin === 'group' && owner.get(a.source) !== `group:${a.groupId}`)
      .map((a) => a.groupId),
  );
  const wantedBoxes = sorted.filter((b) => !refused.has(b.memberId));
  const wantedAliases = desired.aliases.filter((a) =>
    a.origin === 'member' ? !refused.has(a.memberId ?? -1) : !groupRefused.has(a.groupId),
  );

  // Mailboxes, by member.
  const actualBoxes = new Map(actual.mailboxes.map((b) => [b.memberId, b]));
  const wantedIds = new Set<number>();
  for (const want of wantedBoxes) {
    wantedIds.add(want.memberId);
    const have = actualBoxes.get(want.memberId);
    if (!have) {
      actions.push({ kind: 'create-mailbox', mailbox: want });
      continue;
    }
    if (have.endedAt) actions.push({ kind: 'revive-mailbox', id: have.id, memberId: have.memberId });
    if (have.address !== want.address || have.login !== want.login) {
      actions.push({
        kind: 'update-mailbox',
        id: have.id,
        memberId: have.memberId,
        address: want.address,
        login: want.login,
      });
    }
  }
  for (const have of actual.mailboxes) {
    if (wantedIds.has(have.memberId) || refused.has(have.memberId)) continue;
    const member = members.get(have.memberId);
    if (member && !member.active) {
      // No longer active: no login at once (the view), mail accepted through the grace period.
      if (!have.endedAt) actions.push({ kind: 'end-mailbox', id: have.id, memberId: have.memberId, receiveUntil });
      else if (past(have.receiveUntil)) actions.push({ kind: 'delete-mailbox', id: have.id, memberId: have.memberId });
    } else {
      actions.push({ kind: 'delete-mailbox', id: have.id, memberId: have.memberId }); // no longer chosen
    }
  }

  // Aliases, by source and destination.
  const key = (source: string, destination: string) => `${source}\n${destination}`;
  const actualAliases = new Map(actual.aliases.map((a) => [key(a.source, a.destination), a]));
  const wantedKeys = new Set<string>();
  for (const want of wantedAliases) {
    const k = key(want.source, want.destination);
    if (wantedKeys.has(k)) continue;
    wantedKeys.add(k);
    const have = actualAliases.get(k);
    if (!have) actions.push({ kind: 'create-alias', alias: want });
    else if (have.receiveUntil)
      actions.push({ kind: 'revive-alias', id: have.id, source: have.source, destination: have.destination });
  }
  for (const have of actual.aliases) {
    if (wantedKeys.has(key(have.source, have.destination))) continue;
    if (have.origin === 'member' && refused.has(have.memberId ?? -1)) continue;
    const member = have.memberId === null ? undefined : members.get(have.memberId);
    const ref = { id: have.id, source: have.source, destination: have.destination };
    // A departed member's forwarding runs out with the grace period; an erased member's private
    // address is personal data and goes at once.
    if (have.origin === 'member' && member && !member.active && !member.erased) {
      if (!have.receiveUntil) actions.push({ kind: 'end-alias', ...ref, receiveUntil });
      else if (past(have.receiveUntil)) actions.push({ kind: 'delete-alias', ...ref });
    } else {
      actions.push({ kind: 'delete-alias', ...ref });
    }
  }
  return { actions, problems };
}
