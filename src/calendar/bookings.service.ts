import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppError } from '../core/app.errors.js';
import { LoansService } from '../inventory/loans.service.js';
import { ThingsService } from '../inventory/things.service.js';
import type { CalendarEvent } from './entities/calendar-event.entity.js';
import type { CalendarResource } from './entities/calendar-resource.entity.js';
import { occurrencesIn, scheduleOf, selfOverlap, type OverrideRow } from './occurrences.js';
import type { Occurrence } from './recurrence.js';
import { localToUtc, utcToLocal } from './time-zone.js';

const DAY = 86_400_000;
// Bookings of one event: a daily rule over a ten-year horizon is 3,650.
const MAX_BOOKINGS = 5000;

export interface BusyInterval {
  start: string;
  end: string;
  event: { slug: string; title: string } | null;
}

export interface ExtendRun {
  events: number;
  booked: number;
  // Occurrences that met another booking when they came into the horizon: not booked.
  clashes: number;
}

interface ConflictRow {
  resource: string;
  title: string;
  slug: string;
  s: string | Date;
  e: string | Date;
  zone: string;
}

// 23P01: exclusion_violation, the booking_no_overlap constraint.
function isOverlap(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === '23P01' || e?.cause?.code === '23P01';
}

const pgArray = (values: readonly (string | number)[]) => `{${values.map((v) => `"${v}"`).join(',')}}`;

