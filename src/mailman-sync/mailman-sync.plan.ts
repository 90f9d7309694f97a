import type { SyncPlan, SyncProblem } from '../sync/sync.target.js';
import type { ListMember } from './mailman.client.js';

// Pure: from who should be on each list and who is, the actions that make the rosters right.

export interface DesiredSubscriber {
  email: string; // lower case
  displayName: string;
  memberId: number;
}

export interface DesiredList {
  id: number; // our mailing_list.id
  address: string; // fqdn_listname
  exclusive: boolean;
  subscribers: DesiredSubscriber[];
  // Addresses allmende subscribed or adopted earlier (mailing_list_subscription).
  managed: string[];
}

export interface MailmanDesired {
  lists: DesiredList[];
  // Members a list should have but who have no address to subscribe.
  problems: SyncProblem[];
}

// Per list address: its roster, null when Mailman has no such list, or the error reading it.
// fromCache: the rosters are what this instance last read and changed, not read afresh (a run
// on a change): another instance's or a person's changes may be missing from them.
export interface MailmanActual {
  rosters: Map<string, ListMember[] | null | { error: string }>;
  fromCache: boolean;
}

export type MailmanAction =
  | {
      kind: 'subscribe';
      item: string;
      listId: number;
      list: string;
      email: string;
      displayName: string;
      memberId: number;
    }
  | { kind: 'unsubscribe'; item: string; listId: number; list: string; email: string; mailmanMemberId: string }
  | { kind: 'rename'; item: string; list: string; email: string; displayName: string }
  // Bookkeeping only: a member's address found on the list becomes allmende's to manage …
  | { kind: 'adopt'; item: string; listId: number; list: string; email: string; memberId: number }
  // … and one that left the list by other means is no longer.
  | { kind: 'forget'; item: string; listId: number; list: string; email: string };

export function planMailman(desired: MailmanDesired, actual: MailmanActual): SyncPlan<MailmanAction> {
  const actions: MailmanAction[] = [];
  const problems: SyncProblem[] = [...desired.problems];
  for (const list of desired.lists) {
    const roster = actual.rosters.get(list.address);
    if (roster === undefined || roster === null) {
      problems.push({ item: list.address, message: `list ${list.address} does not exist in Mailman; create it there` });
      continue;
    }
    if ('error' in roster) {
      problems.push({ item: list.address, message: `cannot read the roster of ${list.address}: ${roster.error}` });
      continue;
    }
    const onList = new Map(roster.map((m) => [m.email.toLowerCase(), m]));
    const want = new Map(list.subscribers.map((s) => [s.email, s]));
    const managed = new Set(list.managed);
    const item = (email: string) => `${list.address}: ${email}`;
    for (const s of want.values()) {
      const there = onList.get(s.email);
      if (!there) {
        actions.push({ kind: 'subscribe', item: item(s.email), listId: list.id, list: list.address, ...s });
        continue;
      }
      if (!managed.has(s.email)) {
        actions.push({
          kind: 'adopt',
          item: item(s.email),
          listId: list.id,
          list: list.address,
          email: s.email,
          memberId: s.memberId,
        });
      }
      if (there.displayName !== s.displayName) {
        actions.push({
          kind: 'rename',
          item: item(s.email),
          list: list.address,
          email: s.email,
          displayName: s.displayName,
        });
      }
    }
    for (const [email, m] of onList) {
      if (want.has(email)) continue;
      // Someone the board added by hand stays, unless allmende owns the whole list.
      if (list.exclusive || managed.has(email)) {
        actions.push({
          kind: 'unsubscribe',
          item: item(email),
          listId: list.id,
          list: list.address,
          email,
          mailmanMemberId: m.memberId,
        });
      }
    }
    for (const email of managed) {
      if (!onList.has(email) && !want.has(email)) {
        // A cached roster may just not know the address yet: unsubscribe by address instead
        // (a no-op if it is gone), rather than forget one that is still there.
        if (actual.fromCache) {
          actions.push({
            kind: 'unsubscribe',
            item: item(email),
            listId: list.id,
            list: list.address,
            email,
            mailmanMemberId: '',
          });
        } else {
          actions.push({ kind: 'forget', item: item(email), listId: list.id, list: list.address, email });
        }
      }
    }
  }
  return { actions, problems };
}

export function describeMailmanAction(a: MailmanAction): string {
  switch (a.kind) {
    case 'subscribe':
      return `subscribe ${a.displayName} <${a.email}> to ${a.list}`;
    case 'unsubscribe':
      return `unsubscribe ${a.email} from ${a.list}`;
    case 'rename':
      return `set the display name of ${a.email} to "${a.displayName}"`;
    case 'adopt':
      return `manage ${a.email} on ${a.list} (a member's address, subscribed by other means)`;
    case 'forget':
      return `stop managing ${a.email} on ${a.list} (no longer subscribed)`;
  }
}
