import { defineEntity, p } from '@mikro-orm/core';
import { Location } from '../../inventory/entities/location.entity.js';
import { Thing } from '../../inventory/entities/thing.entity.js';

export const RESOURCE_KINDS = ['room', 'thing'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

// Something events book: a room (an inventory location that helpers made bookable) or a thing.
// The name is the calendar's own (shown in LOCATION), set from the location or thing.
const CalendarResourceSchema = defineEntity({
  name: 'CalendarResource',
  tableName: 'calendar_resource',
  properties: {
    id: p.integer().primary().autoincrement(),
    kind: p.enum(RESOURCE_KINDS),
    location: () => p.manyToOne(Location).nullable().deleteRule('cascade').unique('calendar_resource_location_unique'),
    thing: () => p.manyToOne(Thing).nullable().deleteRule('cascade').unique('calendar_resource_thing_unique'),
    name: p.string().length(200),
    description: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class CalendarResource extends CalendarResourceSchema.class {}
CalendarResourceSchema.setClass(CalendarResource);
