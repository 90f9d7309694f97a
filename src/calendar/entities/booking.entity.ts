import { defineEntity, p } from '@mikro-orm/core';
import { CalendarEvent } from './calendar-event.entity.js';
import { CalendarResource } from './calendar-resource.entity.js';

// One occurrence of an event holding one resource for a time range. The exclusion constraint
// (made in 0010-calendar, with btree_gist) lets no two rows of one resource overlap: PostgreSQL,
// not a check before the insert, decides between two requests that race.
// Written and read with SQL only (bookings.service.ts): `during` is a tstzrange.
const BookingSchema = defineEntity({
  name: 'Booking',
  tableName: 'booking',
  properties: {
    id: p.bigint().primary().autoincrement(),
    event: () => p.manyToOne(CalendarEvent).deleteRule('cascade').index('booking_event_idx'),
    resource: () => p.manyToOne(CalendarResource).deleteRule('cascade'),
    recurrenceId: p.datetime(),
    during: p.string().columnType('tstzrange'),
  },
});

export class Booking extends BookingSchema.class {}
BookingSchema.setClass(Booking);
