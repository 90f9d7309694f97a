import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager, MikroORM, OptimisticLockError } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError, type FieldProblem, type Problem } from '../core/app.errors.js';
import { noMember } from '../members/members.errors.js';
import { offsetOf, type Page } from '../core/pagination.js';
import { Member } from '../members/entities/member.entity.js';
import { ThingEvent } from './entities/thing-event.entity.js';
import { Thing } from './entities/thing.entity.js';
import type { CreateThingInput, ThingListQuery, UpdateThingInput } from './inventory.schemas.js';
import { formatPath } from './location-tree.js';
import { LocationsService } from './locations.service.js';
import { isoDay, ownershipProblems } from './ownership.js';
import { diffThing, type ThingState } from './thing-changes.js';
import { recordThingEvent, refreshSearchText } from './thing-history.js';
import { countQuery, listQuery, type ThingFilter, type ThingRow } from './thing-query.js';
import { freeSlug, parseThingRef, slugify } from './thing-ref.js';
import { toThingView, type ThingView } from './thing-view.js';

export interface ThingHistoryEntry {
  at: string;
  kind: string;
  by: string;
  changes: { field: string; old: unknown; new: unknown }[];
}

const SLUG_TAKEN: FieldProblem = { field: 'slug', message: 'already taken', key: 'thing.slugTaken' };
const STALE: Problem = { message: 'the thing was changed meanwhile; reload and retry', key: 'thing.stale' };

