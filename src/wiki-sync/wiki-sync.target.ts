import { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config/config.js';
import { memberAddresses } from '../members/member-addresses.js';
import type { SyncPlan, SyncTarget } from '../sync/sync.target.js';
import type { MediaWikiClient } from './mediawiki.client.js';
import { canonicalWikiName } from './wiki-user-name.js';
import {
  describeWikiAction,
  planWiki,
  type DesiredWikiMember,
  type WikiAction,
  type WikiActual,
  type WikiDesired,
} from './wiki-sync.plan.js';
import { WikiError } from './wiki-sync.errors.js';

interface MemberRow {
  id: number;
  state: string;
  display_name: string;
  username: string;
  member_number: string | null;
  private_email: string | null;
  wants_named_address: boolean;
  wants_pseudonymous_address: boolean;
  password_hash: string | null;
}

export const BLOCK_REASON = 'No longer an active member (allmende)';

// MediaWiki users follow the members with service access (state active and a password).
export class WikiSyncTarget implements SyncTarget<WikiDesired, WikiActual, WikiAction> {
  readonly name = 'mediawiki';
  readonly description = 'MediaWiki users (database)';
  readonly watches = ['member', 'group_membership'];
  readonly cron: string;
  readonly concurrency = 4;

  constructor(
    private readonly orm: MikroORM,
    private readonly client: MediaWikiClient,
    private readonly config: AppConfig,
    private readonly wiki: NonNullable<AppConfig['wiki']>,
  ) {
    this.cron = wiki.cron;
  }

  async desired(): Promise<WikiDesired> {
    const em = this.orm.em.fork();
    // Members with access, and those allmende made a wiki user for (to disable it).
    const members = await em.execute<MemberRow[]>(
      `select id, state, display_name, username, member_number, private_email, wants_named_address,
              wants_pseudonymous_address, password_hash
         from member m
        where (state = 'active' and password_hash is not null)
           or exists (select 1 from wiki_account w where w.member_id = m.id)`,
    );
    const accounts = await em.execute<{ member_id: number; wiki_user_id: number; wiki_name: string }[]>(
      `select member_id, wiki_user_id, wiki_name from wiki_account`,
    );
    const groupRows = await em.execute<{ member_id: number; slug: string }[]>(
      `select gm.member_id, g.slug from group_membership gm join member_group g on g.id = gm.group_id`,
    );
    const slugs = new Map<number, Set<string>>();
    for (const r of groupRows) {
      let set = slugs.get(r.member_id);
      if (!set) slugs.set(r.member_id, (set = new Set()));
      set.add(r.slug);
    }
    const out: DesiredWikiMember[] = members.map((m) => {
      const access = m.state === 'active' && m.password_hash !== null;
      const mine = slugs.get(m.id) ?? new Set<string>();
      const addr = memberAddresses(
        {
          username: m.username,
          memberNumber: m.member_number,
          privateEmail: m.private_email,
          wantsNamedAddress: m.wants_named_address,
          wantsPseudonymousAddress: m.wants_pseudonymous_address,
        },
        this.config.mail.domain,
        this.config.mail.pseudonymPattern,
      );
      return {
        memberId: m.id,
        access,
        name: canonicalWikiName(this.wiki.userName === 'username' ? m.username : m.display_name),
        realName: m.display_name,
        email: addr.preferred ?? '',
        password: access && m.password_hash ? `:argon2:${m.password_hash}` : '',
        groups: [...new Set(this.wiki.groups.filter(([slug]) => mine.has(slug)).map(([, g]) => g))],
      };
    });
    return {
      members: out,
      accounts: accounts.map((a) => ({ memberId: a.member_id, wikiUserId: a.wiki_user_id, wikiName: a.wiki_name })),
      managedGroups: [...new Set(this.wiki.groups.map(([, g]) => g))],
    };
  }

  // MariaDB reads 10,000 users in well under a second: always afresh.
  async actual(desired: WikiDesired): Promise<WikiActual> {
    const linked = new Set(desired.accounts.map((a) => a.memberId));
    const names = desired.members.flatMap((m) =>
      m.access && !linked.has(m.memberId) && m.name.ok ? [m.name.name] : [],
    );
    const byId = await this.client.usersById(desired.accounts.map((a) => a.wikiUserId));
    const byName = await this.client.usersByName(names);
    return { byId: new Map(byId.map((u) => [u.id, u])), byName: new Map(byName.map((u) => [u.name, u])) };
  }

  plan(desired: WikiDesired, actual: WikiActual): SyncPlan<WikiAction> {
    return planWiki(desired, actual);
  }

  async apply(a: WikiAction): Promise<void> {
    switch (a.kind) {
      case 'create': {
        const id = await this.client.createUser(a);
        await this.link(a.memberId, id, a.name);
        return;
      }
      case 'adopt':
        await this.link(a.memberId, a.wikiUserId, a.name);
        return;
      case 'update':
        await this.client.updateProfile(a.wikiUserId, a.realName, a.email);
        return;
      case 'password':
        await this.client.setPassword(a.wikiUserId, a.password);
        return;
      case 'groups':
        await this.client.setGroups(a.wikiUserId, a.add, a.remove);
        return;
      case 'unblock':
        await this.client.unblock(a.wikiUserId);
        return;
      case 'disable':
        await this.client.setPassword(a.wikiUserId, '');
        await this.client.updateProfile(a.wikiUserId, '', '');
        if (a.removeGroups.length > 0) await this.client.setGroups(a.wikiUserId, [], a.removeGroups);
        if (a.block) await this.client.block(a.wikiUserId, a.name, BLOCK_REASON);
        return;
    }
  }

  describe(a: WikiAction): string {
    return describeWikiAction(a);
  }

  isTargetDown(err: unknown): boolean {
    return err instanceof WikiError && err.targetDown;
  }

  private async link(memberId: number, wikiUserId: number, name: string): Promise<void> {
    await this.orm.em.fork().execute(
      `insert into wiki_account (member_id, wiki_user_id, wiki_name, created_at) values (?, ?, ?, now())
         on conflict (member_id) do update set wiki_user_id = excluded.wiki_user_id, wiki_name = excluded.wiki_name`,
      [memberId, wikiUserId, name],
    );
  }
}
