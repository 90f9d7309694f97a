import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { hasRole, type Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { noMember } from '../members/members.errors.js';
import { Member } from '../members/entities/member.entity.js';
import { Induction } from './entities/induction.entity.js';
import { Loan } from './entities/loan.entity.js';
import type { InductionInput, LendInput } from './inventory.schemas.js';
import { borrowProblem, isoDay } from './ownership.js';
import { recordThingEvent } from './thing-history.js';
import { ThingsService } from './things.service.js';
import type { ThingView } from './thing-view.js';

export interface LoanView {
  id: number;
  thing: { id: number; slug: string; name: string };
  borrower: { id: number; name: string };
  startedAt: string;
  dueOn: string;
  returnedAt: string | null;
  overdue: boolean;
}

export interface InductionView {
  member: { id: number; name: string };
  inductedOn: string;
  expiresOn: string | null;
  valid: boolean;
  by: string;
}

export interface OverdueReport {
  // Members who have a thing past its return date.
  loans: LoanView[];
  // Things lent to the club whose owner expects them back by now.
  borrowedPastDue: { id: number; slug: string; name: string; owner: string | null; ownerUntil: string }[];
}

@Injectable()
export class LoansService {
  constructor(
    private readonly orm: MikroORM,
    private readonly things: ThingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async lend(actor: Actor, ref: string, input: LendInput): Promise<ThingView> {
    const lentByHelper = hasRole(actor, 'helper');
    const borrowerId = input.borrowerId ?? actor.memberId;
    if (borrowerId === null) {
      throw AppError.validation([{ field: 'borrowerId', message: 'say who borrows it', key: 'loan.who' }]);
    }
    if (!lentByHelper && borrowerId !== actor.memberId) {
      const message = 'members borrow for themselves; helpers lend to others';
      throw AppError.of('FORBIDDEN', { message, key: 'loan.forThemselves' });
    }
    const id = await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.things.resolve(em, ref);
      // The row lock makes two lends of one thing at the same moment wait for each other.
      await em.execute('select id from thing where id = ? for update', [thing.id]);
      const borrower = await em.findOne(Member, { id: borrowerId });
      if (!borrower || borrower.erasedAt) {
        throw AppError.validation([noMember('borrowerId', borrowerId)]);
      }
      const open = await em.findOne(Loan, { thing, returnedAt: null }, { populate: ['borrower'] });
      const induction = await em.findOne(Induction, { thing, member: borrower });
      const problem = borrowProblem({
        ownership: thing.ownership,
        ownerMemberId: thing.ownerMember?.id ?? null,
        archived: (thing.archivedAt ?? null) !== null,
        openLoan: open !== null,
        needsInduction: thing.needsInduction,
        induction: induction ? { expiresOn: induction.expiresOn ?? null } : undefined,
        borrowerId,
        lentByHelper,
        today: isoDay(new Date()),
        dueOn: input.dueOn,
      });
      if (problem && open) {
        const params = { name: open.borrower.displayName, until: open.dueOn };
        const message = `${problem.message} (by ${params.name} until ${params.until})`;
        // Only "already lent" has a translation that names the borrower; another problem keeps its own.
        throw AppError.of(
          'CONFLICT',
          problem.key === 'loan.lent' ? { message, key: 'loan.lentTo', params } : { ...problem, message },
        );
      }
      if (problem) throw AppError.of('INVALID_STATE', problem);
      await this.refuseIfBooked(em, thing.id, input.dueOn);
      em.create(Loan, {
        thing,
        borrower,
        dueOn: input.dueOn,
        lentById: actor.memberId,
        lentByLabel: actor.label,
        note: input.note ?? null,
      });
      recordThingEvent(em, actor, thing, 'lent', [
        { field: 'borrower', old: null, new: borrower.displayName },
        { field: 'dueOn', old: null, new: input.dueOn },
      ]);
      try {
        await em.flush();
      } catch (err) {
        if (err instanceof UniqueConstraintViolationException) {
          const message = 'this thing is already lent; it has to be returned first';
          throw AppError.of('CONFLICT', { message, key: 'loan.lent' });
        }
        throw err;
      }
      return thing.id;
    });
    return this.things.get(String(id));
  }

  // The open loan of a thing, for the calendar (a thing that is out cannot be booked).
  // A thing booked for an event (the calendar's bookings) is not lent across that event: the loan
  // would end after the event has begun. The caller holds the thing's row lock, which a booking of
  // the thing takes too, so a loan and a booking cannot pass each other.
  private async refuseIfBooked(em: EntityManager, thingId: number, dueOn: string): Promise<void> {
    const [row] = await em.execute<{ title: string; slug: string; starts: string }[]>(
      `select e.title, e.slug, to_char(lower(b.during) at time zone ?, 'YYYY-MM-DD HH24:MI') as starts
         from booking b
         join calendar_resource r on r.id = b.resource_id
         join calendar_event e on e.id = b.event_id
        where r.thing_id = ?
          and b.during && tstzrange(now(), greatest(now(), (?::date + 1)::timestamp at time zone ?))
        order by lower(b.during)
        limit 1`,
      [this.config.timeZone, thingId, dueOn, this.config.timeZone],
    );
    if (row) {
      const params = { title: row.title, slug: row.slug, starts: row.starts };
      throw AppError.of(
        'CONFLICT',
        {
          message: `this thing is booked for the event "${row.title}" (/events/${row.slug}) from ${row.starts}; lend it only until the day before`,
          key: 'loan.booked',
          params,
        },
        [{ field: 'dueOn', message: `booked from ${row.starts} for "${row.title}"`, key: 'loan.bookedField', params }],
      );
    }
  }

  async openLoanOf(em: EntityManager, thingId: number): Promise<{ dueOn: string; borrowerName: string } | null> {
    const [row] = await em.execute<{ due_on: string; display_name: string }[]>(
      `select to_char(l.due_on, 'YYYY-MM-DD') as due_on, m.display_name
         from loan l join member m on m.id = l.borrower_id
        where l.thing_id = ? and l.returned_at is null`,
      [thingId],
    );
    return row ? { dueOn: row.due_on, borrowerName: row.display_name } : null;
  }

  // The borrower gives it back, or a helper takes it back.
  async giveBack(actor: Actor, ref: string): Promise<ThingView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.things.resolve(em, ref);
      const [row] = await em.execute<{ id: number }[]>(
        'select id from loan where thing_id = ? and returned_at is null for update',
        [thing.id],
      );
      if (!row) {
        const message = 'this thing is not lent, so it cannot be returned';
        throw AppError.of('INVALID_STATE', { message, key: 'loan.notLentReturn' });
      }
      const loan = await em.findOneOrFail(Loan, { id: row.id }, { populate: ['borrower'] });
      if (!hasRole(actor, 'helper') && loan.borrower.id !== actor.memberId) {
        throw AppError.of('FORBIDDEN', {
          message: 'only its borrower or a helper can return it',
          key: 'loan.returnBy',
        });
      }
      loan.returnedAt = new Date();
      loan.returnedByLabel = actor.label;
      recordThingEvent(em, actor, thing, 'returned', [
        { field: 'borrower', old: loan.borrower.displayName, new: null },
      ]);
      await em.flush();
      return thing.id;
    });
    return this.things.get(String(id));
  }

  // A longer loan: the borrower or a helper moves the return date; a new date gets a new reminder.
  async extend(actor: Actor, ref: string, dueOn: string): Promise<ThingView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.things.resolve(em, ref);
      const [row] = await em.execute<{ id: number }[]>(
        'select id from loan where thing_id = ? and returned_at is null for update',
        [thing.id],
      );
      if (!row) {
        const message = 'this thing is not lent, so its loan cannot be extended';
        throw AppError.of('INVALID_STATE', { message, key: 'loan.notLentExtend' });
      }
      const loan = await em.findOneOrFail(Loan, { id: row.id }, { populate: ['borrower'] });
      if (!hasRole(actor, 'helper') && loan.borrower.id !== actor.memberId) {
        const message = 'only its borrower or a helper can extend the loan';
        throw AppError.of('FORBIDDEN', { message, key: 'loan.extendBy' });
      }
      if (dueOn < isoDay(new Date())) {
        throw AppError.validation([{ field: 'dueOn', message: 'the return date is in the past', key: 'loan.pastDue' }]);
      }
      await em.execute('select id from thing where id = ? for update', [thing.id]);
      await this.refuseIfBooked(em, thing.id, dueOn);
      recordThingEvent(em, actor, thing, 'updated', [{ field: 'dueOn', old: loan.dueOn, new: dueOn }]);
      loan.dueOn = dueOn;
      await em.flush();
      return thing.id;
    });
    return this.things.get(String(id));
  }

  async loans(filter: { borrowerId?: number; open?: boolean; thingRef?: string }): Promise<LoanView[]> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = {};
    if (filter.borrowerId !== undefined) where.borrower = filter.borrowerId;
    if (filter.open !== undefined) where.returnedAt = filter.open ? null : { $ne: null };
    if (filter.thingRef !== undefined) where.thing = await this.things.resolve(em, filter.thingRef);
    const loans = await em.find(Loan, where, {
      populate: ['thing', 'borrower'],
      orderBy: { startedAt: 'desc', id: 'desc' },
      limit: 1000,
    });
    return loans.map(loanView);
  }

  async overdue(): Promise<OverdueReport> {
    const em = this.orm.em.fork();
    const today = isoDay(new Date());
    const loans = await em.find(
      Loan,
      { returnedAt: null, dueOn: { $lt: today } },
      { populate: ['thing', 'borrower'], orderBy: { dueOn: 'asc', id: 'asc' } },
    );
    const borrowed = await em.execute<
      { id: number; slug: string; name: string; owner: string | null; owner_until: string }[]
    >(
      `select t.id, t.slug, t.name, coalesce(m.display_name, t.owner_name) as owner,
              to_char(t.owner_until, 'YYYY-MM-DD') as owner_until
         from thing t left join member m on m.id = t.owner_member_id
        where t.ownership = 'lent-to-club' and t.archived_at is null and t.owner_until < ?
        order by t.owner_until, t.id`,
      [today],
    );
    return {
      loans: loans.map(loanView),
      borrowedPastDue: borrowed.map((b) => ({
        id: b.id,
        slug: b.slug,
        name: b.name,
        owner: b.owner,
        ownerUntil: b.owner_until,
      })),
    };
  }

  async inductions(ref: string): Promise<InductionView[]> {
    const em = this.orm.em.fork();
    const thing = await this.things.resolve(em, ref);
    const rows = await em.find(Induction, { thing }, { populate: ['member'], orderBy: { id: 'asc' } });
    const today = isoDay(new Date());
    return rows.map((i) => ({
      member: { id: i.member.id, name: i.member.displayName },
      inductedOn: i.inductedOn,
      expiresOn: i.expiresOn ?? null,
      valid: (i.expiresOn ?? today) >= today,
      by: i.inductedByLabel,
    }));
  }

  // Records (or renews) that a member was inducted; a renewal with a new expiry gets a new reminder.
  async induct(actor: Actor, ref: string, memberId: number, input: InductionInput): Promise<InductionView[]> {
    await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.things.resolve(em, ref);
      const member = await em.findOne(Member, { id: memberId });
      if (!member || member.erasedAt) throw AppError.notFound('member');
      const inductedOn = input.inductedOn ?? isoDay(new Date());
      const expiresOn = input.expiresOn ?? null;
      if (expiresOn !== null && expiresOn < inductedOn) {
        const message = 'must not be before the induction';
        throw AppError.validation([{ field: 'expiresOn', message, key: 'induction.beforeStart' }]);
      }
      const existing = await em.findOne(Induction, { thing, member });
      if (existing) {
        existing.inductedOn = inductedOn;
        existing.expiresOn = expiresOn;
        existing.inductedByLabel = actor.label;
      } else {
        em.create(Induction, { thing, member, inductedOn, expiresOn, inductedByLabel: actor.label });
      }
      recordThingEvent(em, actor, thing, 'inducted', [
        { field: 'induction', old: null, new: `${member.displayName} until ${expiresOn ?? 'always'}` },
      ]);
      await em.flush();
    });
    return this.inductions(ref);
  }

  async removeInduction(actor: Actor, ref: string, memberId: number): Promise<InductionView[]> {
    await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.things.resolve(em, ref);
      const induction = await em.findOne(Induction, { thing, member: memberId }, { populate: ['member'] });
      if (!induction) throw AppError.notFound('induction');
      em.remove(induction);
      recordThingEvent(em, actor, thing, 'induction-removed', [
        { field: 'induction', old: induction.member.displayName, new: null },
      ]);
      await em.flush();
    });
    return this.inductions(ref);
  }
}

function loanView(l: Loan): LoanView {
  return {
    id: l.id,
    thing: { id: l.thing.id, slug: l.thing.slug, name: l.thing.name },
    borrower: { id: l.borrower.id, name: l.borrower.displayName },
    startedAt: l.startedAt.toISOString(),
    dueOn: l.dueOn,
    returnedAt: l.returnedAt?.toISOString() ?? null,
    overdue: (l.returnedAt ?? null) === null && l.dueOn < isoDay(new Date()),
  };
}
