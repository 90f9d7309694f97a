import { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config/config.js';
import { memberAddresses } from '../members/member-addresses.js';
import type { SyncPlan, SyncProblem, SyncTarget } from '../sync/sync.target.js';
import type { ListSource, ListAddress } from './entities/mailing-list.entity.js';
import type { ListMember, MailmanClient } from './mailman.client.js';
import type { SyncTrigger } from '../sync/entities/sync-run.entity.js';
import {
  describeMailmanAction,
  planMailman,
  type DesiredList,
  type MailmanAction,
  type MailmanActual,
  type MailmanDesired,
} from './mailman-sync.plan.js';
import { MailmanError } from './mailman-sync.errors.js';

// How old a cached roster may be for a run on a change; the cron's full run reads afresh anyway.
const ROSTER_CACHE_MS = 10 * 60_000;

interface MemberRow {
  id: number;
  display_name: string;
  username: string;
  member_number: string | null;
  private_email: string | null;
  wants_named_address: boolean;
  wants_pseudonymous_address: boolean;
}

interface ListRow {
  id: number;
  address: string;
  source: ListSource;
  group_id: number | null;
  status_code: string | null;
  address_kind: ListAddress;
  exclusive: boolean;
}

// Mailman rosters follow the configured lists: active members of the list's source, subscribed
// with their preferred (or private) address. See mailman-sync.plan.ts for the rules.
export class MailmanSyncTarget implements SyncTarget<MailmanDesired, MailmanActual, MailmanAction> {
  readonly name = 'mailman';
  readonly description = 'Mailman 3 list rosters';
  readonly watches = ['member', 'group_membership', 'membership_period', 'mailing_list', 'mailing_list_opt_in'];
  readonly cron: string;
  // Mailman's REST server handles a few requests at once; more only queue there.
  readonly concurrency = 4;

  // Mailman makes an address on its first subscription; the same new address subscribed to two
  // lists at once collides there (a unique constraint in Mailman's database, answered as a 400).
  serialKey(a: MailmanAction): string {
    return a.email.toLowerCase();
  }
  // The rosters as last read and changed by this instance (see actual()).
  private readonly cache = new Map<string, { at: number; members: Map<string, ListMember> }>();

  constructor(
    private readonly orm: MikroORM,
    private readonly client: MailmanClient,
    private readonly config: AppConfig,
    cron: string,
  ) {
    this.cron = cron;
  }

  async desired(): Promise<MailmanDesired> {
    const em = this.orm.em.fork();
    const lists = await em.execute<ListRow[]>(
      `select id, address, source, group_id, status_code, address_kind, exclusive from mailing_list order by address`,
    );
    if (lists.length === 0) return { lists: [], problems: [] };
    // Only active members are on lists; each source narrows them down.
    const members = await em.execute<MemberRow[]>(
      `select id, display_name, username, member_number, private_email, wants_named_address, wants_pseudonymous_address
         from member where state = 'active'`,
    );
    const groups = await em.execute<{ group_id: number; member_id: number }[]>(
      `select group_id, member_id from group_membership`,
    );
    const statuses = await em.execute<{ status_code: string; member_id: number }[]>(
      `select status_code, member_id from membership_period
        where "begin" <= current_date and ("end" is null or "end" >= current_date)`,
    );
    const optIns = await em.execute<{ list_id: number; member_id: number }[]>(
      `select list_id, member_id from mailing_list_opt_in`,
    );
    const managed = await em.execute<{ list_id: number; email: string }[]>(
      `select list_id, email from mailing_list_subscription`,
    );
    const idsBy = <K>(rows: { member_id: number }[], key: (r: never) => K) => {
      const map = new Map<K, Set<number>>();
      for (const r of rows) {
        const k = key(r as never);
        let set = map.get(k);
        if (!set) map.set(k, (set = new Set()));
        set.add(r.member_id);
      }
      return map;
    };
    const byGroup = idsBy(groups, (r: { group_id: number }) => r.group_id);
    const byStatus = idsBy(statuses, (r: { status_code: string }) => r.status_code);
    const byOptIn = idsBy(optIns, (r: { list_id: number }) => r.list_id);
    const managedBy = new Map<number, string[]>();
    for (const m of managed) managedBy.set(m.list_id, [...(managedBy.get(m.list_id) ?? []), m.email]);

    const problems: SyncProblem[] = [];
    const out: DesiredList[] = lists.map((l) => {
      const ids =
        l.source === 'active'
          ? null
          : l.source === 'group'
            ? byGroup.get(l.group_id ?? -1)
            : l.source === 'status'
              ? byStatus.get(l.status_code ?? '')
              : byOptIn.get(l.id);
      const subscribers = new Map<string, DesiredList['subscribers'][number]>();
      for (const m of members) {
        if (ids !== null && !ids?.has(m.id)) continue;
        const email = this.addressOf(m, l.address_kind);
        if (!email) {
          problems.push({
            item: `${l.address}: member ${m.id}`,
            message: `${m.display_name} has no address to subscribe`,
          });
          continue;
        }
        subscribers.set(email, { email, displayName: m.display_name, memberId: m.id });
      }
      return {
        id: l.id,
        address: l.address,
        exclusive: l.exclusive,
        subscribers: [...subscribers.values()],
        managed: managedBy.get(l.id) ?? [],
      };
    });
    return { lists: out, problems };
  }

  // Reading a roster costs Mailman ~0.3 s per 1,000 members, so a run for a change (which must
  // land within seconds) starts from the rosters this instance read and changed last, if they are
  // fresh enough. What that misses (another instance's or a person's change) is harmless for the
  // actions (subscribe and unsubscribe are idempotent) and the next full run catches it.
  async actual(desired: MailmanDesired, run: { trigger: SyncTrigger }): Promise<MailmanActual> {
    const rosters: MailmanActual['rosters'] = new Map();
    const fresh = Date.now() - ROSTER_CACHE_MS;
    const cached = run.trigger === 'change' && desired.lists.every((l) => (this.cache.get(l.address)?.at ?? 0) > fresh);
    for (const list of desired.lists) {
      const hit = cached ? this.cache.get(list.address) : undefined;
      if (hit) {
        rosters.set(list.address, [...hit.members.values()]);
        continue;
      }
      try {
        const roster = await this.client.roster(list.address);
        rosters.set(list.address, roster);
        if (roster) this.cache.set(list.address, { at: Date.now(), members: new Map(roster.map((m) => [m.email, m])) });
        else this.cache.delete(list.address);
      } catch (err) {
        this.cache.delete(list.address);
        // Mailman down or refusing us: the whole run fails. Anything else concerns this list.
        if (this.isTargetDown(err)) throw err;
        rosters.set(list.address, { error: err instanceof Error ? err.message : String(err) });
      }
    }
    return { rosters, fromCache: cached };
  }

  plan(desired: MailmanDesired, actual: MailmanActual): SyncPlan<MailmanAction> {
    return planMailman(desired, actual);
  }

  async apply(a: MailmanAction): Promise<void> {
    const em = this.orm.em.fork();
    switch (a.kind) {
      case 'subscribe': {
        const id = await this.client.subscribe(a.list, a.email, a.displayName);
        this.cache
          .get(a.list)
          ?.members.set(a.email, { email: a.email, displayName: a.displayName, memberId: id ?? '' });
        await this.remember(a.listId, a.email, a.memberId);
        return;
      }
      case 'adopt':
        await this.remember(a.listId, a.email, a.memberId);
        return;
      case 'unsubscribe':
        await this.client.unsubscribe(a.list, a.email, a.mailmanMemberId || undefined);
        this.cache.get(a.list)?.members.delete(a.email);
        await em.execute(`delete from mailing_list_subscription where list_id = ? and email = ?`, [a.listId, a.email]);
        return;
      case 'forget':
        await em.execute(`delete from mailing_list_subscription where list_id = ? and email = ?`, [a.listId, a.email]);
        return;
      case 'rename':
        await this.client.setDisplayName(a.email, a.displayName);
        for (const c of this.cache.values()) {
          const m = c.members.get(a.email);
          if (m) m.displayName = a.displayName;
        }
        return;
    }
  }

  describe(a: MailmanAction): string {
    return describeMailmanAction(a);
  }

  isTargetDown(err: unknown): boolean {
    return err instanceof MailmanError && err.targetDown;
  }

  private addressOf(m: MemberRow, kind: ListAddress): string | null {
    const email =
      kind === 'private'
        ? m.private_email
        : memberAddresses(
            {
              username: m.username,
              memberNumber: m.member_number,
              privateEmail: m.private_email,
              wantsNamedAddress: m.wants_named_address,
              wantsPseudonymousAddress: m.wants_pseudonymous_address,
            },
            this.config.mail.domain,
            this.config.mail.pseudonymPattern,
          ).preferred;
    return email ? email.toLowerCase() : null;
  }

  private async remember(listId: number, email: string, memberId: number): Promise<void> {
    await this.orm.em.fork().execute(
      `insert into mailing_list_subscription (list_id, email, member_id, created_at) values (?, ?, ?, now())
         on conflict (list_id, email) do update set member_id = excluded.member_id`,
      [listId, email, memberId],
    );
  }
}
