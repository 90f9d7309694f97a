import { defineEntity, p } from '@mikro-orm/core';
import { Thing } from './thing.entity.js';

// Photos live in the database (see README, "Photos"): re-encoded they are small, they commit and
// back up with the thing, and every instance behind a load balancer serves them.
const ThingPhotoSchema = defineEntity({
  name: 'ThingPhoto',
  tableName: 'thing_photo',
  properties: {
    id: p.integer().primary().autoincrement(),
    thing: () => p.manyToOne(Thing).deleteRule('cascade').index('thing_photo_thing_idx'),
    contentType: p.string().length(32),
    width: p.integer(),
    height: p.integer(),
    // sha256 of the stored image: the ETag.
    sha256: p.string().length(64),
    data: p.blob().lazy(),
    thumbnail: p.blob().lazy(),
    uploadedByLabel: p.string().length(128),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class ThingPhoto extends ThingPhotoSchema.class {}
ThingPhotoSchema.setClass(ThingPhoto);
