import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';
import { CalendarResource } from './calendar-resource.entity.js';

export const EVENT_STATUSES = ['confirmed', 'tentative', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];
export const EVENT_VISIBILITIES = ['public', 'members'] as const;
export type EventVisibility = (typeof EVENT_VISIBILITIES)[number];

// An event, once or recurring. Times are kept as UTC instants with the zone they were given in:
// the wall-clock time ("19:00 in Berlin") is what recurs, the instants are what is booked.
const CalendarEventSchema = defineEntity({
  name: 'CalendarEvent',
  tableName: 'calendar_event',
  indexes: [
    // The feeds and lists ask for events that end after a moment (null: recurs without end).
    { name: 'calendar_event_series_end_idx', properties: ['seriesEndAt'] },
    { name: 'calendar_event_start_idx', properties: ['startAt'] },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    // RFC 5545 UID: stable for the event's life, whatever is renamed.
    uid: p.string().length(80).unique('calendar_event_uid_unique'),
    slug: p.string().length(64).unique('calendar_event_slug_unique'),
    title: p.string().length(200),
    description: p.text().nullable(),
    timeZone: p.string().length(64),
    allDay: p.boolean().default(false),
    // The first occurrence; for all-day events midnight in timeZone, endAt exclusive.
    startAt: p.datetime(),
    endAt: p.datetime(),
    rrule: p.string().length(500).nullable(),
    // Local dates (YYYY-MM-DD) whose occurrence is left out, e.g. holidays.
    exdates: p.array<string>().defaultRaw("'{}'"),
    // The end of the last occurrence; null while a rule recurs without end.
    seriesEndAt: p.datetime().nullable(),
    // Occurrences are booked up to here (the horizon); the daily job moves it on.
    bookedUntil: p.datetime().nullable(),
    responsible: () => p.manyToOne(Member).nullable().deleteRule('set null').index('calendar_event_responsible_idx'),
    createdById: p.integer().nullable(),
    visibility: p.enum(EVENT_VISIBILITIES).default('public'),
    status: p.enum(EVENT_STATUSES).default('confirmed'),
    // Raised on every change of time or place (and of a moved or cancelled occurrence).
    sequence: p.integer().default(0),
    resources: () => p.manyToMany(CalendarResource).pivotTable('calendar_event_resource').owner(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});

export class CalendarEvent extends CalendarEventSchema.class {}
CalendarEventSchema.setClass(CalendarEvent);
