import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SyncEngine, TargetBusyError } from '../sync/sync-engine.service.js';
import {
  desiredMail,
  planMail,
  type ActualMail,
  type DesiredMail,
  type GroupMailFacts,
  type MailAction,
  type MailPlan,
  type MemberMailFacts,
} from './mail.plan.js';

const CHUNK = 500;
// Reconciles and the board's manual changes take this lock, so they never interleave.
export const MAIL_LOCK_SQL = `select pg_advisory_xact_lock(hashtext('allmende:mail'))`;

export interface MailDesiredState {
  desired: DesiredMail;
  members: ReadonlyMap<number, { active: boolean; erased: boolean }>;
}

export interface MailRun {
  trigger: string;
  startedAt: string;
  ms: number;
  counts: Record<string, number>;
  problems: MailPlan['problems'];
}

// Reads what the mail rows should be (members, groups) and what they are, and applies one planned
// action. The sync engine runs it as the target `mail` (see mail.target.ts): triggered within a
// second by member and group changes (PostgreSQL NOTIFY), on a cron for the grace periods, with
// its runs recorded. Logins and passwords need no run at all: the views read them live.
@Injectable()
export class MailReconciler {
  constructor(
    private readonly orm: MikroORM,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly engine: SyncEngine,
  ) {}

  // The dry run: what a run would do now.
  async plan(): Promise<MailPlan> {
    return this.planFrom(await this.readDesired(), await this.readActual());
  }

  // A run of the `mail` target now, recorded like every sync run. When a run is already under way
  // (triggered by the change that led here), this waits for it and runs once more after it.
  async run(label = 'manual'): Promise<MailRun> {
    const started = new Date();
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.engine.run('mail', 'manual');
        if (r.status === 'failed') throw new Error(`mail reconcile failed: ${r.error ?? 'unknown'}`);
        return {
          trigger: label,
          startedAt: started.toISOString(),
          ms: r.durationMs,
          counts: r.counts,
          problems: r.errors.map((e) => ({ subject: e.item, message: e.message })),
        };
      } catch (err) {
        if (!(err instanceof TargetBusyError) || attempt >= 100) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  // For the target: the members and groups, and from them what the rows should be.
  async readDesired(): Promise<MailDesiredState> {
    const em = this.orm.em.fork();
    const domain = this.config.mail.domain ?? 'invalid.invalid';
    const members = await this.members(em);
    const groups = await this.groups(em);
    return {
      desired: desiredMail(members, groups, { domain, pseudonymPattern: this.config.mail.pseudonymPattern }),
      members: new Map(members.map((m) => [m.id, { active: m.active, erased: m.erased }])),
    };
  }

  readActual(): Promise<ActualMail> {
    return this.actual(this.orm.em.fork());
  }

  planFrom(state: MailDesiredState, actual: ActualMail): MailPlan {
    return planMail(state.desired, actual, state.members, new Date(), this.config.mail.graceDays);
  }

  // One action, in its own transaction under the lock the board's manual changes take.
  async applyOne(action: MailAction): Promise<void> {
    const domain = this.config.mail.domain;
    if (!domain) throw new Error('ALLMENDE_MAIL_DOMAIN is not set');
    await this.orm.em.fork().transactional(async (em) => {
      await em.execute(MAIL_LOCK_SQL);
      const domainId = await this.ensureDomain(em, domain);
      await this.apply(em, [action], domainId);
    });
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
