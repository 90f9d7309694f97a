import { defineEntity, p } from '@mikro-orm/core';

// A place in the space: room → shelf → box. The parent chain never loops (checked on every move).
const LocationSchema = defineEntity({
  name: 'Location',
  tableName: 'location',
  uniques: [{ name: 'location_parent_name_unique', properties: ['parent', 'name'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(100),
    parent: () => p.manyToOne(Location).nullable().deleteRule('restrict').index('location_parent_idx'),
    description: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    version: p.integer().version(),
  },
});

export class Location extends LocationSchema.class {}
LocationSchema.setClass(Location);
