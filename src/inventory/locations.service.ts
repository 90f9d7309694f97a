import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM, OptimisticLockError } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { Location } from './entities/location.entity.js';
import type { LocationInput, LocationUpdateInput } from './inventory.schemas.js';
import { locationPaths, subtreeIds, wouldCycle, type LocationNode } from './location-tree.js';
import { refreshSearchText } from './thing-history.js';

export interface LocationView {
  id: number;
  name: string;
  parentId: number | null;
  path: string[];
  description: string | null;
  things: number;
}

@Injectable()
export class LocationsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  // All locations are read at once: a club has hundreds, not millions.
  async nodes(em: EntityManager): Promise<LocationNode[]> {
    return em.execute<LocationNode[]>('select id, parent_id as "parentId", name from location');
  }

  async paths(em: EntityManager): Promise<Map<number, string[]>> {
    return locationPaths(await this.nodes(em));
  }

  // The paths of a few places (a page of things), reading only them and their ancestors.
  async pathsOf(em: EntityManager, ids: readonly number[]): Promise<Map<number, string[]>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await em.execute<{ leaf: number; name: string }[]>(
      `with recursive up as (
         select id as leaf, parent_id, name, 0 as depth from location where id in (${unique.map(() => '?').join(', ')})
         union all
         select up.leaf, l.parent_id, l.name, up.depth + 1 from location l join up on l.id = up.parent_id
          where up.depth < 100)
       select leaf, name from up order by leaf, depth desc`,
      unique,
    );
    const paths = new Map<number, string[]>();
    for (const r of rows) paths.set(r.leaf, [...(paths.get(r.leaf) ?? []), r.name]);
    return paths;
  }

  async list(): Promise<LocationView[]> {
    const em = this.orm.em.fork();
    const rows = await em.execute<(LocationNode & { description: string | null; things: number })[]>(
      `select l.id, l.parent_id as "parentId", l.name, l.description,
              (select count(*)::int from thing t where t.location_id = l.id and t.archived_at is null) as things
         from location l`,
    );
    const paths = locationPaths(rows);
    return rows
      .map((r) => ({ ...r, path: paths.get(r.id) ?? [r.name] }))
      .sort((a, b) => a.path.join('\u0000').localeCompare(b.path.join('\u0000'), 'de'));
  }

  async get(id: number): Promise<LocationView> {
    const found = (await this.list()).find((l) => l.id === id);
    if (!found) throw AppError.notFound('location');
    return found;
  }

  async create(actor: Actor, input: LocationInput): Promise<LocationView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', ['allmende:location-tree']);
      const parentId = input.parentId ?? null;
      const parent = parentId === null ? null : await this.require(em, parentId, 'parentId');
      await this.assertNameFree(em, parentId, input.name, 0);
      const location = em.create(Location, { name: input.name, parent, description: input.description ?? null });
      await this.flushUnique(em);
      this.audit.record(em, actor, 'location.create', `location:${location.id}`, { name: input.name });
      return location.id;
    });
    return this.get(id);
  }

  async update(actor: Actor, id: number, input: LocationUpdateInput): Promise<LocationView> {
    await this.orm.em.fork().transactional(async (em) => {
      // One move at a time: two moves that are each fine can together make a loop.
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', ['allmende:location-tree']);
      const location = await this.require(em, id, 'id');
      if (input.parentId !== undefined) {
        const parentId = input.parentId ?? null;
        if (parentId !== null) await this.require(em, parentId, 'parentId');
        if (wouldCycle(await this.nodes(em), id, parentId)) {
          throw AppError.validation([
            {
              field: 'parentId',
              message: 'a location cannot be inside itself or inside one of its own places',
              key: 'location.insideItself',
            },
          ]);
        }
        location.parent = parentId === null ? null : em.getReference(Location, parentId);
      }
      if (input.name !== undefined) location.name = input.name;
      await this.assertNameFree(em, location.parent?.id ?? null, location.name, id);
      if (input.description !== undefined) location.description = input.description ?? null;
      await this.flushUnique(em);
      // The things below now have another path to be found by.
      const below = subtreeIds(await this.nodes(em), id);
      await refreshSearchText(em, `t.location_id in (${below.map(() => '?').join(', ')})`, below);
      this.audit.record(em, actor, 'location.update', `location:${id}`, { ...input });
    });
    return this.get(id);
  }

  async remove(actor: Actor, id: number): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const location = await this.require(em, id, 'id');
      const [use] = await em.execute<{ children: number; things: number }[]>(
        `select (select count(*)::int from location where parent_id = ?) as children,
                (select count(*)::int from thing where location_id = ?) as things`,
        [id, id],
      );
      if ((use?.children ?? 0) > 0 || (use?.things ?? 0) > 0) {
        const params = { places: use?.children ?? 0, things: use?.things ?? 0 };
        throw AppError.of('INVALID_STATE', {
          message: `this location still holds ${params.places} places and ${params.things} things; move them first`,
          key: 'location.notEmpty',
          params,
        });
      }
      em.remove(location);
      this.audit.record(em, actor, 'location.delete', `location:${id}`, { name: location.name });
    });
  }

  async require(em: EntityManager, id: number, field: string): Promise<Location> {
    const location = await em.findOne(Location, { id });
    if (!location) {
      if (field === 'id') throw AppError.notFound('location');
      throw AppError.validation([
        { field, message: `there is no location ${id}`, key: 'location.none', params: { id } },
      ]);
    }
    return location;
  }

  // Names are unique among siblings, ignoring case, also at the top (where the unique index,
  // treating NULL parents as distinct, does not reach).
  private async assertNameFree(em: EntityManager, parentId: number | null, name: string, selfId: number) {
    const [clash] = await em.execute<{ id: number }[]>(
      'select id from location where parent_id is not distinct from ? and lower(name) = lower(?) and id <> ? limit 1',
      [parentId, name, selfId],
    );
    if (clash) {
      throw AppError.of('CONFLICT', {
        message: `there is already a place "${name}" there (location ${clash.id})`,
        key: 'location.nameTaken',
        params: { name, id: clash.id },
      });
    }
  }

  private async flushUnique(em: EntityManager): Promise<void> {
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof OptimisticLockError) {
        const message = 'the place was changed meanwhile; reload and retry';
        throw AppError.of('STALE_VERSION', { message, key: 'location.stale' });
      }
      if (err instanceof UniqueConstraintViolationException) {
        const message = 'there is already a location of this name in that place';
        throw AppError.of('CONFLICT', { message, key: 'location.nameTakenAny' });
      }
      throw err;
    }
  }
}
