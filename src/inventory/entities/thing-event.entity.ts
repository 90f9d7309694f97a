import { defineEntity, p } from '@mikro-orm/core';
import { Thing } from './thing.entity.js';

export const THING_EVENT_KINDS = [
  'created',
  'updated',
  'moved',
  'archived',
  'restored',
  'lent',
  'returned',
  'photo-added',
  'photo-removed',
  'inducted',
  'induction-removed',
  'imported',
] as const;
export type ThingEventKind = (typeof THING_EVENT_KINDS)[number];

export interface ThingFieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

// The thing's history: who did what when. Written in the transaction of the change itself.
const ThingEventSchema = defineEntity({
  name: 'ThingEvent',
  tableName: 'thing_event',
  indexes: [{ name: 'thing_event_thing_idx', properties: ['thing', 'at'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    thing: () => p.manyToOne(Thing).deleteRule('cascade'),
    at: p.datetime().onCreate(() => new Date()),
    kind: p.enum(THING_EVENT_KINDS),
    changes: p.json<ThingFieldChange[]>().default('[]'),
    actorId: p.integer().nullable(),
    actorLabel: p.string().length(128),
  },
});

export class ThingEvent extends ThingEventSchema.class {}
ThingEventSchema.setClass(ThingEvent);
