import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../core/actor.js';
import { ThingEvent, type ThingEventKind, type ThingFieldChange } from './entities/thing-event.entity.js';
import type { Thing } from './entities/thing.entity.js';

// Persisted with the caller's unit of work: the history commits (or not) with the change itself.
export function recordThingEvent(
  em: EntityManager,
  actor: Actor,
  thing: Thing,
  kind: ThingEventKind,
  changes: ThingFieldChange[] = [],
): void {
  em.create(ThingEvent, { thing, kind, changes, actorId: actor.memberId, actorLabel: actor.label });
}

// The words besides name, slug and description that find a thing: tags, the names along its
// location's path, its owner. Generated columns cannot join, so this SQL keeps them current after
// a change to the things (`where`) or to the locations and members they name.
export async function refreshSearchText(em: EntityManager, where: string, params: unknown[]): Promise<void> {
  await em.execute(
    `with recursive paths as (
       select id, name::text as path from location where parent_id is null
       union all
       select c.id, p.path || ' ' || c.name from location c join paths p on c.parent_id = p.id)
     update thing t set search_extra = concat_ws(' ', array_to_string(x.tags, ' '), p.path, m.display_name, x.owner_name)
       from thing x
       left join paths p on p.id = x.location_id
       left join member m on m.id = x.owner_member_id
      where x.id = t.id and ${where}`,
    params,
  );
}
