import { EntityManager, MikroORM, OptimisticLockError } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import type { CsvEncoding } from '../members/csv/csv-decode.js';
import { writeCsv, type CsvFlavor } from '../members/csv/csv-write.js';
import { Member } from '../members/entities/member.entity.js';
import { openCsv } from '../members/csv/csv-file.js';
import {
  EXPORT_HEADER,
  mapThingHeader,
  toThingRecords,
  type ThingImportProblem,
  type ThingImportRecord,
} from './csv/thing-csv.js';
import { Location } from './entities/location.entity.js';
import { Thing } from './entities/thing.entity.js';
import { formatPath } from './location-tree.js';
import { LocationsService } from './locations.service.js';
import { ownershipProblems } from './ownership.js';
import { diffThing } from './thing-changes.js';
import { recordThingEvent, refreshSearchText } from './thing-history.js';
import { freeSlug, slugify } from './thing-ref.js';
import { emptyState, stateOf } from './things.service.js';
import { placeholders } from '../database/sql-list.js';

export interface ThingImportReport {
  dryRun: boolean;
  committed: boolean;
  encoding: string;
  delimiter: string;
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  problems: ThingImportProblem[];
}

// What a record becomes once the database has been asked: the thing it updates (if any), its
// owner resolved to a member or a name, and the slug it will have.
interface Planned {
  record: ThingImportRecord;
  existing: Thing | null;
  slug: string;
  ownerMemberId: number | null;
  ownerName: string | null;
}

const MAX_ROWS = 30_000;

