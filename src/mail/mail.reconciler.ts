import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { LOGGER, RUN_WORKERS } from '../core/tokens.js';
import {
  desiredMail,
  planMail,
  type ActualMail,
  type GroupMailFacts,
  type MailAction,
  type MailPlan,
  type MemberMailFacts,
} from './mail.plan.js';

const WATCH_MS = 2000;
const CHUNK = 500;
// Reconciles and the board's manual changes take this lock, so they never interleave.
export const MAIL_LOCK_SQL = `select pg_advisory_xact_lock(hashtext('allmende:mail'))`;

export interface MailRun {
  trigger: string;
  startedAt: string;
  ms: number;
  counts: Partial<Record<MailAction['kind'], number>>;
  problems: MailPlan['problems'];
}

// Keeps the derived mail rows in line with the member store: desired (members, groups) → actual
// (the mail tables) → a pure plan → apply, in one transaction under an advisory lock. Manual rows
// are never touched. A cheap fingerprint of the member store is polled every 2 s, so a change
// reaches the mail tables within seconds on any instance; logins and passwords need no run at all
// (the views read them live).
@Injectable()
export class MailReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private fingerprint: string | undefined;
  private readonly log: Logger;

  constructor(
    private readonly orm: MikroORM,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) log: Logger,
    @Inject(RUN_WORKERS) private readonly enabled: boolean,
  ) {
    this.log = log.child({ component: 'mail' });
  }

  onApplicationBootstrap(): void {
    if (!this.enabled || !this.config.mail.domain) return;
    this.timer = setInterval(() => void this.watch(), WATCH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
  }

  // The dry run: what a run would do now.
  async plan(): Promise<MailPlan> {
    return this.orm.em.fork().transactional(async (em) => (await this.compute(em)).plan);
  }

  run(trigger = 'manual'): Promise<MailRun> {
    const next = this.chain.then(() => this.runNow(trigger));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async watch(): Promise<void> {
    try {
      const fp = await this.currentFingerprint();
      if (fp === this.fingerprint) return;
      const run = await this.run(this.fingerprint === undefined ? 'start' : 'change');
      this.fingerprint = fp;
      if (Object.keys(run.counts).length > 0) this.log.info({ counts: run.counts, ms: run.ms }, 'mail: reconciled');
    } catch (err) {
      this.log.warn({ err }, 'mail: reconcile failed; retrying in a few seconds');
    }
  }

  // Changes whenever a member, a group membership, a team address or a username changes.
  private async currentFingerprint(): Promise<string> {
    const [row] = await this.orm.em.fork().execute<{ fp: string }[]>(
      `select concat_ws('|',
         (select max(updated_at)::text || count(*) from member),
         (select count(*) || ':' || coalesce(sum(member_id * 31 + group_id), 0) from group_membership),
         (select md5(coalesce(string_agg(id || '=' || mail_address, ',' order by id), '')) from member_group where mail_address is not null),
         (select count(*) from used_username),
         (select count(*) || ':' || coalesce(max(updated_at)::text, '') from mailbox),
         (select count(*) || ':' || coalesce(max(id), 0) from mail_alias),
         (select min(receive_until)::text from mail_alias where receive_until is not null),
         date_trunc('hour', now())::text) as fp`,
    );
    return row?.fp ?? '';
  }

  private async runNow(trigger: string): Promise<MailRun> {
    const domain = this.config.mail.domain;
    const started = performance.now();
    const startedAt = new Date().toISOString();
    if (!domain)
      return {
        trigger,
        startedAt,
        ms: 0,
        counts: {},
        problems: [{ subject: 'config', message: 'ALLMENDE_MAIL_DOMAIN is not set: no member addresses' }],
      };
    return this.orm.em.fork().transactional(async (em) => {
      await em.execute(MAIL_LOCK_SQL);
      const domainId = await this.ensureDomain(em, domain);
      const { plan } = await this.compute(em);
      const counts: MailRun['counts'] = {};
      for (const a of plan.actions) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
      await this.apply(em, plan.actions, domainId);
      const run = { trigger, startedAt, ms: performance.now() - started, counts, problems: plan.problems };
      for (const p of plan.problems) this.log.warn({ subject: p.subject }, `mail: ${p.message}`);
      return run;
    });
  }

  private async compute(em: EntityManager): Promise<{ plan: MailPlan }> {
    const domain = this.config.mail.domain ?? 'invalid.invalid';
    const [members, groups, actual] = [await this.members(em), await this.groups(em), await this.actual(em)];
    const desired = desiredMail(members, groups, { domain, pseudonymPattern: this.config.mail.pseudonymPattern });
    const plan = planMail(
      desired,
      actual,
      new Map(members.map((m) => [m.id, m])),
      new Date(),
      this.config.mail.graceDays,
    );
    return { plan };
  }

  private async ensureDomain(em: EntityManager, name: string): Promise<number> {
    await em.execute(`insert into mail_domain (name, created_at) values (?, now()) on conflict (name) do nothing`, [
      name,
    ]);
    const [row] = await em.execute<{ id: number }[]>(`select id from mail_domain where name = ?`, [name]);
    if (!row) throw new Error(`mail domain ${name} could not be created`);
    return row.id;
  }

  private async members(em: EntityManager): Promise<MemberMailFacts[]> {
    const rows = await em.execute<
      {
        id: number;
        username: string;
        member_number: string | null;
        private_email: string | null;
        active: boolean;
        erased: boolean;
        has_password: boolean;
        wants_named_address: boolean;
        wants_pseudonymous_address: boolean;
        forward_to_private: boolean;
        keep_copy: boolean;
      }[]
    >(
      `select id, username, member_number, private_email, state = 'active' as active, erased_at is not null as erased,
              password_hash is not null as has_password, wants_named_address, wants_pseudonymous_address,
              forward_to_private, keep_copy
         from member`,
    );
    const former = new Map<number, string[]>();
    for (const u of await em.execute<{ member_id: number; username: string }[]>(
      `select member_id, username from used_username where member_id is not null`,
    )) {
      former.set(u.member_id, [...(former.get(u.member_id) ?? []), u.username]);
    }
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      memberNumber: r.member_number,
      privateEmail: r.private_email,
      active: r.active,
      erased: r.erased,
      hasPassword: r.has_password,
      wantsNamedAddress: r.wants_named_address,
      wantsPseudonymousAddress: r.wants_pseudonymous_address,
      forwardToPrivate: r.forward_to_private,
      keepCopy: r.keep_copy,
      formerUsernames: (former.get(r.id) ?? []).filter((u) => u !== r.username),
    }));
  }

  private async groups(em: EntityManager): Promise<GroupMailFacts[]> {
    const rows = await em.execute<{ id: number; slug: string; mail_address: string; member_ids: number[] }[]>(
      `select g.id, g.slug, g.mail_address,
              coalesce(array_agg(gm.member_id order by gm.member_id) filter (where gm.member_id is not null), '{}') as member_ids
         from member_group g left join group_membership gm on gm.group_id = g.id
        where g.mail_address is not null group by g.id order by g.id`,
    );
    return rows.map((r) => ({ id: r.id, slug: r.slug, mailAddress: r.mail_address, memberIds: r.member_ids }));
  }

  private async actual(em: EntityManager): Promise<ActualMail> {
    const boxes = await em.execute<
      {
        id: number;
        member_id: number;
        address: string;
        login: string;
        ended_at: Date | null;
        receive_until: Date | string | null;
      }[]
    >(`select id, member_id, address, login, ended_at, receive_until from mailbox where origin = 'member'`);
    const aliases = await em.execute<
      {
        id: number;
        source: string;
        destination: string;
        origin: 'member' | 'group';
        member_id: number | null;
        group_id: number | null;
        receive_until: Date | string | null;
      }[]
    >(
      `select id, source, destination, origin, member_id, group_id, receive_until from mail_alias where origin <> 'manual'`,
    );
    const manual = await em.execute<{ address: string }[]>(
      `select address from mailbox where origin = 'manual' union select source from mail_alias where origin = 'manual'`,
    );
    return {
      mailboxes: boxes.map((b) => ({
        id: b.id,
        memberId: b.member_id,
        address: b.address,
        login: b.login,
        endedAt: toDate(b.ended_at),
        receiveUntil: toDate(b.receive_until),
      })),
      aliases: aliases.map((a) => ({
        id: a.id,
        source: a.source,
        destination: a.destination,
        origin: a.origin,
        memberId: a.member_id,
        groupId: a.group_id,
        receiveUntil: toDate(a.receive_until),
      })),
      manualAddresses: new Set(manual.map((m) => m.address)),
    };
  }

  private async apply(em: EntityManager, actions: readonly MailAction[], domainId: number): Promise<void> {
    // Deletions and updates first, so an address freed in this run can be given in it.
    const order: MailAction['kind'][] = [
      'delete-alias',
      'delete-mailbox',
      'end-alias',
      'end-mailbox',
      'update-mailbox',
      'revive-mailbox',
      'revive-alias',
      'create-mailbox',
      'create-alias',
    ];
    const sorted = [...actions].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
    const boxes: MailAction[] = [];
    const aliases: MailAction[] = [];
    for (const a of sorted) {
      switch (a.kind) {
        case 'delete-alias':
          await em.execute(`delete from mail_alias where id = ?`, [a.id]);
          break;
        case 'delete-mailbox':
          await em.execute(`delete from mailbox where id = ?`, [a.id]);
          break;
        case 'end-alias':
          await em.execute(`update mail_alias set receive_until = ? where id = ?`, [a.receiveUntil, a.id]);
          break;
        case 'end-mailbox':
          await em.execute(`update mailbox set ended_at = now(), receive_until = ?, updated_at = now() where id = ?`, [
            a.receiveUntil,
            a.id,
          ]);
          break;
        case 'update-mailbox':
          await em.execute(`update mailbox set address = ?, login = ?, updated_at = now() where id = ?`, [
            a.address,
            a.login,
            a.id,
          ]);
          break;
        case 'revive-mailbox':
          await em.execute(
            `update mailbox set ended_at = null, receive_until = null, updated_at = now() where id = ?`,
            [a.id],
          );
          break;
        case 'revive-alias':
          await em.execute(`update mail_alias set receive_until = null where id = ?`, [a.id]);
          break;
        case 'create-mailbox':
          boxes.push(a);
          break;
        case 'create-alias':
          aliases.push(a);
          break;
      }
    }
    for (let i = 0; i < boxes.length; i += CHUNK) {
      const chunk = boxes.slice(i, i + CHUNK).flatMap((a) => (a.kind === 'create-mailbox' ? [a.mailbox] : []));
      await em.execute(
        `insert into mailbox (address, domain_id, origin, member_id, login, maildir, created_at, updated_at) values ${chunk
          .map(() => `(?, ?, 'member', ?, ?, ?, now(), now())`)
          .join(', ')}`,
        chunk.flatMap((b) => [b.address, domainId, b.memberId, b.login, b.maildir]),
      );
    }
    for (let i = 0; i < aliases.length; i += CHUNK) {
      const chunk = aliases.slice(i, i + CHUNK).flatMap((a) => (a.kind === 'create-alias' ? [a.alias] : []));
      await em.execute(
        `insert into mail_alias (source, destination, origin, member_id, group_id, created_at) values ${chunk
          .map(() => `(?, ?, ?, ?, ?, now())`)
          .join(', ')}`,
        chunk.flatMap((a) => [a.source, a.destination, a.origin, a.memberId, a.groupId]),
      );
    }
  }
}

// Raw queries give timestamps as strings.
function toDate(v: Date | string | null): Date | null {
  return v === null ? null : new Date(v);
}
