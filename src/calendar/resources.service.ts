import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { LocationsService } from '../inventory/locations.service.js';
import { ThingsService } from '../inventory/things.service.js';
import { BookingsService } from './bookings.service.js';
import { seesMembersEvents } from './calendar-access.js';
import { rangeOrder, rangeTooLong } from './event-times.js';
import type { RangeQuery, ResourceInput, ResourceUpdateInput } from './calendar.schemas.js';
import { isoDate, localToUtc, parseLocal, utcToLocal } from './time-zone.js';

const DAY = 86_400_000;
import { CalendarResource, type ResourceKind } from './entities/calendar-resource.entity.js';

export interface ResourceView {
  id: number;
  kind: ResourceKind;
  name: string;
  description: string | null;
  locationId: number | null;
  thingId: number | null;
}

export function resourceView(r: CalendarResource): ResourceView {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    description: r.description ?? null,
    locationId: r.location?.id ?? null,
    thingId: r.thing?.id ?? null,
  };
}

// Rooms and things events can book. Helpers and the board make a place (any level of the
// location tree: a room, or a corner of one) or a thing bookable; only those can be booked.
@Injectable()
export class ResourcesService {
  constructor(
    private readonly orm: MikroORM,
    private readonly locations: LocationsService,
    private readonly things: ThingsService,
    private readonly audit: AuditService,
    private readonly bookings: BookingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(): Promise<ResourceView[]> {
    const rows = await this.orm.em.fork().find(CalendarResource, {}, { orderBy: { kind: 'asc', name: 'asc' } });
    return rows.map(resourceView);
  }

  async get(id: number): Promise<ResourceView> {
    return resourceView(await this.require(this.orm.em.fork(), id, 'id'));
  }

  async create(actor: Actor, input: ResourceInput): Promise<ResourceView> {
    if ((input.locationId === undefined) === (input.thing === undefined)) {
      const message = 'give either locationId (a room) or thing';
      throw AppError.validation([{ field: 'locationId', message, key: 'resource.either' }]);
    }
    const id = await this.orm.em.fork().transactional(async (em) => {
      let resource: CalendarResource;
      if (input.locationId !== undefined) {
        const location = await this.locations.require(em, input.locationId, 'locationId');
        resource = em.create(CalendarResource, {
          kind: 'room',
          location,
          thing: null,
          name: input.name ?? location.name,
          description: input.description ?? null,
        });
      } else {
        const thing = await this.things.resolve(em, input.thing ?? '');
        resource = em.create(CalendarResource, {
          kind: 'thing',
          location: null,
          thing,
          name: input.name ?? thing.name,
          description: input.description ?? null,
        });
      }
      try {
        await em.flush();
      } catch (err) {
        if (err instanceof UniqueConstraintViolationException) {
          throw AppError.of('CONFLICT', {
            message: 'this place or thing is bookable already',
            key: 'resource.already',
          });
        }
        throw err;
      }
      this.audit.record(em, actor, 'calendar.resource.create', `calendar-resource:${resource.id}`, {
        name: resource.name,
      });
      return resource.id;
    });
    return this.get(id);
  }

  async update(actor: Actor, id: number, input: ResourceUpdateInput): Promise<ResourceView> {
    await this.orm.em.fork().transactional(async (em) => {
      const r = await this.require(em, id, 'id');
      if (input.name !== undefined) r.name = input.name;
      if (input.description !== undefined) r.description = input.description ?? null;
      this.audit.record(em, actor, 'calendar.resource.update', `calendar-resource:${id}`, { ...input });
    });
    return this.get(id);
  }

  // No longer bookable. Refused while events still book it from now on.
  async remove(actor: Actor, id: number): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const r = await this.require(em, id, 'id');
      const [use] = await em.execute<{ n: number }[]>(
        'select count(*)::int as n from booking where resource_id = ? and upper(during) > now()',
        [id],
      );
      if ((use?.n ?? 0) > 0) {
        throw AppError.of('INVALID_STATE', {
          message: `"${r.name}" is still booked ${use?.n} times from now on; move those events first`,
          key: 'resource.stillBooked',
          params: { name: r.name, n: use?.n ?? 0 },
        });
      }
      em.remove(r);
      this.audit.record(em, actor, 'calendar.resource.delete', `calendar-resource:${id}`, { name: r.name });
    });
  }

  // Free/busy between two days in the calendar's zone (default: a week from today).
  async availability(id: number, query: RangeQuery, actor: Actor | undefined) {
    const resource = await this.get(id);
    const zone = this.config.calendar.timeZone;
    const fromDay = parseLocal(query.from ?? isoDate(utcToLocal(zone, Date.now())));
    const from = fromDay ? localToUtc(zone, fromDay) : Date.now();
    const toDay = query.to ? parseLocal(query.to) : undefined;
    const to = toDay ? localToUtc(zone, toDay) + DAY : from + 7 * DAY;
    if (to <= from) throw AppError.validation([rangeOrder()]);
    if (to - from > 62 * DAY) throw AppError.validation([rangeTooLong(62)]);
    const busy = await this.bookings.busy(id, from, to, seesMembersEvents(actor));
    return { resource, from: new Date(from).toISOString(), to: new Date(to).toISOString(), busy };
  }

  async require(em: EntityManager, id: number, field: string): Promise<CalendarResource> {
    const r = await em.findOne(CalendarResource, { id });
    if (!r) {
      if (field === 'id') throw AppError.notFound('resource');
      const message = `there is no bookable room or thing ${id}`;
      throw AppError.validation([{ field, message, key: 'resource.none', params: { id } }]);
    }
    return r;
  }
}