// CSV in, things out: all rows or none; running the same file again changes nothing.
@Injectable()
export class InventoryTransferService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly locations: LocationsService,
  ) {}

  async import(
    actor: Actor,
    bytes: Uint8Array,
    opts: { dryRun: boolean; encoding?: CsvEncoding },
  ): Promise<ThingImportReport> {
    const file = openCsv(bytes, opts.encoding);
    const report: ThingImportReport = {
      dryRun: opts.dryRun,
      committed: false,
      encoding: file.encoding,
      delimiter: file.delimiter,
      records: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      // The API answers this report as it is: the problem's line and message only.
      problems: file.ok ? [] : [{ line: file.problem.line, message: file.problem.message }],
    };
    if (!file.ok) return report;
    const { header, rows } = file;
    const mapping = mapThingHeader(header.cells);
    if ('error' in mapping) {
      report.problems.push({ line: header.line, message: mapping.error });
      return report;
    }
    const { records, problems } = toThingRecords(rows, mapping.columns, file.errors);
    report.records = records.length + new Set(problems.map((p) => p.line)).size;
    // Every row's number and slug are looked up in one statement, within PostgreSQL's 65,535 parameters.
    if (records.length > MAX_ROWS) {
      report.problems.push({ line: 1, message: `at most ${MAX_ROWS} things per file; split it` });
      return report;
    }

    await this.orm.em
      .fork()
      .transactional(async (em) => {
        const planned = await this.plan(em, records, problems);
        report.problems = problems.sort((a, b) => a.line - b.line);
        if (report.problems.length > 0) return;
        const counts = await this.apply(em, actor, planned);
        Object.assign(report, counts);
        // A dry run goes the whole way, so it finds what only the database can say, then rolls back.
        if (opts.dryRun) throw new DryRun();
        this.audit.record(em, actor, 'inventory.import', null, counts);
        await em.flush();
        report.committed = true;
      })
      .catch((err: unknown) => {
        if (err instanceof OptimisticLockError) {
          throw new AppError('STALE_VERSION', 'a thing in the file was changed during the import; run it again');
        }
        if (!(err instanceof DryRun)) throw err;
      });
    return report;
  }

  private async plan(
    em: EntityManager,
    records: ThingImportRecord[],
    problems: ThingImportProblem[],
  ): Promise<Planned[]> {
    const ids = records.flatMap((r) => (r.id !== null ? [r.id] : []));
    const slugs = records.flatMap((r) => (r.slug !== null ? [r.slug] : []));
    const existing = await em.find(Thing, { $or: [{ id: { $in: ids } }, { slug: { $in: slugs } }] });
    const byId = new Map(existing.map((t) => [t.id, t]));
    const bySlug = new Map(existing.map((t) => [t.slug, t]));
    const owners = [...new Set(records.flatMap((r) => (r.owner ? [r.owner.toLowerCase()] : [])))];
    const members = await em.execute<{ id: number; username: string }[]>(
      `select id, username from member where erased_at is null and lower(username) in (${placeholders(owners)})`,
      owners,
    );
    const memberByUsername = new Map(members.map((m) => [m.username.toLowerCase(), m.id]));
    const taken = new Set(
      (await em.execute<{ slug: string }[]>('select slug from thing')).map((r) => r.slug).concat(slugs),
    );
    const planned: Planned[] = [];
    for (const r of records) {
      const problem = (field: string, message: string) => problems.push({ line: r.line, field, message });
      let thing: Thing | null = null;
      if (r.id !== null) {
        thing = byId.get(r.id) ?? null;
        if (!thing) problem('id', `there is no thing ${r.id}; leave the number empty for a new thing`);
      } else if (r.slug !== null) {
        thing = bySlug.get(r.slug) ?? null;
      }
      if (r.slug !== null) {
        const holder = bySlug.get(r.slug);
        if (holder && thing && holder.id !== thing.id)
          problem('slug', `short name ${r.slug} belongs to thing ${holder.id}`);
      }
      let slug = r.slug ?? thing?.slug;
      if (slug === undefined) {
        slug = freeSlug(slugify(r.name), taken);
        taken.add(slug);
      }
      const memberId = r.owner ? (memberByUsername.get(r.owner.toLowerCase()) ?? null) : null;
      const owner = {
        ownership: r.ownership,
        ownerMemberId: memberId,
        ownerName: memberId === null ? r.owner : null,
        ownerUntil: r.ownerUntil,
      };
      for (const p of ownershipProblems(owner)) {
        problem(
          p.field,
          p.field === 'ownerMemberId' ? `owner '${r.owner ?? ''}' is not a member's username` : p.message,
        );
      }
      planned.push({
        record: r,
        existing: thing,
        slug,
        ownerMemberId: owner.ownerMemberId,
        ownerName: owner.ownerName,
      });
    }
    return planned;
  }

  private async apply(
    em: EntityManager,
    actor: Actor,
    planned: Planned[],
  ): Promise<{ created: number; updated: number; unchanged: number }> {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    // Places first, one flush per level of the tree: a flush per new place with thousands of
    // things pending would diff them all every time.
    const placeOf = await this.placeIds(
      em,
      planned.map((p) => p.record.location),
    );
    const touched: Thing[] = [];
    for (const p of planned) {
      const r = p.record;
      const locationId = placeOf.get(r.location.join('\u0000')) ?? null;
      const thing = p.existing ?? em.create(Thing, { slug: p.slug, name: r.name });
      const before = p.existing ? stateOf(thing) : emptyState();
      const fromLocation = p.existing ? (thing.location?.id ?? null) : null;
      Object.assign(thing, {
        slug: p.slug,
        name: r.name,
        description: r.description,
        tags: r.tags,
        ownership: r.ownership,
        ownerMember: p.ownerMemberId === null ? null : em.getReference(Member, p.ownerMemberId),
        ownerName: p.ownerName,
        ownerUntil: r.ownerUntil,
        needsInduction: r.needsInduction,
        location: locationId === null ? null : em.getReference(Location, locationId),
      });
      const changes = diffThing(before, stateOf(thing));
      if (fromLocation !== locationId)
        changes.push({ field: 'location', old: fromLocation, new: formatPath(r.location) });
      if (changes.length === 0) {
        counts.unchanged++;
        continue;
      }
      counts[p.existing ? 'updated' : 'created']++;
      recordThingEvent(em, actor, thing, 'imported', changes);
      touched.push(thing);
    }
    await em.flush();
    // In slices: PostgreSQL takes at most 65,535 parameters in one statement.
    for (let i = 0; i < touched.length; i += 10_000) {
      const ids = touched.slice(i, i + 10_000).map((t) => t.id);
      await refreshSearchText(em, `t.id in (${placeholders(ids)})`, ids);
    }
    return counts;
  }

  // Each path (joined by NUL) → its location id, making the places that do not exist yet.
  private async placeIds(em: EntityManager, paths: readonly string[][]): Promise<Map<string, number>> {
    const key = (parentId: number | null, name: string) => `${parentId ?? ''}\u0000${name.toLowerCase()}`;
    const known = new Map((await this.locations.nodes(em)).map((n) => [key(n.parentId, n.name), n.id]));
    const ids = new Map<string, number>();
    const depth = Math.max(0, ...paths.map((p) => p.length));
    for (let level = 1; level <= depth; level++) {
      const made = new Map<string, Location>();
      for (const path of paths) {
        const name = path[level - 1];
        const prefix = path.slice(0, level).join('\u0000');
        if (name === undefined || ids.has(prefix) || made.has(prefix)) continue;
        const parentId = level === 1 ? null : (ids.get(path.slice(0, level - 1).join('\u0000')) ?? null);
        const existing = known.get(key(parentId, name));
        if (existing !== undefined) ids.set(prefix, existing);
        else {
          const parent = parentId === null ? null : em.getReference(Location, parentId);
          made.set(prefix, em.create(Location, { name, parent }));
        }
      }
      if (made.size === 0) continue;
      await em.flush();
      for (const [prefix, location] of made) ids.set(prefix, location.id);
    }
    return ids;
  }

  async export(actor: Actor, flavor: CsvFlavor, includeArchived: boolean): Promise<string> {
    const em = this.orm.em.fork();
    const rows = await em.execute<
      {
        id: number;
        slug: string;
        name: string;
        description: string | null;
        location_id: number | null;
        tags: string[] | string;
        ownership: string;
        owner: string | null;
        owner_until: string | null;
        needs_induction: boolean;
        borrower: string | null;
        due_on: string | null;
      }[]
    >(
      `select t.id, t.slug, t.name, t.description, t.location_id, t.tags, t.ownership,
              coalesce(m.username, t.owner_name) as owner, to_char(t.owner_until, 'YYYY-MM-DD') as owner_until,
              t.needs_induction, b.display_name as borrower, to_char(l.due_on, 'YYYY-MM-DD') as due_on
         from thing t
         left join member m on m.id = t.owner_member_id
         left join loan l on l.thing_id = t.id and l.returned_at is null
         left join member b on b.id = l.borrower_id
        ${includeArchived ? '' : 'where t.archived_at is null'}
        order by t.id`,
    );
    const paths = await this.locations.paths(em);
    const lines = rows.map((r) => [
      r.id,
      r.slug,
      r.name,
      r.description,
      r.location_id === null ? '' : formatPath(paths.get(r.location_id) ?? []),
      (Array.isArray(r.tags)
        ? r.tags
        : r.tags
            .replace(/^\{|\}$/g, '')
            .split(',')
            .filter(Boolean)
      ).join(', '),
      r.ownership,
      r.owner,
      r.owner_until,
      r.needs_induction ? 'ja' : 'nein',
      r.borrower,
      r.due_on,
    ]);
    this.audit.record(em, actor, 'inventory.export', null, { flavor, count: rows.length });
    await em.flush();
    return writeCsv([EXPORT_HEADER, ...lines], { flavor });
  }
}

class DryRun extends Error {}
