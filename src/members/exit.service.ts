import { LockMode } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { systemActor, type Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { LOGGER, RUN_WORKERS } from '../core/tokens.js';
import { GroupMembership } from './entities/group-membership.entity.js';
import { LinkToken } from './entities/link-token.entity.js';
import { Member } from './entities/member.entity.js';
import { MembershipPeriod } from './entities/membership-period.entity.js';
import { Revision } from './entities/revision.entity.js';
import { GroupsService } from './groups.service.js';
import { today } from './membership-periods.js';

const CHECK_EVERY_MS = 15 * 60_000;

export interface UpcomingExit {
  id: number;
  username: string;
  displayName: string;
  state: string;
  exitOn: string;
}

// Exits: the board records one with a date; on that date this ends the member's service access
// and erases the personal data. The row stays as a tombstone: id, username (never given again,
// see used_username), and what the retention setting keeps (member number, membership periods).
@Injectable()
export class ExitService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private firstTimer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly groups: GroupsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) log: Logger,
    @Inject(RUN_WORKERS) private readonly enabled: boolean,
  ) {
    this.log = log.child({ component: 'exits' });
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const tick = () => {
      this.running = this.runDue().catch((err: unknown) => this.log.error({ err }, 'exit job failed; next try soon'));
    };
    // The first check soon after start; both timers end with the app (an app closed within these
    // 5 s must not query a database that is going away).
    this.firstTimer = setTimeout(tick, 5_000);
    this.firstTimer.unref();
    this.timer = setInterval(tick, CHECK_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.firstTimer);
    clearInterval(this.timer);
    await this.running;
  }

  async record(actor: Actor, memberId: number, on: string, reason?: string): Promise<UpcomingExit> {
    return this.orm.em.fork().transactional(async (em) => {
      const member = await this.live(em, memberId);
      if (member.state === 'left') {
        throw AppError.of('INVALID_STATE', {
          message: `${member.username} has left already`,
          key: 'member.exited',
          params: { username: member.username },
        });
      }
      await this.groups.assertNotLastAdmin(em, member);
      em.create(Revision, {
        member,
        kind: 'exit',
        changes: [{ field: 'exitOn', old: member.exitOn ?? null, new: on }],
        actorId: actor.memberId,
        actorLabel: actor.label,
        note: reason ?? null,
      });
      member.exitOn = on;
      this.audit.record(em, actor, 'member.exit.recorded', `member:${member.id}`, { on, reason });
      return upcoming(member);
    });
  }

  // Only before the date: on it the data is gone.
  async undo(actor: Actor, memberId: number): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const member = await this.live(em, memberId);
      const username = member.username;
      if (!member.exitOn) {
        const message = `no exit is recorded for ${username}`;
        throw AppError.of('INVALID_STATE', { message, key: 'member.noExit', params: { username } });
      }
      if (member.state === 'left' || member.exitOn <= today()) {
        throw AppError.of('INVALID_STATE', {
          message: `the exit of ${username} is due (${member.exitOn}); it cannot be undone`,
          key: 'member.exitDue',
          params: { username, on: member.exitOn },
        });
      }
      em.create(Revision, {
        member,
        kind: 'exit',
        changes: [{ field: 'exitOn', old: member.exitOn, new: null }],
        actorId: actor.memberId,
        actorLabel: actor.label,
      });
      this.audit.record(em, actor, 'member.exit.undone', `member:${member.id}`, { on: member.exitOn });
      member.exitOn = null;
    });
  }

  async upcoming(): Promise<UpcomingExit[]> {
    const rows = await this.orm.em
      .fork()
      .find(Member, { exitOn: { $ne: null }, erasedAt: null }, { orderBy: { exitOn: 'asc', id: 'asc' } });
    return rows.map(upcoming);
  }

  // Every exit due on `day` or before, one member per transaction. Safe with several instances:
  // each member row is locked and checked again.
  async runDue(day = today()): Promise<number[]> {
    const due = await this.orm.em
      .fork()
      .find(Member, { exitOn: { $lte: day }, erasedAt: null }, { fields: ['id'], orderBy: { id: 'asc' } });
    const done: number[] = [];
    for (const { id } of due) {
      try {
        if (await this.erase(id, day)) done.push(id);
      } catch (err) {
        this.log.error({ err, member: id }, 'exit: erasing a member failed; retried on the next run');
      }
    }
    if (done.length > 0) this.log.info({ members: done }, `exit: ended access and erased ${done.length} member(s)`);
    return done;
  }

  private async erase(id: number, day: string): Promise<boolean> {
    return this.orm.em.fork().transactional(async (em) => {
      const member = await em.findOne(Member, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!member || member.erasedAt || !member.exitOn || member.exitOn > day) return false;
      const actor = systemActor('exit job');
      const exitOn = member.exitOn;
      // First the access: state, sessions, tokens, groups (the sync targets follow the state).
      await em.execute(`update session set revoked_at = now() where member_id = ? and revoked_at is null`, [id]);
      await em.execute(`update api_token set revoked_at = now() where owner_id = ? and revoked_at is null`, [id]);
      await em.nativeDelete(GroupMembership, { member: id });
      await em.nativeDelete(LinkToken, { member: id });
      // Then the personal data. Revisions and queued mails hold names and addresses too.
      await em.nativeDelete(Revision, { member: id });
      await em.execute(`delete from outbox_mail where member_id = ?`, [id]);
      const keep = this.config.retention;
      if (keep.periods) {
        await em.execute(
          `update membership_period set "end" = greatest(begin, ?::date) where member_id = ? and "end" is null`,
          [exitOn, id],
        );
      } else {
        await em.nativeDelete(MembershipPeriod, { member: id });
      }
      em.assign(member, {
        state: 'left',
        firstName: '',
        lastName: '',
        displayName: '',
        privateEmail: null,
        passwordHash: null,
        language: null,
        profile: {},
        wantsNamedAddress: false,
        wantsPseudonymousAddress: false,
        forwardToPrivate: false,
        resetRequestedAt: null,
        memberNumber: keep.memberNumber ? (member.memberNumber ?? null) : null,
        erasedAt: new Date(),
      });
      em.create(Revision, {
        member,
        kind: 'erased',
        changes: [{ field: 'state', old: null, new: 'left' }],
        actorId: null,
        actorLabel: actor.label,
        note: `exit on ${exitOn}; personal data erased`,
      });
      this.audit.record(em, actor, 'member.erased', `member:${id}`, { username: member.username, exitOn });
      return true;
    });
  }

  private async live(em: EntityManager, id: number): Promise<Member> {
    const member = await em.findOne(Member, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!member || member.erasedAt) throw AppError.notFound('member');
    return member;
  }
}

function upcoming(m: Member): UpcomingExit {
  return { id: m.id, username: m.username, displayName: m.displayName, state: m.state, exitOn: m.exitOn ?? '' };
}
