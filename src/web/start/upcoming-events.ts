import { Injectable } from '@nestjs/common';
import type { PageUser } from '../views.js';

// An event as the start page lists it.
export interface UpcomingEvent {
  title: string;
  startsAt: Date;
  endsAt: Date | null;
  // A room or place, as the calendar names it.
  location: string | null;
  // The event's page, when there is one (members: booking).
  href: string | null;
}

// Where the start page gets its next events (CalendarUpcomingEvents): only public events to a
// stranger (viewer null), soonest first, at most `limit`, not yet over, in a few queries.
export interface UpcomingEventsSource {
  upcoming(viewer: PageUser | null, limit: number): Promise<UpcomingEvent[]>;
}

export const UPCOMING_EVENTS = Symbol('UPCOMING_EVENTS');

// No events (the page says so): for a club without the calendar, and for tests.
@Injectable()
export class NoUpcomingEvents implements UpcomingEventsSource {
  upcoming(): Promise<UpcomingEvent[]> {
    return Promise.resolve([]);
  }
}
