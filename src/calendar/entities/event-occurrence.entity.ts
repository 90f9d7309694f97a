import { defineEntity, p } from '@mikro-orm/core';
import { CalendarEvent } from './calendar-event.entity.js';

// One occurrence of a recurring event moved or cancelled (RECURRENCE-ID in the feeds).
const EventOccurrenceSchema = defineEntity({
  name: 'EventOccurrence',
  tableName: 'calendar_occurrence',
  uniques: [{ name: 'calendar_occurrence_unique', properties: ['event', 'recurrenceId'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    event: () => p.manyToOne(CalendarEvent).deleteRule('cascade'),
    // The occurrence's original start.
    recurrenceId: p.datetime(),
    cancelled: p.boolean().default(false),
    startAt: p.datetime(),
    endAt: p.datetime(),
    sequence: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class EventOccurrence extends EventOccurrenceSchema.class {}
EventOccurrenceSchema.setClass(EventOccurrence);
