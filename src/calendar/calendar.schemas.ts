import { z } from 'zod';
import { schemaMessage } from '../core/zod-problems.js';
import { slugSchema } from '../inventory/inventory.schemas.js';
import { EVENT_STATUSES, EVENT_VISIBILITIES } from './entities/calendar-event.entity.js';

// No control characters: they break feeds, mail subjects and pages later on.
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, schemaMessage.empty)
    .max(max, schemaMessage.maxChars(max))
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, schemaMessage.control);

const isoDate = z.iso.date(schemaMessage.date);
// Wall-clock time in the event's zone, without offset: 2026-03-24T19:00 (a date for all-day events).
const localTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/, schemaMessage.localTime);

const eventFields = {
  title: text(200),
  slug: slugSchema.optional(),
  description: z.string().trim().max(10_000, schemaMessage.maxChars(10_000)).nullish(),
  start: localTime,
  // Timed events: after the start. All-day events: the last day (the start day if left out).
  end: localTime.optional(),
  timeZone: z.string().trim().max(64, schemaMessage.maxChars(64)).optional(),
  allDay: z.boolean().optional(),
  rrule: z.string().trim().max(500, schemaMessage.maxChars(500)).nullish(),
  exdates: z.array(isoDate).max(500).optional(),
  resourceIds: z.array(z.number().int().positive()).max(20).optional(),
  visibility: z.enum(EVENT_VISIBILITIES).optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  responsibleId: z.number().int().positive().nullish(),
};

export const createEventSchema = z.strictObject(eventFields);
export type CreateEventInput = z.infer<typeof createEventSchema>;

export const updateEventSchema = z.strictObject({
  // Optimistic locking: a stale version answers 409 instead of overwriting someone's change.
  version: z.number().int().positive().optional(),
  ...eventFields,
  title: eventFields.title.optional(),
  start: eventFields.start.optional(),
});
export type UpdateEventInput = z.infer<typeof updateEventSchema>;

// One occurrence of a recurring event: moved (start, end) or cancelled.
export const occurrenceSchema = z.strictObject({
  cancelled: z.boolean().optional(),
  start: localTime.optional(),
  end: localTime.optional(),
});
export type OccurrenceInput = z.infer<typeof occurrenceSchema>;

export const rangeQuery = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type RangeQuery = z.infer<typeof rangeQuery>;

export const resourceSchema = z.strictObject({
  // A room is an inventory place; a thing is named by id or slug.
  locationId: z.number().int().positive().optional(),
  thing: z.string().trim().min(1).max(64).optional(),
  name: text(200).optional(),
  description: z.string().trim().max(2000).nullish(),
});
export type ResourceInput = z.infer<typeof resourceSchema>;

export const resourceUpdateSchema = z.strictObject({
  name: text(200).optional(),
  description: z.string().trim().max(2000).nullish(),
});
export type ResourceUpdateInput = z.infer<typeof resourceUpdateSchema>;

export const announceSchema = z.strictObject({
  // Defaults to ALLMENDE_CALENDAR_ANNOUNCE_TO.
  to: z
    .string()
    .trim()
    .max(254)
    .regex(/^[^\s@<>",;]+@[^\s@<>",;]+$/, schemaMessage.email)
    .optional(),
  days: z.number().int().min(1).max(90).optional(),
});
export type AnnounceInput = z.infer<typeof announceSchema>;