@Injectable()
export class BookingsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly loans: LoansService,
    private readonly things: ThingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  horizonEnd(now: number): number {
    const d = new Date(now);
    d.setUTCMonth(d.getUTCMonth() + this.config.calendar.horizonMonths);
    return d.getTime();
  }

  // Books the event's occurrences from yesterday to the horizon, replacing its earlier bookings.
  // Refuses (and so rolls the caller's transaction back) when a resource is taken or out on loan.
  async book(
    em: EntityManager,
    event: CalendarEvent,
    resources: readonly CalendarResource[],
    overrides: readonly OverrideRow[],
    now = Date.now(),
  ): Promise<void> {
    await em.execute('delete from booking where event_id = ?', [event.id]);
    // A single event is booked however far ahead it is; a series up to the horizon (the daily
    // job books the occurrences that come into it).
    const to = event.rrule ? this.horizonEnd(now) : Math.max(this.horizonEnd(now), event.endAt.getTime());
    event.bookedUntil = new Date(to);
    if (event.status === 'cancelled' || resources.length === 0) return;
    const { items } = occurrencesIn(scheduleOf(event), overrides, now - DAY, to, MAX_BOOKINGS + 1);
    const live = items.filter((o) => !o.cancelled);
    if (live.length > MAX_BOOKINGS) {
      throw AppError.validation([
        {
          field: 'rrule',
          message: `more than ${MAX_BOOKINGS} occurrences with rooms or things before the horizon`,
          key: 'booking.tooMany',
          params: { n: MAX_BOOKINGS },
        },
      ]);
    }
    const clash = selfOverlap(live);
    if (clash) {
      throw AppError.validation([
        {
          field: 'end',
          message: 'the occurrences of this event overlap each other, so its rooms cannot be booked',
          key: 'booking.selfOverlap',
        },
      ]);
    }
    await this.checkThings(em, resources, live);
    await this.insert(em, event, resources, live);
  }

  private async checkThings(
    em: EntityManager,
    resources: readonly CalendarResource[],
    occurrences: readonly Occurrence[],
  ): Promise<void> {
    if (occurrences.length === 0) return;
    const first = Math.min(...occurrences.map((o) => o.start));
    for (const r of resources) {
      if (r.kind !== 'thing' || !r.thing) continue;
      const thing = await this.things.resolve(em, String(r.thing.id));
      // The row lock a lend takes too: a loan and a booking of one thing cannot pass each other.
      await em.execute('select id from thing where id = ? for update', [thing.id]);
      if (thing.archivedAt) {
        throw AppError.of('INVALID_STATE', {
          message: `"${r.name}" is no longer in the inventory and cannot be booked`,
          key: 'booking.archived',
          params: { name: r.name },
        });
      }
      const loan = await this.loans.openLoanOf(em, thing.id);
      if (!loan) continue;
      // Out until the end of its return day.
      const [y, m, d] = loan.dueOn.split('-').map(Number);
      const back = localToUtc(this.config.calendar.timeZone, {
        year: y ?? 1970,
        month: m ?? 1,
        day: (d ?? 1) + 1,
        hour: 0,
        minute: 0,
        second: 0,
      });
      if (first < back) {
        throw AppError.of('CONFLICT', {
          message: `"${r.name}" is lent out (to ${loan.borrowerName} until ${loan.dueOn}) and cannot be booked before it is back`,
          key: 'booking.lentOut',
          params: { name: r.name, borrower: loan.borrowerName, until: loan.dueOn },
        });
      }
    }
  }

  private async insert(
    em: EntityManager,
    event: CalendarEvent,
    resources: readonly CalendarResource[],
    occurrences: readonly Occurrence[],
  ): Promise<void> {
    if (occurrences.length === 0) return;
    const ids = pgArray(resources.map((r) => r.id));
    const rids = pgArray(occurrences.map((o) => new Date(o.recurrenceId).toISOString()));
    const starts = pgArray(occurrences.map((o) => new Date(o.start).toISOString()));
    const ends = pgArray(occurrences.map((o) => new Date(o.end).toISOString()));
    // A friendly answer for the common case: name the event in the way.
    const taken = await firstClash(em, starts, ends, ids, event.id);
    if (taken) throw conflict(taken);
    // A savepoint, so that when PostgreSQL refuses the insert this transaction can still ask
    // whose booking is in the way (a second connection would wait for a pool slot that the
    // refused requests themselves hold).
    await em.execute('savepoint booking_insert');
    try {
      await em.execute(
        `insert into booking (event_id, resource_id, recurrence_id, during)
         select ?, r.id, o.rid, tstzrange(o.s, o.e)
           from unnest(?::int[]) as r(id)
          cross join unnest(?::timestamptz[], ?::timestamptz[], ?::timestamptz[]) as o(rid, s, e)`,
        [event.id, ids, rids, starts, ends],
      );
      await em.execute('release savepoint booking_insert');
    } catch (err) {
      if (!isOverlap(err)) throw err;
      // Another request booked it between our look and our insert, and PostgreSQL refused ours.
      // It has committed (we waited for it), so the next statement sees whose booking it is.
      await em.execute('rollback to savepoint booking_insert');
      const winner = await firstClash(em, starts, ends, ids, event.id);
      throw winner
        ? conflict(winner)
        : AppError.of('CONFLICT', {
            message: 'a room or thing of this event was just booked by another event',
            key: 'booking.raced',
          });
    }
  }

  // Daily: books the occurrences that came into the horizon. Occurrences that clash with
  // something booked meanwhile are skipped (nobody is there to answer a 409) and counted.
  async extend(now = Date.now()): Promise<ExtendRun & { ran: boolean }> {
    const to = this.horizonEnd(now);
    return this.orm.em.fork().transactional(async (em) => {
      // One instance at a time; the lock ends with the transaction.
      const [lock] = await em.execute<{ got: boolean }[]>('select pg_try_advisory_xact_lock(hashtext(?)) as got', [
        'allmende:calendar-extend',
      ]);
      if (!lock?.got) return { ran: false, events: 0, booked: 0, clashes: 0 };
      const rows = await em.execute<{ id: number }[]>(
        `select e.id from calendar_event e
          where e.rrule is not null and e.status <> 'cancelled'
            and e.booked_until < ? and (e.series_end_at is null or e.series_end_at > e.booked_until)
            and exists (select 1 from calendar_event_resource er where er.calendar_event_id = e.id)
          order by e.id for update skip locked`,
        [new Date(to - DAY)],
      );
      const run = { ran: true, events: 0, booked: 0, clashes: 0 };
      for (const { id } of rows) {
        const [e] = await em.execute<
          {
            start_at: Date;
            end_at: Date;
            time_zone: string;
            all_day: boolean;
            rrule: string;
            exdates: string[];
            booked_until: Date;
          }[]
        >(
          'select start_at, end_at, time_zone, all_day, rrule, exdates, booked_until from calendar_event where id = ?',
          [id],
        );
        if (!e) continue;
        const overrides = (
          await em.execute<{ recurrence_id: Date; cancelled: boolean; start_at: Date; end_at: Date }[]>(
            'select recurrence_id, cancelled, start_at, end_at from calendar_occurrence where event_id = ?',
            [id],
          )
        ).map((o) => ({
          recurrenceId: new Date(o.recurrence_id).getTime(),
          cancelled: o.cancelled,
          start: new Date(o.start_at).getTime(),
          end: new Date(o.end_at).getTime(),
        }));
        const from = new Date(e.booked_until).getTime();
        const schedule = scheduleOf({
          startAt: new Date(e.start_at),
          endAt: new Date(e.end_at),
          timeZone: e.time_zone,
          allDay: e.all_day,
          rrule: e.rrule,
          exdates: e.exdates,
        });
        const fresh = occurrencesIn(schedule, overrides, from, to, MAX_BOOKINGS).items.filter(
          (o) => !o.cancelled && o.start >= from,
        );
        if (fresh.length > 0) {
          const inserted = await em.execute<{ id: string }[]>(
            `insert into booking (event_id, resource_id, recurrence_id, during)
             select ?, er.calendar_resource_id, o.rid, tstzrange(o.s, o.e)
               from calendar_event_resource er
              cross join unnest(?::timestamptz[], ?::timestamptz[], ?::timestamptz[]) as o(rid, s, e)
              where er.calendar_event_id = ?
             on conflict do nothing returning id`,
            [
              id,
              pgArray(fresh.map((o) => new Date(o.recurrenceId).toISOString())),
              pgArray(fresh.map((o) => new Date(o.start).toISOString())),
              pgArray(fresh.map((o) => new Date(o.end).toISOString())),
              id,
            ],
          );
          const [count] = await em.execute<{ n: number }[]>(
            'select count(*)::int as n from calendar_event_resource where calendar_event_id = ?',
            [id],
          );
          run.booked += inserted.length;
          run.clashes += fresh.length * (count?.n ?? 0) - inserted.length;
        }
        await em.execute('update calendar_event set booked_until = ? where id = ?', [new Date(to), id]);
        run.events++;
      }
      return run;
    });
  }

  // Who holds a resource when, between two instants (members see every event's title).
  async busy(resourceId: number, from: number, to: number, seesMembers: boolean): Promise<BusyInterval[]> {
    const rows = await this.orm.em
      .fork()
      .execute<{ s: Date; e: Date; slug: string; title: string; visibility: string }[]>(
        `select lower(b.during) as s, upper(b.during) as e, ev.slug, ev.title, ev.visibility
         from booking b join calendar_event ev on ev.id = b.event_id
        where b.resource_id = ? and b.during && tstzrange(?, ?)
        order by lower(b.during) limit 5000`,
        [resourceId, new Date(from), new Date(to)],
      );
    return rows.map((r) => ({
      start: new Date(r.s).toISOString(),
      end: new Date(r.e).toISOString(),
      event: seesMembers || r.visibility === 'public' ? { slug: r.slug, title: r.title } : null,
    }));
  }
}

