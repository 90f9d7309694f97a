import { defineEntity, p } from '@mikro-orm/core';

// An announcement mail of the coming events. A scheduled one has a key (its day), unique, so
// several instances ticking at once send it once.
const AnnouncementSchema = defineEntity({
  name: 'Announcement',
  tableName: 'calendar_announcement',
  properties: {
    id: p.integer().primary().autoincrement(),
    scheduleKey: p.string().length(32).nullable().unique('calendar_announcement_key_unique'),
    toAddress: p.string().length(254),
    events: p.integer(),
    byLabel: p.string().length(128),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Announcement extends AnnouncementSchema.class {}
AnnouncementSchema.setClass(Announcement);
