import { EntityManager, MikroORM, OptimisticLockError } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { memberAddresses } from './member-addresses.js';
import { hasRole, type Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { offsetOf, type Page } from '../core/pagination.js';
import { CatalogService } from './catalog.service.js';
import { Member, type MemberState } from './entities/member.entity.js';
import { MembershipPeriod } from './entities/membership-period.entity.js';
import { Revision, type FieldChange } from './entities/revision.entity.js';
import { GroupsService } from './groups.service.js';
import { diffFields, followingDisplayName, profileKey, profileValues, splitChanges } from './member-changes.js';
import { countQuery, listQuery, type MemberFilter, type MemberRow } from './member-query.js';
import { canTransition, allowedTransitions } from './member-state.js';
import { toMemberView } from './member-row.js';
import { visibleTo, type MemberView, type PeriodView } from './member-view.js';
import { changeStatus, today } from './membership-periods.js';
import { duplicateError, fromUniqueViolation } from './members.errors.js';
import type { ListQuery, UpdateInput } from './members.schemas.js';

@Injectable()
export class MembersService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly catalog: CatalogService,
    private readonly groups: GroupsService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(actor: Actor, query: ListQuery): Promise<Page<MemberView>> {
    const em = this.orm.em.fork();
    const board = hasRole(actor, 'board');
    // Members see the active membership only, and search names, not addresses or numbers.
    const filter: MemberFilter = board
      ? {
          q: query.q,
          searchScope: 'all',
          states: query.state ? [query.state] : undefined,
          status: query.status,
          group: query.group,
        }
      : { q: query.q, searchScope: 'names', states: ['active'], group: query.group };
    // Page and count as two queries: a window count would make PostgreSQL read and sort every
    // matching row even for page 1 (measured: 10.7 ms vs 1.6 + 0.8 ms on 10k members).
    const q = listQuery(filter, query.pageSize, offsetOf(query));
    const c = countQuery(filter);
    const [rows, counted] = await Promise.all([
      em.execute<MemberRow[]>(q.sql, q.params),
      em.execute<{ total: number }[]>(c.sql, c.params),
    ]);
    const total = Number(counted[0]?.total ?? 0);
    const rules = board ? [] : await this.catalog.profileFields(em);
    const items = rows.map((r) => visibleTo(toMemberView(r), actor, rules));
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  async get(actor: Actor, id: number): Promise<MemberView> {
    const em = this.orm.em.fork();
    const view = await this.viewOf(em, id);
    if (!hasRole(actor, 'board') && actor.memberId !== id && view.state !== 'active') throw AppError.notFound('member');
    return visibleTo(view, actor, await this.catalog.profileFields(em));
  }

  async viewOf(em: EntityManager, id: number): Promise<MemberView> {
    const q = listQuery({ searchScope: 'all', ids: [id] }, 1, 0);
    const row = (await em.execute<MemberRow[]>(q.sql, q.params))[0];
    if (!row) throw AppError.notFound('member');
    return toMemberView(row);
  }

  async requireMember(em: EntityManager, id: number): Promise<Member> {
    const member = await em.findOne(Member, { id });
    if (!member) throw AppError.notFound('member');
    return member;
  }

  // The board changes at once; a member's own change to an approval field waits as a pending revision.
  async update(
    actor: Actor,
    id: number,
    input: UpdateInput,
  ): Promise<{ member: MemberView; pending: Revision | null }> {
    const bySelf = actor.memberId === id && !hasRole(actor, 'board');
    if (!bySelf && !hasRole(actor, 'board')) throw new AppError('FORBIDDEN', 'only the board may change other members');
    const { version, profile, ...fields } = input;
    try {
      const pending = await this.orm.em.fork().transactional(async (em) => {
        const member = await this.requireMember(em, id);
        if (version !== undefined && version !== member.version) {
          throw new AppError(
            'STALE_VERSION',
            `member was changed meanwhile (version ${member.version}, you sent ${version}); reload and retry`,
          );
        }
        // A member's own new address must first prove it works (POST /api/me/email).
        if (bySelf && fields.privateEmail !== undefined && fields.privateEmail !== (member.privateEmail ?? null)) {
          throw AppError.validation([
            {
              field: 'privateEmail',
              message: 'change it with POST /api/me/email: the new address gets a link to confirm',
              key: 'member.emailByLink',
            },
          ]);
        }
        const patch: Record<string, unknown> = { ...fields };
        const current: Record<string, unknown> = { ...member };
        const fieldRules = await this.catalog.profileFields(em);
        for (const [key, value] of Object.entries(profile ?? {})) {
          if (!fieldRules.some((f) => f.key === key && !f.builtin)) {
            const field = `profile.${key}`;
            throw AppError.validation([{ field, message: 'no such profile field', key: 'member.noProfileField' }]);
          }
          patch[`profile.${key}`] = value;
          current[`profile.${key}`] = profileValues(member.profile)[key] ?? null;
        }
        const split = splitChanges(diffFields(current, patch), bySelf, fieldRules);
        if (split.forbidden.length > 0) {
          throw new AppError('FORBIDDEN', `you may not change: ${split.forbidden.join(', ')}`, {
            fields: split.forbidden.map((field) => ({
              field,
              message: 'not editable by the member',
              key: 'member.notEditable' as const,
            })),
          });
        }
        await this.applyChanges(em, member, split.immediate);
        if (split.immediate.length > 0) {
          em.create(Revision, {
            member,
            kind: 'update',
            changes: split.immediate,
            actorId: actor.memberId,
            actorLabel: actor.label,
          });
        }
        let pendingRevision: Revision | null = null;
        if (split.pending.length > 0) {
          pendingRevision = em.create(Revision, {
            member,
            kind: 'update',
            state: 'pending',
            changes: split.pending,
            actorId: actor.memberId,
            actorLabel: actor.label,
          });
        }
        this.audit.record(em, actor, 'member.update', `member:${id}`, {
          fields: split.immediate.map((c) => c.field),
          pending: split.pending.map((c) => c.field),
        });
        return pendingRevision;
      });
      return { member: await this.get(actor, id), pending };
    } catch (err) {
      if (err instanceof OptimisticLockError)
        throw AppError.of('STALE_VERSION', {
          message: 'member was changed meanwhile; reload and retry',
          key: 'member.stale',
        });
      throw fromUniqueViolation(err, fields) ?? err;
    }
  }

  // Applies the changes; a changed name carries the display name along (recorded in `changes`).
  private async applyChanges(em: EntityManager, member: Member, changes: FieldChange[]): Promise<void> {
    const names: { firstName?: string; lastName?: string; displayName?: string } = {};
    for (const c of changes) {
      if (c.field === 'firstName' || c.field === 'lastName' || c.field === 'displayName')
        names[c.field] = c.new as string;
    }
    const follow = followingDisplayName(member, names);
    if (follow.displayName !== undefined && follow.displayName !== member.displayName) {
      changes.push({ field: 'displayName', old: member.displayName, new: follow.displayName });
    }
    for (const change of changes) {
      if (change.field === 'memberNumber' && change.new !== null) {
        if (await em.count(Member, { memberNumber: change.new as string, id: { $ne: member.id } })) {
          throw duplicateError('memberNumber', change.new);
        }
      }
      if (change.field === 'privateEmail' && change.new !== null) {
        if (await em.count(Member, { privateEmail: change.new as string, id: { $ne: member.id } })) {
          throw duplicateError('privateEmail', change.new);
        }
      }
      if (change.field.startsWith('profile.')) {
        const key = profileKey(change.field);
        const profile = profileValues(member.profile);
        if (change.new === null) delete profile[key];
        else profile[key] = change.new as string;
        member.profile = profile;
      } else {
        em.assign(member, { [change.field]: change.new });
      }
    }
  }

  async pendingApprovals(): Promise<Revision[]> {
    return this.orm.em
      .fork()
      .find(Revision, { state: 'pending' }, { orderBy: { createdAt: 'asc' }, populate: ['member'] });
  }

  // The active member with this username (the login name), for forms that name a member.
  async activeIdByUsername(username: string): Promise<number | null> {
    const member = await this.orm.em
      .fork()
      .findOne(Member, { username: username.trim().toLowerCase(), state: 'active' }, { fields: ['id'] });
    return member?.id ?? null;
  }

  // The login name of a member, for forms that show who is named (null when erased or unknown).
  async usernameOf(id: number): Promise<string | null> {
    const member = await this.orm.em.fork().findOne(Member, { id, erasedAt: null }, { fields: ['username'] });
    return member?.username ?? null;
  }

  // A member's own changes still waiting for the board, oldest first.
  async pendingOf(memberId: number): Promise<Revision[]> {
    return this.orm.em
      .fork()
      .find(Revision, { member: memberId, state: 'pending' }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async decide(actor: Actor, revisionId: number, approve: boolean, note?: string): Promise<Revision> {
    return this.orm.em.fork().transactional(async (em) => {
      const revision = await em.findOne(Revision, { id: revisionId }, { populate: ['member'] });
      if (!revision) throw AppError.notFound('revision');
      if (revision.state !== 'pending') {
        throw AppError.of('INVALID_STATE', {
          message: `revision is already ${revision.state}`,
          key: 'revision.decided',
          params: { state: revision.state },
        });
      }
      if (approve) {
        // The request was made against the values of its day; if someone changed a field since,
        // approving would silently overwrite that change.
        const current: Record<string, unknown> = { ...revision.member };
        for (const [key, value] of Object.entries(profileValues(revision.member.profile)))
          current[`profile.${key}`] = value;
        const moved = diffFields(current, Object.fromEntries(revision.changes.map((c) => [c.field, c.old])));
        if (moved.length > 0) {
          const what = moved.map((c) => `${c.field} is now ${JSON.stringify(c.old)}`).join(', ');
          throw AppError.of('INVALID_STATE', {
            message: `changed since the request (${what}); reject it and ask again`,
            key: 'revision.moved',
            params: { what },
          });
        }
        await this.applyChanges(em, revision.member, revision.changes);
      }
      em.assign(revision, {
        state: approve ? 'approved' : 'rejected',
        decidedById: actor.memberId,
        decidedAt: new Date(),
        note: note ?? null,
      });
      this.audit.record(em, actor, approve ? 'revision.approve' : 'revision.reject', `member:${revision.member.id}`, {
        revision: revision.id,
      });
      return revision;
    });
  }

  async changeStatus(actor: Actor, id: number, code: string, begin = today()): Promise<MemberView> {
    await this.orm.em.fork().transactional(async (em) => {
      const member = await this.requireMember(em, id);
      const status = await this.catalog.requireStatus(em, code);
      const periods = await em.find(MembershipPeriod, { member }, { orderBy: { begin: 'asc' } });
      const change = changeStatus(
        periods.map((p) => ({ id: p.id, status: p.status.code, begin: p.begin, end: p.end ?? null })),
        code,
        begin,
      );
      if (change.kind === 'error') {
        const params = { begin: change.current };
        throw AppError.validation([{ field: 'begin', message: change.message, key: 'status.beginsBefore', params }]);
      }
      if (change.kind === 'unchanged') return;
      const current = periods.find((p) => p.end === null || p.end === undefined);
      if (change.kind === 'replace' && change.replaceId !== undefined && current) em.remove(current);
      if (change.kind === 'replace' && change.closeEnd !== undefined && current) current.end = change.closeEnd;
      em.create(MembershipPeriod, { member, status, begin, end: null });
      em.create(Revision, {
        member,
        kind: 'status',
        changes: [{ field: 'status', old: current?.status.code ?? null, new: code }],
        actorId: actor.memberId,
        actorLabel: actor.label,
      });
      this.audit.record(em, actor, 'member.status', `member:${id}`, { status: code, begin });
    });
    return this.viewOf(this.orm.em.fork(), id);
  }

  async changeState(actor: Actor, id: number, state: MemberState, reason?: string): Promise<MemberView> {
    await this.orm.em.fork().transactional(async (em) => {
      const member = await this.requireMember(em, id);
      if (member.state === state) return;
      // Suspending or recording the exit of the last admin would lock everyone out.
      if (state === 'suspended' || state === 'left') await this.groups.assertNotLastAdmin(em, member);
      if (!canTransition(member.state, state)) {
        const allowed = allowedTransitions(member.state).join(', ') || 'none';
        throw AppError.of('INVALID_STATE', {
          message: `cannot go from ${member.state} to ${state} (allowed: ${allowed})`,
          key: 'member.transition',
          params: { from: member.state, to: state, allowed },
        });
      }
      em.create(Revision, {
        member,
        kind: 'state',
        changes: [{ field: 'state', old: member.state, new: state }],
        actorId: actor.memberId,
        actorLabel: actor.label,
        note: reason ?? null,
      });
      const before = member.state;
      member.state = state;
      if (state === 'active' && (before === 'invited' || before === 'registered')) this.activated(em, member);
      // Left at once: the exit job erases the personal data on its next run, as for a recorded exit.
      if (state === 'left' && (!member.exitOn || member.exitOn > today())) member.exitOn = today();
      this.audit.record(em, actor, 'member.state', `member:${id}`, { state, reason });
    });
    return this.viewOf(this.orm.em.fork(), id);
  }

  // The first activation: the member learns the login name and addresses (never a password).
  private activated(em: EntityManager, member: Member): void {
    member.activatedAt = new Date();
    if (!member.privateEmail) return;
    const addresses = memberAddresses(member, this.config.mail.domain, this.config.mail.pseudonymPattern);
    this.outbox.enqueue(em, {
      to: member.privateEmail,
      template: 'account-active',
      language: this.outbox.languageFor(member.language),
      data: {
        displayName: member.displayName,
        username: member.username,
        addresses: [addresses.named, addresses.pseudonymous].filter((a) => a !== null).join(', '),
      },
      memberId: member.id,
    });
  }

  async setGroup(actor: Actor, id: number, slug: string, present: boolean): Promise<MemberView> {
    await this.orm.em.fork().transactional(async (em) => {
      const member = await this.requireMember(em, id);
      if (present) await this.groups.addMember(em, actor, member, slug);
      else await this.groups.removeMember(em, actor, member, slug);
    });
    return this.viewOf(this.orm.em.fork(), id);
  }

  // A member's membership periods, oldest first, each with its status's label (the board's page).
  async periods(id: number): Promise<PeriodView[]> {
    const em = this.orm.em.fork();
    await this.requireMember(em, id);
    const periods = await em.find(
      MembershipPeriod,
      { member: id },
      { orderBy: { begin: 'asc', id: 'asc' }, populate: ['status'] },
    );
    return periods.map((p) => ({ status: p.status.code, label: p.status.label, begin: p.begin, end: p.end ?? null }));
  }

  async history(actor: Actor, id: number): Promise<Revision[]> {
    const em = this.orm.em.fork();
    await this.requireMember(em, id);
    const revisions = await em.find(Revision, { member: id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    // Who saw a member's history is itself on record (special-category data).
    this.audit.record(em, actor, 'member.history.read', `member:${id}`);
    await em.flush();
    return revisions;
  }
}
