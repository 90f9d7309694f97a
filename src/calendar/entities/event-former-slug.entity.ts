import { defineEntity, p } from '@mikro-orm/core';
import { CalendarEvent } from './calendar-event.entity.js';

// An address an event had before a new slug: /events/<slug> leads to the event's page, and no
// other event gets the slug while this one exists (deleting the event frees it).
const EventFormerSlugSchema = defineEntity({
  name: 'EventFormerSlug',
  tableName: 'calendar_event_former_slug',
  properties: {
    slug: p.string().length(64).primary(),
    event: () => p.manyToOne(CalendarEvent).deleteRule('cascade').index('calendar_event_former_slug_event_idx'),
    // When the event left this address.
    leftAt: p.datetime().onCreate(() => new Date()),
  },
});

export class EventFormerSlug extends EventFormerSlugSchema.class {}
EventFormerSlugSchema.setClass(EventFormerSlug);