@Injectable()
export class ThingsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly locations: LocationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // "2342" or "einding": the same thing either way.
  async resolve(em: EntityManager, ref: string): Promise<Thing> {
    const parsed = parseThingRef(ref);
    const thing = parsed ? await em.findOne(Thing, 'id' in parsed ? { id: parsed.id } : { slug: parsed.slug }) : null;
    if (!thing) throw AppError.of('NOT_FOUND', { message: 'thing not found', key: 'thing.notFound' });
    return thing;
  }

  async get(ref: string): Promise<ThingView> {
    const em = this.orm.em.fork();
    const thing = await this.resolve(em, ref);
    const [view] = await this.views(em, { ids: [thing.id], includeArchived: true });
    if (!view) throw AppError.notFound('thing');
    return view;
  }

  async list(query: ThingListQuery): Promise<Page<ThingView>> {
    const em = this.orm.em.fork();
    const { page, pageSize, ...filter } = query;
    const [items, count] = await Promise.all([
      this.views(em, filter, pageSize, offsetOf(query)),
      (async () => {
        const c = countQuery(filter);
        return em.execute<{ total: number }[]>(c.sql, c.params);
      })(),
    ]);
    return { items, page, pageSize, total: count[0]?.total ?? 0 };
  }

  async views(em: EntityManager, filter: ThingFilter, limit = 1000, offset = 0): Promise<ThingView[]> {
    const q = listQuery(filter, limit, offset);
    const rows = await em.execute<ThingRow[]>(q.sql, q.params);
    const paths = await this.locations.pathsOf(
      em,
      rows.flatMap((r) => (r.location_id === null ? [] : [r.location_id])),
    );
    const today = isoDay(new Date());
    return rows.map((r) => toThingView(r, paths, this.config.http.publicUrl, today));
  }

  async create(actor: Actor, input: CreateThingInput): Promise<ThingView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      const slug = input.slug ?? (await this.derivedSlug(em, input.name));
      await this.assertSlugFree(em, slug, null);
      const ownership = {
        ownership: input.ownership ?? 'club',
        ownerMemberId: input.ownerMemberId ?? null,
        ownerName: input.ownerName ?? null,
        ownerUntil: input.ownerUntil ?? null,
      };
      await this.checkOwnership(em, ownership);
      const locationId = input.locationId ?? null;
      const location = locationId === null ? null : await this.locations.require(em, locationId, 'locationId');
      const thing = em.create(Thing, {
        slug,
        name: input.name,
        description: input.description ?? null,
        location,
        tags: dedupe(input.tags ?? []),
        ownership: ownership.ownership,
        ownerMember: ownership.ownerMemberId === null ? null : em.getReference(Member, ownership.ownerMemberId),
        ownerName: ownership.ownerName,
        ownerUntil: ownership.ownerUntil,
        needsInduction: input.needsInduction ?? false,
      });
      recordThingEvent(em, actor, thing, 'created', diffThing(emptyState(), stateOf(thing)));
      await flushUnique(em);
      await refreshSearchText(em, 't.id = ?', [thing.id]);
      return thing.id;
    });
    return this.get(String(id));
  }

  async update(actor: Actor, ref: string, input: UpdateThingInput): Promise<ThingView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.resolve(em, ref);
      if (input.version !== undefined && input.version !== thing.version) {
        throw AppError.of('STALE_VERSION', STALE);
      }
      const before = stateOf(thing);
      if (input.slug !== undefined && input.slug !== thing.slug) {
        await this.assertSlugFree(em, input.slug, thing.id);
        thing.slug = input.slug;
      }
      if (input.name !== undefined) thing.name = input.name;
      if (input.description !== undefined) thing.description = input.description ?? null;
      if (input.tags !== undefined) thing.tags = dedupe(input.tags);
      if (input.needsInduction !== undefined) thing.needsInduction = input.needsInduction;
      if (
        input.ownership !== undefined ||
        input.ownerMemberId !== undefined ||
        input.ownerName !== undefined ||
        input.ownerUntil !== undefined
      ) {
        // Changing the kind of ownership starts from a clean owner unless the input names one.
        const kindChanged = input.ownership !== undefined && input.ownership !== thing.ownership;
        const ownership = {
          ownership: input.ownership ?? thing.ownership,
          ownerMemberId:
            input.ownerMemberId !== undefined
              ? (input.ownerMemberId ?? null)
              : kindChanged
                ? null
                : (thing.ownerMember?.id ?? null),
          ownerName:
            input.ownerName !== undefined ? (input.ownerName ?? null) : kindChanged ? null : (thing.ownerName ?? null),
          ownerUntil:
            input.ownerUntil !== undefined
              ? (input.ownerUntil ?? null)
              : kindChanged
                ? null
                : (thing.ownerUntil ?? null),
        };
        await this.checkOwnership(em, ownership);
        thing.ownership = ownership.ownership;
        thing.ownerMember = ownership.ownerMemberId === null ? null : em.getReference(Member, ownership.ownerMemberId);
        thing.ownerName = ownership.ownerName;
        thing.ownerUntil = ownership.ownerUntil;
      }
      const changes = diffThing(before, stateOf(thing));
      if (changes.length > 0) recordThingEvent(em, actor, thing, 'updated', changes);
      if (input.locationId !== undefined) await this.moveIn(em, actor, thing, input.locationId ?? null);
      if (input.archived !== undefined && input.archived !== ((thing.archivedAt ?? null) !== null)) {
        thing.archivedAt = input.archived ? new Date() : null;
        recordThingEvent(em, actor, thing, input.archived ? 'archived' : 'restored');
      }
      await flushUnique(em);
      await refreshSearchText(em, 't.id = ?', [thing.id]);
      return thing.id;
    });
    return this.get(String(id));
  }

  async move(actor: Actor, ref: string, locationId: number | null): Promise<ThingView> {
    const id = await this.orm.em.fork().transactional(async (em) => {
      const thing = await this.resolve(em, ref);
      await this.moveIn(em, actor, thing, locationId);
      await flushUnique(em);
      await refreshSearchText(em, 't.id = ?', [thing.id]);
      return thing.id;
    });
    return this.get(String(id));
  }

  // Moving is a change in the thing's history, with the paths it left and reached.
  private async moveIn(em: EntityManager, actor: Actor, thing: Thing, locationId: number | null): Promise<void> {
    const fromId = thing.location?.id ?? null;
    if (fromId === locationId) return;
    const target = locationId === null ? null : await this.locations.require(em, locationId, 'locationId');
    const paths = await this.locations.paths(em);
    thing.location = target;
    recordThingEvent(em, actor, thing, 'moved', [
      {
        field: 'location',
        old: fromId === null ? null : formatPath(paths.get(fromId) ?? []),
        new: locationId === null ? null : formatPath(paths.get(locationId) ?? []),
      },
    ]);
  }

  async history(ref: string): Promise<ThingHistoryEntry[]> {
    const em = this.orm.em.fork();
    const thing = await this.resolve(em, ref);
    const events = await em.find(ThingEvent, { thing }, { orderBy: { at: 'asc', id: 'asc' } });
    return events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, by: e.actorLabel, changes: e.changes }));
  }

  private async derivedSlug(em: EntityManager, name: string): Promise<string> {
    const base = slugify(name);
    const rows = await em.execute<{ slug: string }[]>(`select slug from thing where slug = ? or slug like ?`, [
      base,
      `${base.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`,
    ]);
    return freeSlug(base, new Set(rows.map((r) => r.slug)));
  }

  private async assertSlugFree(em: EntityManager, slug: string, selfId: number | null): Promise<void> {
    const other = await em.findOne(Thing, { slug }, { fields: ['id'] });
    if (other && other.id !== selfId) {
      throw AppError.of(
        'CONFLICT',
        {
          message: `the short name "${slug}" is taken by thing ${other.id}`,
          key: 'thing.slugTakenBy',
          params: { slug, id: other.id },
        },
        [SLUG_TAKEN],
      );
    }
  }

  private async checkOwnership(
    em: EntityManager,
    o: {
      ownership: Thing['ownership'];
      ownerMemberId: number | null;
      ownerName: string | null;
      ownerUntil: string | null;
    },
  ): Promise<void> {
    const problems = ownershipProblems(o);
    if (problems.length > 0) throw AppError.validation(problems);
    if (o.ownerMemberId !== null && !(await em.findOne(Member, { id: o.ownerMemberId }, { fields: ['id'] }))) {
      throw AppError.validation([noMember('ownerMemberId', o.ownerMemberId)]);
    }
  }
}

export function stateOf(t: Thing): ThingState {
  return {
    slug: t.slug,
    name: t.name,
    description: t.description ?? null,
    tags: [...t.tags],
    ownership: t.ownership,
    ownerMemberId: t.ownerMember?.id ?? null,
    ownerName: t.ownerName ?? null,
    ownerUntil: t.ownerUntil ?? null,
    needsInduction: t.needsInduction,
  };
}

export function emptyState(): ThingState {
  return {
    slug: '',
    name: '',
    description: null,
    tags: [],
    ownership: '',
    ownerMemberId: null,
    ownerName: null,
    ownerUntil: null,
    needsInduction: false,
  };
}

function dedupe(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

// Two helpers taking one slug at the same moment: the unique index decides, with a clear 409.
export async function flushUnique(em: EntityManager): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    // Someone else saved the thing between our read and our write.
    if (err instanceof OptimisticLockError) {
      throw AppError.of('STALE_VERSION', STALE);
    }
    if (err instanceof UniqueConstraintViolationException) {
      const message = 'the short name is already taken';
      throw AppError.of('CONFLICT', { message, key: 'thing.slugTakenAny' }, [SLUG_TAKEN]);
    }
    throw err;
  }
}