function conflict(row: ConflictRow): AppError {
  const at = (v: string | Date) => {
    const l = utcToLocal(row.zone, new Date(v).getTime());
    const p = (n: number) => String(n).padStart(2, '0');
    return `${l.year}-${p(l.month)}-${p(l.day)} ${p(l.hour)}:${p(l.minute)}`;
  };
  const params = {
    resource: row.resource,
    from: at(row.s),
    to: at(row.e),
    zone: row.zone,
    title: row.title,
    path: `/events/${row.slug}`,
  };
  return AppError.of(
    'CONFLICT',
    {
      message: `"${row.resource}" is already booked from ${params.from} to ${params.to} (${row.zone}) by the event "${row.title}" (${params.path})`,
      key: 'booking.clash',
      params,
    },
    [
      {
        field: 'resourceIds',
        message: `taken by "${row.title}" (${params.path})`,
        key: 'booking.taken',
        params: { title: row.title, path: params.path },
      },
    ],
  );
}

// The earliest booking of another event on these resources overlapping these times, if any.
async function firstClash(
  em: EntityManager,
  starts: string,
  ends: string,
  ids: string,
  eventId: number,
): Promise<ConflictRow | undefined> {
  const [row] = await em.execute<ConflictRow[]>(
    `select r.name as resource, e.title, e.slug, e.time_zone as zone,
            lower(b.during) as s, upper(b.during) as e
       from unnest(?::timestamptz[], ?::timestamptz[]) as o(s, e)
       join booking b on b.during && tstzrange(o.s, o.e)
       join calendar_event e on e.id = b.event_id
       join calendar_resource r on r.id = b.resource_id
      where b.resource_id = any(?::int[]) and b.event_id <> ?
      order by lower(b.during) limit 1`,
    [starts, ends, ids, eventId],
  );
  return row;
}
